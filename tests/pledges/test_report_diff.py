"""Comparing versions: per commitment, what changed (status, narrative by word, links, figures,
indicator values, means, evidence files); shown to officials, and publicly between two
published versions only."""

import pytest
from django.urls import reverse

from pledges import services
from pledges.models import ReportVersion
from pledges.reports import diff, review


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def update(cid, **values):
    base = {
        "commitment_id": cid,
        "code": f"C-{cid}",
        "status": "planned",
        "narrative": "",
        "evidence_links": [],
        "figures": "",
        "indicators": [],
        "means": None,
        "evidence_files": [],
    }
    return {**base, **values}


def test_word_diff_marks_changed_words_only():
    segments = diff.word_diff("We opened one shop in the north.", "We opened two shops in the north.")
    assert [(s.op, s.text) for s in segments] == [
        ("equal", "We opened "),
        ("delete", "one shop"),
        ("insert", "two shops"),
        ("equal", " in the north."),
    ]
    # Any script: Arabic words are compared as words too.
    arabic = diff.word_diff("افتتحنا مكتبا واحدا", "افتتحنا مكتبين")
    assert [s.op for s in arabic] == ["equal", "delete", "insert"]


def test_compare_per_commitment():
    before = {
        "updates": [
            update(
                1,
                status="planned",
                narrative="A desk opened.",
                evidence_links=["https://a.example/old"],
                figures="10 people",
                indicators=[{"indicator_id": 7, "code": "ID-1", "value": "10"}],
                means={
                    "budget_amount": "1000.00",
                    "budget_currency": "EUR",
                    "staff_fte": "2",
                    "lead_department": "Social affairs",
                    "partners": {"civil_society": ["Red Cross"]},
                    "support_needed": ["tools"],
                    "support_details": "",
                },
                evidence_files=[{"id": 5, "name": "a.pdf", "title": "", "content_type": "application/pdf", "size": 1}],
            ),
            update(2, narrative="Same."),
            update(3, narrative="Dropped later."),
        ]
    }
    after = {
        "updates": [
            update(
                1,
                status="in_progress",
                narrative="A desk opened and a hotline.",
                evidence_links=["https://a.example/new"],
                figures="10 people",
                indicators=[
                    {"indicator_id": 7, "code": "ID-1", "value": "10.0"},
                    {"indicator_id": 8, "code": "ID-2", "value": "55"},
                ],
                means={
                    "budget_amount": "1500",
                    "budget_currency": "EUR",
                    "staff_fte": "2.0",
                    "lead_department": "Social affairs",
                    "partners": {"civil_society": ["Red Cross", "Caritas"]},
                    "support_needed": ["tools", "resources"],
                    "support_details": "",
                },
                evidence_files=[{"id": 6, "name": "b.png", "title": "Photo", "content_type": "image/png", "size": 2}],
            ),
            update(2, narrative="Same."),
            update(4, narrative="New one."),
        ]
    }
    changes = {c.commitment_id: c for c in diff.compare(before, after)}
    first = changes[1]
    assert (first.status.before, first.status.after) == ("Planned", "In progress")
    assert [s.op for s in first.narrative] == ["equal", "insert", "equal"]
    assert first.links_added == ["https://a.example/new"]
    assert first.links_removed == ["https://a.example/old"]
    assert first.figures is None  # unchanged
    assert [(i["code"], i["before"], i["after"]) for i in first.indicators] == [("ID-2", "", "55")]  # 10 == 10.0
    labels = [str(m.label) for m in first.means]
    assert "Budget" in labels and "Staff (full-time equivalents)" not in labels  # 2 == 2.0
    assert "Partners: Civil society" in labels and "Support needed" in labels
    assert [f["id"] for f in first.files_added] == [6] and [f["id"] for f in first.files_removed] == [5]
    assert not changes[2].changed
    assert changes[3].removed and changes[4].added
    # A first version: everything is new.
    assert all(c.added for c in diff.compare(None, after))


def submit(official, pledge, period, narrative, status="in_progress"):
    report = services.report_open(actor=official, pledge=pledge, period=period)
    services.report_save(
        actor=official,
        report=report,
        updates=[
            services.UpdateInput(chosen_id=u.chosen_id, status=status, narrative=narrative)
            for u in report.updates.all()
        ],
    )
    return services.report_submit(actor=official, report=report)


def test_officials_see_what_a_correction_changed(client, verified_pledge_a, current_period, official_a, official_b):
    submit(official_a, verified_pledge_a, current_period, "We trained ten teachers.", status="planned")
    submit(official_a, verified_pledge_a, current_period, "We trained twenty teachers.")
    url = reverse("reports:version_changes", args=[verified_pledge_a.pk, current_period.pk, 2])
    client.force_login(official_a)
    page = client.get(url).content.decode()
    assert "<del" in page and "ten" in page and "twenty" in page
    assert "In progress" in page
    versions = client.get(reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk])).content.decode()
    assert url in versions  # linked from the versions list
    client.force_login(official_b)
    assert client.get(url).status_code == 404


def test_the_public_compares_published_versions_only(
    client, campaign, verified_pledge_a, current_period, official_a, staff_admin, city_a
):
    submit(official_a, verified_pledge_a, current_period, "First published words.")
    campaign.reports_need_review = True
    campaign.save()
    report = submit(official_a, verified_pledge_a, current_period, "Second words, waiting for review.")
    public = reverse("cities:report_changes", args=[city_a.slug, report.pk, 2])
    assert client.get(public).status_code == 404  # version 2 is not published
    profile = client.get(reverse("cities:detail", args=[city_a.slug])).content.decode()
    assert "First published words." in profile
    assert "Second words" not in profile

    review.report_publish(actor=staff_admin, version=ReportVersion.objects.get(number=2))
    page = client.get(public)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Second" in text and "First" in text
    profile = client.get(reverse("cities:detail", args=[city_a.slug])).content.decode()
    assert public in profile


def test_the_public_diff_skips_unpublished_versions(
    client, campaign, verified_pledge_a, current_period, official_a, staff_admin, city_a
):
    """v1 published, v2 sent back for changes (never public), v3 published: the public sees
    v3 against v1, and nothing of v2."""
    submit(official_a, verified_pledge_a, current_period, "Version one words.")
    campaign.reports_need_review = True
    campaign.save()
    report = submit(official_a, verified_pledge_a, current_period, "Secret draft-ish words of two.")
    review.report_ask_changes(actor=staff_admin, version=ReportVersion.objects.get(number=2), comment="Fix it.")
    report = submit(official_a, verified_pledge_a, current_period, "Version three words.")
    review.report_publish(actor=staff_admin, version=ReportVersion.objects.get(number=3))
    text = client.get(reverse("cities:report_changes", args=[city_a.slug, report.pk, 3])).content.decode()
    assert "Secret" not in text
    assert "one" in text and "three" in text

"""Reporting pages over HTTP: who gets in, the form, drafts, submissions, corrections."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from pledges import services
from pledges.models import Pledge, ProgressReport, ReportVersion


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def index_url(verified_pledge_a):
    return reverse("reports:index", args=[verified_pledge_a.pk])


@pytest.fixture
def edit_url(verified_pledge_a, current_period):
    return reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk])


def post_data(report, *, action, status="in_progress", narrative="We trained 40 front-desk staff.", links=""):
    updates = list(
        report.updates.select_related("chosen__commitment").order_by(
            "chosen__commitment__order", "chosen__commitment__code", "pk"
        )
    )
    data = {"action": action, "form-TOTAL_FORMS": str(len(updates)), "form-INITIAL_FORMS": str(len(updates))}
    for i, _update in enumerate(updates):
        data[f"form-{i}-status"] = status
        data[f"form-{i}-narrative"] = narrative
        data[f"form-{i}-evidence_links"] = links
        data[f"form-{i}-figures"] = "40 people"
    return data


def open_report(official, pledge, period):
    return services.report_open(actor=official, pledge=pledge, period=period)


# --- who gets in ------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, verified_pledge_a, current_period, index_url, edit_url):
    for url in [reverse("reports:home"), index_url, edit_url]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_other_users_get_404(client, request, verified_pledge_a, current_period, official_a, index_url, edit_url, who):
    report = open_report(official_a, verified_pledge_a, current_period)
    services.report_save(actor=official_a, report=report, updates=[])
    services.report_submit(actor=official_a, report=report)
    client.force_login(request.getfixturevalue(who))
    version_url = reverse("reports:version", args=[verified_pledge_a.pk, current_period.pk, 1])
    for url in [index_url, edit_url, version_url]:
        assert client.get(url).status_code == 404
    assert client.post(edit_url, post_data(report, action="save")).status_code == 404
    assert set(report.updates.values_list("status", flat=True)) == {"not_started"}


def test_unknown_ids_and_periods_of_another_campaign_give_404(client, verified_pledge_a, official_a):
    from tests.factories import CampaignFactory, ReportingPeriodFactory

    other_period = ReportingPeriodFactory(campaign=CampaignFactory())
    client.force_login(official_a)
    assert client.get(reverse("reports:index", args=[999_999])).status_code == 404
    assert client.get(reverse("reports:edit", args=[verified_pledge_a.pk, other_period.pk])).status_code == 404
    assert client.get(reverse("reports:version", args=[verified_pledge_a.pk, other_period.pk, 1])).status_code == 404


def test_officials_with_an_unconfirmed_email_cannot_report(client, official_a, verified_pledge_a, index_url, edit_url):
    EmailAddress.objects.filter(user=official_a).update(verified=False)
    client.force_login(official_a)
    assert client.get(index_url).status_code == 403
    assert client.get(edit_url).status_code == 403
    assert not ProgressReport.objects.exists()


# --- pages ------------------------------------------------------------------------------


def test_index_lists_each_period_with_its_state(
    client, official_a, verified_pledge_a, past_period, current_period, future_period, index_url
):
    report = open_report(official_a, verified_pledge_a, current_period)
    services.report_submit(actor=official_a, report=report)
    client.force_login(official_a)
    # Verified today: last year's period was due before the city joined, so it is not owed.
    rows = {row.period.pk: row for row in client.get(index_url).context["rows"]}
    assert rows[past_period.pk].state == "past" and not rows[past_period.pk].is_overdue
    Pledge.objects.filter(pk=verified_pledge_a.pk).update(verified_at=timezone.now() - timedelta(days=400))
    response = client.get(index_url)
    assert response.status_code == 200
    rows = {row.period.pk: row for row in response.context["rows"]}
    assert rows[past_period.pk].state == "past" and rows[past_period.pk].is_overdue
    assert "Overdue" in response.content.decode()
    assert rows[current_period.pk].state == "open" and rows[current_period.pk].is_submitted
    assert rows[future_period.pk].state == "upcoming" and not rows[future_period.pk].can_open
    html = response.content.decode()
    assert "Start the report" in html  # the past period, never started
    assert "View or correct" in html  # the current one, submitted
    assert "Not open yet" in html
    assert "On time" in html and "Version 1" in html
    assert reverse("reports:edit", args=[verified_pledge_a.pk, future_period.pk]) not in html


def test_index_of_an_unverified_pledge_says_why_there_is_nothing(client, official_a, submitted_pledge_a):
    client.force_login(official_a)
    response = client.get(reverse("reports:index", args=[submitted_pledge_a.pk]))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "once the campaign team has verified" in response.content.decode()


def test_form_shows_every_chosen_commitment_with_the_citys_target(client, official_a, verified_pledge_a, edit_url):
    client.force_login(official_a)
    response = client.get(edit_url)
    assert response.status_code == 200
    html = response.content.decode()
    for code in ["RIGHTS-1", "SERVICES-1", "MONITORING-1"]:
        assert code in html
    assert "Health care for everyone" in html
    assert "Every resident has a family doctor" in html
    assert 'value="save"' in html and 'value="submit"' in html
    assert not ProgressReport.objects.exists(), "opening the form writes nothing; the first save makes the report"


def test_an_upcoming_period_cannot_be_opened(client, official_a, verified_pledge_a, future_period):
    client.force_login(official_a)
    response = client.get(reverse("reports:edit", args=[verified_pledge_a.pk, future_period.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports:index", args=[verified_pledge_a.pk])
    assert "has not opened yet" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_save_draft_keeps_the_content(client, official_a, verified_pledge_a, current_period, edit_url):
    report = open_report(official_a, verified_pledge_a, current_period)
    client.force_login(official_a)
    data = post_data(report, action="save", links="https://mechelen.be/a\nhttps://mechelen.be/b")
    response = client.post(edit_url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    update = report.updates.first()
    assert update.narrative == "We trained 40 front-desk staff."
    assert update.evidence_links == ["https://mechelen.be/a", "https://mechelen.be/b"]
    page = client.get(edit_url).content.decode()
    assert "We trained 40 front-desk staff." in page


def test_submit_without_narrative_shows_the_error_next_to_the_field_and_keeps_input(
    client, official_a, verified_pledge_a, current_period, edit_url
):
    report = open_report(official_a, verified_pledge_a, current_period)
    client.force_login(official_a)
    data = post_data(report, action="submit", status="achieved", narrative="", links="https://mechelen.be/proof")
    response = client.post(edit_url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe what was done" in html
    error_at = html.index('id="id_form-0-narrative_error"')
    assert "Describe what was done" in html[error_at : error_at + 300]
    assert "https://mechelen.be/proof" in html
    assert '<option value="achieved" selected>' in html
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert set(report.updates.values_list("status", flat=True)) == {"not_started"}


def test_bad_link_is_refused_with_a_message(client, official_a, verified_pledge_a, current_period, edit_url):
    report = open_report(official_a, verified_pledge_a, current_period)
    client.force_login(official_a)
    response = client.post(edit_url, post_data(report, action="save", links="javascript:alert(1)"))
    assert response.status_code == 200
    assert "is not a web address" in response.content.decode()
    assert all(u.evidence_links == [] for u in report.updates.all())


def test_submit_then_correct_keeps_versions(client, official_a, verified_pledge_a, current_period, edit_url):
    report = open_report(official_a, verified_pledge_a, current_period)
    client.force_login(official_a)
    response = client.post(edit_url, post_data(report, action="submit"), follow=True)
    assert "your report is submitted" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.version == 1

    page = client.get(edit_url).content.decode()
    assert "Submit correction" in page
    assert 'value="save"' not in page

    client.post(edit_url, post_data(report, action="submit", narrative="We trained 60 front-desk staff."))
    report.refresh_from_db()
    assert report.version == 2
    assert ReportVersion.objects.filter(report=report).count() == 2

    page = client.get(edit_url).content.decode()
    assert reverse("reports:version", args=[verified_pledge_a.pk, current_period.pk, 1]) in page
    assert reverse("reports:version", args=[verified_pledge_a.pk, current_period.pk, 2]) in page
    first = client.get(reverse("reports:version", args=[verified_pledge_a.pk, current_period.pk, 1]))
    assert first.status_code == 200
    assert "We trained 40 front-desk staff." in first.content.decode()
    assert "We trained 60" not in first.content.decode()


def test_a_late_submission_is_shown_late(client, official_a, verified_pledge_a, current_period, edit_url):
    with time_machine.travel(datetime.combine(current_period.due + timedelta(days=5), time(12), tzinfo=UTC)):
        report = open_report(official_a, verified_pledge_a, current_period)
        client.force_login(official_a)
        client.post(edit_url, post_data(report, action="submit"))
        report.refresh_from_db()
        assert report.is_late
        page = client.get(reverse("reports:index", args=[verified_pledge_a.pk])).content.decode()
    assert "Late" in page


def test_after_the_correction_deadline_the_report_is_read_only(
    client, official_a, verified_pledge_a, current_period, edit_url
):
    report = open_report(official_a, verified_pledge_a, current_period)
    client.force_login(official_a)
    client.post(edit_url, post_data(report, action="submit"))
    later = services.report_correction_deadline(current_period) + timedelta(days=1)
    with time_machine.travel(datetime.combine(later, time(12), tzinfo=UTC)):
        client.force_login(official_a)
        page = client.get(edit_url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "can no longer be changed" in html
        assert "<textarea" not in html
        assert "We trained 40 front-desk staff." in html
        client.post(edit_url, post_data(report, action="submit", narrative="Rewritten history."))
    report.refresh_from_db()
    assert report.version == 1
    assert not report.updates.filter(narrative="Rewritten history.").exists()

"""Review before publication: with the campaign's setting on, a submitted version waits for
a campaign admin and nothing of it is public; published, it shows everywhere; sent back with
a comment, the city edits and submits version 2. With the setting off a report is public
at once. ``report_published`` is sent once per publication."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign.public import opendata
from campaign.public.models import PublicSignatory
from pledges import services
from pledges.models import PledgeEvent, ProgressReport, ReportVersion
from pledges.reports import review
from pledges.signals import report_published
from tests.factories import approve_official

NARRATIVE_1 = "We opened a one-stop shop for newcomers: review-text-4471."
NARRATIVE_2 = "We opened a one-stop shop for newcomers and a legal desk: review-text-9902."


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published_signals():
    received = []

    def receiver(sender, version, **kwargs):
        received.append(version.pk)

    report_published.connect(receiver)
    yield received
    report_published.disconnect(receiver)


@pytest.fixture
def reviewing(campaign):
    campaign.reports_need_review = True
    campaign.save()
    return campaign


def submit(official, pledge, period, narrative):
    report = services.report_open(actor=official, pledge=pledge, period=period)
    services.report_save(
        actor=official,
        report=report,
        updates=[
            services.UpdateInput(chosen_id=u.chosen_id, status="in_progress", narrative=narrative)
            for u in report.updates.all()
        ],
    )
    return services.report_submit(actor=official, report=report)


def profile(client, city):
    return client.get(reverse("cities:detail", args=[city.slug])).content.decode()


def public_narratives(pledge):
    return [u["narrative"] for record in opendata.report_records(pledge_ids=[pledge.pk]) for u in record["updates"]]


def test_with_review_a_submitted_version_waits_and_nothing_of_it_is_public(
    client, reviewing, verified_pledge_a, current_period, official_a, city_a, published_signals
):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    version = report.versions.get()
    assert version.review == ReportVersion.Review.PENDING
    assert version.published_at is None
    assert published_signals == []

    assert NARRATIVE_1 not in profile(client, city_a)
    assert public_narratives(verified_pledge_a) == []
    api = client.get("/api/v1/reports/").json()
    assert NARRATIVE_1 not in str(api)
    # The city did report on time: the public state says so, though not what it wrote.
    row = PublicSignatory.objects.get(pledge=verified_pledge_a)
    assert row.reporting_state == "on_time"
    assert row.reports_submitted == 1


def test_published_version_shows_on_the_profile_and_in_the_open_data(
    client,
    reviewing,
    verified_pledge_a,
    current_period,
    official_a,
    staff_admin,
    city_a,
    published_signals,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    version = report.versions.get()

    with django_capture_on_commit_callbacks(execute=True):
        review.report_publish(actor=staff_admin, version=version)
    published_mail = [m for m in mailoutbox if "is published" in m.subject]
    assert [m.to for m in published_mail] == [["focal@mechelen.be"]]

    version.refresh_from_db()
    assert version.review == ReportVersion.Review.PUBLISHED
    assert version.published_at is not None
    assert version.reviewed_by == staff_admin
    assert published_signals == [version.pk]
    assert NARRATIVE_1 in profile(client, city_a)
    assert set(public_narratives(verified_pledge_a)) == {NARRATIVE_1}
    assert PledgeEvent.objects.filter(
        pledge=verified_pledge_a, action=PledgeEvent.Action.REPORT_PUBLISHED, actor=staff_admin
    ).exists()
    with pytest.raises(ValidationError):
        review.report_publish(actor=staff_admin, version=version)  # once is enough
    assert published_signals == [version.pk]


def test_changes_asked_then_the_city_edits_and_resubmits_version_2(
    client,
    reviewing,
    verified_pledge_a,
    current_period,
    official_a,
    staff_admin,
    city_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
    published_signals,
):
    official_a.preferred_language = "fr"
    official_a.save()
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    first = report.versions.get()

    with pytest.raises(ValidationError):
        review.report_ask_changes(actor=staff_admin, version=first, comment="  ")
    with django_capture_on_commit_callbacks(execute=True):
        review.report_ask_changes(actor=staff_admin, version=first, comment="Add the legal desk, please.")

    first.refresh_from_db()
    report.refresh_from_db()
    assert first.review == ReportVersion.Review.CHANGES_REQUESTED
    assert first.published_at is None
    assert report.status == ProgressReport.Status.CHANGES_REQUESTED
    asked = [m for m in mailoutbox if "Add the legal desk, please." in m.body]
    assert len(asked) == 1
    assert asked[0].to == ["focal@mechelen.be"]
    assert "/fr/reports/" in asked[0].body  # in the official's language
    assert "This year" in asked[0].subject

    # The city sees the comment and can edit: the form page opens, not the read-only one.
    client.force_login(official_a)
    page = client.get(reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk]))
    assert page.status_code == 200
    assert "Add the legal desk, please." in page.content.decode()
    assert "pledges/report_form.html" in [t.name for t in page.templates]

    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_2)
    assert report.version == 2
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.first_submitted_at is not None
    second = report.versions.get(number=2)
    assert second.review == ReportVersion.Review.PENDING
    assert PledgeEvent.objects.filter(report=report, action=PledgeEvent.Action.REPORT_CORRECTED).exists()
    assert list(review.pending_versions()) == [second]

    review.report_publish(actor=staff_admin, version=second)
    text = profile(client.__class__(), city_a)
    assert NARRATIVE_2 in text
    assert NARRATIVE_1 not in text
    assert published_signals == [second.pk]


def test_only_the_latest_version_is_reviewed(reviewing, verified_pledge_a, current_period, official_a, staff_admin):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    first = report.versions.get()
    submit(official_a, verified_pledge_a, current_period, NARRATIVE_2)  # a correction before any review
    with pytest.raises(ValidationError):
        review.report_publish(actor=staff_admin, version=first)
    first.refresh_from_db()
    assert first.published_at is None


def test_who_may_review(reviewing, verified_pledge_a, current_period, official_a, official_b, staff_admin, city_a):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    version = report.versions.get()
    for actor in (official_a, official_b):
        with pytest.raises(PermissionDenied):
            review.report_publish(actor=actor, version=version)
        with pytest.raises(PermissionDenied):
            review.report_ask_changes(actor=actor, version=version, comment="No.")
    # An admin who also acts for the city does not judge its report.
    approve_official(staff_admin, city_a)
    with pytest.raises(PermissionDenied):
        review.report_publish(actor=staff_admin, version=version)
    version.refresh_from_db()
    assert version.review == ReportVersion.Review.PENDING


def test_without_review_a_report_is_public_at_once(
    client, verified_pledge_a, current_period, official_a, city_a, published_signals
):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    version = report.versions.get()
    assert version.review == ReportVersion.Review.PUBLISHED
    assert version.published_at is not None
    assert published_signals == [version.pk]
    assert NARRATIVE_1 in profile(client, city_a)
    assert set(public_narratives(verified_pledge_a)) == {NARRATIVE_1}

    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_2)  # a correction
    assert published_signals == [version.pk, report.versions.get(number=2).pk]


def test_the_staff_tab_lists_and_publishes(
    client, reviewing, verified_pledge_a, current_period, official_a, staff_admin, city_a
):
    report = submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    version = report.versions.get()
    client.force_login(staff_admin)
    listing = client.get(reverse("staff:report_reviews"))
    assert listing.status_code == 200
    assert reverse("staff:report_review", args=[version.pk]) in listing.content.decode()
    detail = client.get(reverse("staff:report_review", args=[version.pk]))
    assert NARRATIVE_1 in detail.content.decode()

    refused = client.post(reverse("staff:report_review_ask_changes", args=[version.pk]), {"comment": ""})
    assert refused.status_code == 400
    assert "Say what should change" in refused.content.decode()

    response = client.post(reverse("staff:report_review_publish", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.published_at is not None
    assert "No report is waiting for review." in client.get(reverse("staff:report_reviews")).content.decode()


def test_the_receipt_says_the_report_waits_for_review(
    reviewing, verified_pledge_a, current_period, official_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(official_a, verified_pledge_a, current_period, NARRATIVE_1)
    received = [m for m in mailoutbox if "We received" in m.subject]
    assert len(received) == 1
    assert "reads each report before it is public" in received[0].body
    assert "published all the same" not in received[0].body

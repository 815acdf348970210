"""Report services: who may open, save and submit; late flags; versions; corrections."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import services
from pledges.models import PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at_noon(day):
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def fill(report, *, status="in_progress", narrative="We opened a one-stop shop.", links=None):
    return [
        services.UpdateInput(
            chosen_id=u.chosen_id,
            status=status,
            narrative=narrative,
            evidence_links=links if links is not None else ["https://example.org/evidence"],
            figures="1200 people",
        )
        for u in report.updates.all()
    ]


def submit_complete(actor, report):
    services.report_save(actor=actor, report=report, updates=fill(report))
    return services.report_submit(actor=actor, report=report)


# --- opening ----------------------------------------------------------------------------


def test_open_creates_one_update_per_chosen_commitment_once(verified_pledge_a, current_period, official_a):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    again = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    assert again.pk == report.pk
    codes = sorted(report.updates.values_list("chosen__commitment__code", flat=True))
    assert codes == ["MONITORING-1", "RIGHTS-1", "SERVICES-1"]
    assert report.status == ProgressReport.Status.DRAFT
    assert ProgressUpdate.objects.filter(report=report).count() == 3


def test_open_needs_a_verified_pledge(submitted_pledge_a, current_period, official_a):
    with pytest.raises(ValidationError):
        services.report_open(actor=official_a, pledge=submitted_pledge_a, period=current_period)
    assert not ProgressReport.objects.exists()


def test_open_needs_an_opened_period(verified_pledge_a, future_period, official_a):
    with pytest.raises(ValidationError):
        services.report_open(actor=official_a, pledge=verified_pledge_a, period=future_period)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_only_the_citys_officials_open_its_report(request, verified_pledge_a, current_period, who):
    with pytest.raises(PermissionDenied):
        services.report_open(actor=request.getfixturevalue(who), pledge=verified_pledge_a, period=current_period)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_only_the_citys_officials_save_and_submit(request, verified_pledge_a, current_period, official_a, who):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    other = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_save(actor=other, report=report, updates=fill(report))
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=other, report=report)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert set(report.updates.values_list("status", flat=True)) == {"not_started"}


# --- saving and submitting --------------------------------------------------------------


def test_save_keeps_content_and_draft_status(verified_pledge_a, current_period, official_a):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    services.report_save(actor=official_a, report=report, updates=fill(report, links=[" https://a.example/x ", ""]))
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    update = report.updates.first()
    assert update.status == "in_progress"
    assert update.evidence_links == ["https://a.example/x"]
    assert PledgeEvent.objects.filter(report=report, action=PledgeEvent.Action.REPORT_SAVED).count() == 1


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/a", "not a link", "www.example.org"])
def test_evidence_links_must_be_http_or_https(verified_pledge_a, current_period, official_a, link):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    with pytest.raises(ValidationError):
        services.report_save(actor=official_a, report=report, updates=fill(report, links=[link]))
    assert all(u.evidence_links == [] for u in report.updates.all())


@pytest.mark.parametrize("status", ["planned", "in_progress", "achieved"])
def test_submit_refuses_an_item_without_narrative(verified_pledge_a, current_period, official_a, status):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    updates = fill(report, status="not_started", narrative="")
    updates[0] = services.UpdateInput(chosen_id=updates[0].chosen_id, status=status, narrative="  ")
    services.report_save(actor=official_a, report=report, updates=updates)
    with pytest.raises(ValidationError):
        services.report_submit(actor=official_a, report=report)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.DRAFT
    assert not ReportVersion.objects.filter(report=report).exists()


def test_not_started_items_need_no_narrative(verified_pledge_a, current_period, official_a):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    services.report_save(actor=official_a, report=report, updates=fill(report, status="not_started", narrative=""))
    report = services.report_submit(actor=official_a, report=report)
    assert report.status == ProgressReport.Status.SUBMITTED


def test_submit_on_time_keeps_a_version_and_each_correction_another(verified_pledge_a, current_period, official_a):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    report = submit_complete(official_a, report)
    assert report.status == ProgressReport.Status.SUBMITTED
    assert report.is_late is False
    assert report.version == 1
    first_submitted = report.first_submitted_at

    corrected = fill(report, narrative="We opened two one-stop shops.")
    services.report_save(actor=official_a, report=report, updates=corrected)
    report = services.report_submit(actor=official_a, report=report)
    assert report.version == 2
    assert report.first_submitted_at == first_submitted
    versions = list(ReportVersion.objects.filter(report=report).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert {u["narrative"] for u in versions[0].content["updates"]} == {"We opened a one-stop shop."}
    assert {u["narrative"] for u in versions[1].content["updates"]} == {"We opened two one-stop shops."}
    assert versions[1].submitted_by == official_a
    actions = list(PledgeEvent.objects.filter(report=report).values_list("action", flat=True))
    assert actions.count(PledgeEvent.Action.REPORT_SUBMITTED) == 1
    assert actions.count(PledgeEvent.Action.REPORT_CORRECTED) == 1


def test_submission_after_the_due_date_is_late(verified_pledge_a, current_period, official_a):
    with time_machine.travel(at_noon(current_period.due + timedelta(days=3)), tick=False):
        report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
        report = submit_complete(official_a, report)
    assert report.is_late is True
    assert ReportVersion.objects.filter(report=report).count() == 1


def test_submission_on_the_due_date_is_on_time(verified_pledge_a, current_period, official_a):
    # 21:00 UTC on the due date is still the due date in Brussels (22:00 or 23:00).
    moment = datetime.combine(current_period.due, time(21, 0), tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
        report = submit_complete(official_a, report)
    assert report.is_late is False


def test_a_late_report_stays_late_when_corrected(verified_pledge_a, current_period, official_a):
    with time_machine.travel(at_noon(current_period.due + timedelta(days=1)), tick=False):
        report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
        report = submit_complete(official_a, report)
        report = services.report_submit(actor=official_a, report=report)
    assert report.is_late is True
    assert report.version == 2


def test_correction_after_the_correction_deadline_is_refused(verified_pledge_a, current_period, official_a):
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    report = submit_complete(official_a, report)
    deadline = services.report_correction_deadline(current_period)
    with time_machine.travel(at_noon(deadline), tick=False):
        services.report_submit(actor=official_a, report=report)  # the last day still counts
    with time_machine.travel(at_noon(deadline + timedelta(days=1)), tick=False):
        with pytest.raises(ValidationError):
            services.report_save(actor=official_a, report=report, updates=fill(report, narrative="Changed later."))
        with pytest.raises(ValidationError):
            services.report_submit(actor=official_a, report=report)
    report.refresh_from_db()
    assert report.version == 2
    assert not report.updates.filter(narrative="Changed later.").exists()


def test_report_received_email_links_to_the_report_in_the_officials_language(
    verified_pledge_a, current_period, official_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://pledge.example.org"
    official_a.preferred_language = "fr"
    official_a.save()
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    services.report_save(actor=official_a, report=report, updates=fill(report))
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=official_a, report=report)
    received = [m for m in mailoutbox if "This year" in m.subject]
    assert len(received) == 1
    message = received[0]
    assert message.to == ["focal@mechelen.be"]
    link = f"https://pledge.example.org/fr/reports/{verified_pledge_a.pk}/{current_period.pk}/"
    assert link in message.body
    html = message.alternatives[0][0]
    assert f'href="{link}"' in html
    assert "late" not in message.body.lower()

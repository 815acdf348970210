"""The reminder engine: what is due when, in each city's own time, claimed and sent once."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from campaign.outbox.models import EmailDelivery, EmailOptOut
from pledges import reminders, tasks
from pledges.models import Pledge, ProgressReport, ReminderLog
from tests.factories import CampaignFactory, MunicipalityFactory, ReportingPeriodFactory, UserFactory, approve_official

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 30)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def rcampaign(db):
    # Open for signing at every moment the tests travel to (2026), whatever today's date.
    return CampaignFactory(
        slug="remind",
        status="open",
        signing_opens=date(2025, 1, 15),
        signing_closes=None,
        reminder_offsets=[-30, -7, -1, 7, 30],
    )


@pytest.fixture
def period(rcampaign):
    return ReportingPeriodFactory(campaign=rcampaign, label_en="First year", opens=date(2026, 1, 1), due=DUE)


def make_city(name, zone, country):
    return MunicipalityFactory(name=name, country=country, time_zone=zone)


JOINED = datetime(2026, 1, 10, 12, tzinfo=UTC)


def make_pledge(campaign, city, *, status=Pledge.Status.VERIFIED, verified_at=JOINED):
    return Pledge.objects.create(
        campaign=campaign,
        municipality=city,
        status=status,
        verified_at=verified_at if status == Pledge.Status.VERIFIED else None,
    )


@pytest.fixture
def tokyo(rcampaign, period):
    city = make_city("Tokyo", "Asia/Tokyo", "JP")
    user = UserFactory(email="focal@tokyo.jp", full_name="Tomo Official")
    approve_official(user, city)
    return make_pledge(rcampaign, city)


@pytest.fixture
def sao_paulo(rcampaign, period):
    city = make_city("São Paulo", "America/Sao_Paulo", "BR")
    user = UserFactory(email="focal@saopaulo.br", full_name="Sara Oficial", preferred_language="es")
    approve_official(user, city)
    return make_pledge(rcampaign, city)


def due_at(moment):
    with time_machine.travel(moment, tick=False):
        return {(d.pledge.municipality.name, d.kind) for d in reminders.due_reminders()}


def scan(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return reminders.scan_due_reminders(dispatch=tasks.send_reminder.delay)


# --- what is due when ------------------------------------------------------------------


def test_kinds_and_offsets():
    assert reminders.kind_for_offset(-7) == "before_7"
    assert reminders.kind_for_offset(30) == "overdue_30"
    assert reminders.offset_for_kind("before_1") == -1
    assert reminders.offset_for_kind("overdue_7") == 7
    with pytest.raises(ValueError):
        reminders.offset_for_kind("soon_3")


def test_seven_days_before_at_nine_local_time(tokyo, sao_paulo):
    # 09:00 in Tokyo on 23 June is 00:00 UTC; 09:00 in São Paulo is 12:00 UTC.
    assert due_at(utc(2026, 6, 22, 23, 59)) == set()
    assert due_at(utc(2026, 6, 23, 0, 0)) == {("Tokyo", "before_7")}
    assert due_at(utc(2026, 6, 23, 11, 59)) == {("Tokyo", "before_7")}
    assert due_at(utc(2026, 6, 23, 12, 0)) == {("Tokyo", "before_7"), ("São Paulo", "before_7")}


def test_not_at_midnight_utc(sao_paulo):
    assert due_at(utc(2026, 6, 23, 0, 0)) == set()
    assert due_at(utc(2026, 6, 23, 11, 0)) == set()  # 08:00 in São Paulo


def test_no_reminder_for_a_submitted_report(tokyo, period):
    ProgressReport.objects.create(pledge=tokyo, period=period, status=ProgressReport.Status.SUBMITTED)
    assert due_at(utc(2026, 6, 23, 1)) == set()
    assert due_at(utc(2026, 7, 7, 1)) == set()


def test_a_draft_report_still_gets_reminded(tokyo, period):
    ProgressReport.objects.create(pledge=tokyo, period=period, status=ProgressReport.Status.DRAFT)
    assert due_at(utc(2026, 6, 23, 1)) == {("Tokyo", "before_7")}


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_no_reminder_for_a_pledge_that_is_not_verified(rcampaign, period, status):
    city = make_city("Osaka", "Asia/Tokyo", "JP")
    approve_official(UserFactory(), city)
    make_pledge(rcampaign, city, status=status)
    assert due_at(utc(2026, 6, 23, 1)) == set()


def test_no_reminder_for_a_campaign_that_is_not_open(tokyo, rcampaign):
    rcampaign.status = "closed"
    rcampaign.save()
    assert due_at(utc(2026, 6, 23, 1)) == set()


def test_no_reminder_for_a_period_already_due_when_the_pledge_was_verified(rcampaign, period):
    city = make_city("Kyoto", "Asia/Tokyo", "JP")
    approve_official(UserFactory(), city)
    make_pledge(rcampaign, city, verified_at=utc(2026, 7, 2, 3))
    assert due_at(utc(2026, 7, 7, 1)) == set()


def test_reminders_start_with_verification(rcampaign, period):
    city = make_city("Nagoya", "Asia/Tokyo", "JP")
    approve_official(UserFactory(), city)
    make_pledge(rcampaign, city, verified_at=utc(2026, 6, 24, 3))  # after the 7-days-before moment
    assert due_at(utc(2026, 6, 25, 1)) == set()
    assert due_at(utc(2026, 6, 29, 1)) == {("Nagoya", "before_1")}


def test_only_approved_active_officials_hear(tokyo):
    from accounts.models import Membership

    asked = UserFactory(email="asked@tokyo.jp")
    Membership.objects.create(user=asked, municipality=tokyo.municipality, role="staff", status="requested")
    gone = UserFactory(email="gone@tokyo.jp", is_active=False)
    approve_official(gone, tokyo.municipality)
    with time_machine.travel(utc(2026, 6, 23, 1), tick=False):
        assert {d.recipient_email for d in reminders.due_reminders()} == {"focal@tokyo.jp"}


def test_catch_up_after_the_beat_was_down(tokyo):
    # Two and a half days late: the 7-days-before reminder still goes out, once.
    assert due_at(utc(2026, 6, 25, 12)) == {("Tokyo", "before_7")}
    # Once the 1-day-before moment has come, it supersedes the 7-days-before one.
    assert due_at(utc(2026, 6, 29, 1)) == {("Tokyo", "before_1")}


def test_no_before_reminder_once_the_due_date_has_passed(tokyo):
    # 30 June ends in Tokyo at 15:00 UTC: from then on "n days left" would be false.
    assert due_at(utc(2026, 6, 30, 14, 59)) == {("Tokyo", "before_1")}
    assert due_at(utc(2026, 6, 30, 15, 0)) == set()
    assert due_at(utc(2026, 7, 6, 23)) == set()


def test_catch_up_window_ends(rcampaign, period, tokyo):
    rcampaign.reminder_offsets = [7, 60]
    rcampaign.save()
    moment = utc(2026, 7, 7, 0)  # 7 July 09:00 in Tokyo
    assert due_at(moment) == {("Tokyo", "overdue_7")}
    assert due_at(moment + reminders.CATCH_UP - timedelta(minutes=1)) == {("Tokyo", "overdue_7")}
    assert due_at(moment + reminders.CATCH_UP) == set()


def test_overdue_reminders(tokyo, sao_paulo):
    assert due_at(utc(2026, 7, 7, 0)) == {("Tokyo", "overdue_7")}
    assert due_at(utc(2026, 7, 7, 12)) == {("Tokyo", "overdue_7"), ("São Paulo", "overdue_7")}
    assert due_at(utc(2026, 7, 30, 12)) == {("Tokyo", "overdue_30"), ("São Paulo", "overdue_30")}


# --- exactly once --------------------------------------------------------------------------


def test_scan_twice_sends_once(tokyo, sao_paulo, mailoutbox, django_capture_on_commit_callbacks):
    first = scan(utc(2026, 6, 23, 12, 5), django_capture_on_commit_callbacks)
    assert len(first.claimed) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["focal@saopaulo.br", "focal@tokyo.jp"]
    second = scan(utc(2026, 6, 23, 12, 15), django_capture_on_commit_callbacks)
    assert second.claimed == [] and second.requeued == []
    assert len(mailoutbox) == 2
    assert set(ReminderLog.objects.values_list("status", flat=True)) == {"sent"}
    assert ReminderLog.objects.count() == 2


def test_concurrent_claims_claim_once(tokyo):
    with time_machine.travel(utc(2026, 6, 23, 1), tick=False):
        due = reminders.due_reminders()
        # Two scans computed the same list before either claimed.
        first = reminders.claim(due)
        second = reminders.claim(due)
    assert len(first) == 1 and second == []
    assert ReminderLog.objects.get().status == ReminderLog.Status.CLAIMED


def test_deliver_twice_sends_once(tokyo, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(utc(2026, 6, 23, 1), tick=False):
        (row,) = reminders.claim(reminders.due_reminders())
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.deliver_reminder(row.pk) == "sent"
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.deliver_reminder(row.pk) == "sent"
    assert len(mailoutbox) == 1
    assert EmailDelivery.objects.filter(idempotency_key=f"reminder:{row.pk}", status="sent").count() == 1


def test_a_killed_send_is_resent_once_by_a_later_scan(tokyo, mailoutbox, django_capture_on_commit_callbacks):
    start = utc(2026, 6, 23, 1)
    lost = []
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        result = reminders.scan_due_reminders(dispatch=lost.append)  # the task never runs
    assert len(result.claimed) == 1 and lost == result.claimed
    assert mailoutbox == []
    # Still fresh: the next scan leaves it to the task that may still be running.
    assert scan(start + timedelta(minutes=10), django_capture_on_commit_callbacks).requeued == []
    assert mailoutbox == []
    later = scan(start + reminders.STALE_CLAIM + timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert later.requeued == result.claimed
    assert len(mailoutbox) == 1
    row = ReminderLog.objects.get()
    assert row.status == "sent" and row.attempts == 2
    again = scan(start + 3 * reminders.STALE_CLAIM, django_capture_on_commit_callbacks)
    assert again.requeued == [] and again.claimed == []
    assert len(mailoutbox) == 1


def test_a_claim_that_keeps_getting_lost_is_given_up(tokyo, django_capture_on_commit_callbacks):
    moment = utc(2026, 6, 23, 1)
    with time_machine.travel(moment, tick=False):
        reminders.claim(reminders.due_reminders())
    for _ in range(reminders.MAX_ATTEMPTS):
        moment += reminders.STALE_CLAIM + timedelta(minutes=1)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            reminders.scan_due_reminders(dispatch=lambda pk: None)
    row = ReminderLog.objects.get()
    assert row.status == "failed" and "attempts" in row.error


def test_report_submitted_between_claim_and_send_cancels(tokyo, period, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(utc(2026, 6, 23, 1), tick=False):
        (row,) = reminders.claim(reminders.due_reminders())
        ProgressReport.objects.create(pledge=tokyo, period=period, status=ProgressReport.Status.SUBMITTED)
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.deliver_reminder(row.pk) == "cancelled"
    assert mailoutbox == []
    assert ReminderLog.objects.get().error == "The report was submitted."


def test_the_next_kind_is_sent_after_the_previous_one(tokyo, mailoutbox, django_capture_on_commit_callbacks):
    scan(utc(2026, 6, 23, 1), django_capture_on_commit_callbacks)
    scan(utc(2026, 6, 29, 1), django_capture_on_commit_callbacks)
    scan(utc(2026, 7, 7, 1), django_capture_on_commit_callbacks)
    assert list(ReminderLog.objects.order_by("claimed_at").values_list("kind", flat=True)) == [
        "before_7",
        "before_1",
        "overdue_7",
    ]
    assert len(mailoutbox) == 3


def test_the_celery_tasks_run_the_engine(tokyo, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(utc(2026, 6, 23, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert tasks.scan_due_reminders.delay().get() == {"claimed": 1, "requeued": 0, "given_up": 0}
    assert len(mailoutbox) == 1
    assert tasks.send_reminder.delay(ReminderLog.objects.get().pk).get() == "sent"
    assert len(mailoutbox) == 1


# --- the email -----------------------------------------------------------------------------


def test_email_in_each_recipients_language_with_the_link(
    tokyo, period, mailoutbox, django_capture_on_commit_callbacks, settings, client
):
    french = UserFactory(email="collegue@tokyo.jp", full_name="Claire", preferred_language="fr")
    approve_official(french, tokyo.municipality)
    ProgressReport.objects.create(pledge=tokyo, period=period, status=ProgressReport.Status.DRAFT)
    scan(utc(2026, 6, 23, 1), django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mailoutbox}
    english = by_address["focal@tokyo.jp"]
    assert english.subject.endswith("Reminder: the report of Tokyo for First year is due in 7 days")
    link = f"{settings.SITE_URL}/en/reports/{tokyo.pk}/{period.pk}/"
    assert link in english.body
    assert "June 30, 2026" in english.body
    assert "That is in 7 days." in english.body
    assert "A draft is saved" in english.body
    html = english.alternatives[0][0]
    assert f'href="{link}"' in html and "June 30, 2026" in html
    assert english.extra_headers.get("List-Unsubscribe")
    assert f"{settings.SITE_URL}/fr/reports/{tokyo.pk}/{period.pk}/" in by_address["collegue@tokyo.jp"].body
    assert "30 juin 2026" in by_address["collegue@tokyo.jp"].body
    # The link opens the report form for the official.
    client.force_login(french)
    assert client.get(f"/fr/reports/{tokyo.pk}/{period.pk}/").status_code == 200


def test_overdue_email_counts_the_days(sao_paulo, period, mailoutbox, django_capture_on_commit_callbacks, settings):
    scan(utc(2026, 7, 9, 12), django_capture_on_commit_callbacks)  # caught up two days late
    (message,) = mailoutbox
    assert message.subject.endswith("Vencido: el informe de São Paulo para First year venció hace 9 días")
    assert "Lleva 9 días de retraso." in message.body
    assert f"{settings.SITE_URL}/es/reports/{sao_paulo.pk}/{period.pk}/" in message.body
    assert "30 de junio de 2026" in message.body
    assert ReminderLog.objects.get().kind == "overdue_7"


def test_opted_out_official_gets_nothing(tokyo, mailoutbox, django_capture_on_commit_callbacks):
    EmailOptOut.objects.create(user=tokyo.municipality.memberships.get().user, category="reminder")
    scan(utc(2026, 6, 23, 1), django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert ReminderLog.objects.get().status == "sent"  # handed over; the delivery was suppressed
    assert EmailDelivery.objects.get().status == "suppressed"


# --- the command and the schedule ----------------------------------------------------------


def test_command_dry_run_lists_without_claiming(tokyo, sao_paulo, capsys):
    with time_machine.travel(utc(2026, 6, 23, 12, 30), tick=False):
        call_command("send_due_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "before_7" in out and "Tokyo" in out and "focal@saopaulo.br" in out
    assert "2 reminders due" in out
    assert ReminderLog.objects.count() == 0
    assert mail.outbox == []


def test_command_sends_and_prints(tokyo, sao_paulo, capsys, django_capture_on_commit_callbacks):
    # The test runs in a transaction: commit callbacks run as they would after a real commit.
    with time_machine.travel(utc(2026, 6, 23, 12, 30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_due_reminders")
        first = capsys.readouterr().out
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_due_reminders")
        second = capsys.readouterr().out
    assert "sent      before_7     Tokyo · First year (due 2026-06-30) → focal@tokyo.jp" in first
    assert "Reminders: 2 sent" in first
    assert "Reminders: 0 sent" in second
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@saopaulo.br", "focal@tokyo.jp"]


def test_command_now_option(tokyo, capsys):
    call_command("send_due_reminders", "--dry-run", "--now", "2026-07-07T09:30:00+09:00")
    assert "overdue_7" in capsys.readouterr().out


def test_beat_schedule_is_registered():
    from django_celery_beat.models import PeriodicTask

    scan_task = PeriodicTask.objects.get(task="pledges.tasks.scan_due_reminders")
    assert scan_task.enabled and scan_task.interval.every == 10 and scan_task.interval.period == "minutes"
    digest = PeriodicTask.objects.get(task="pledges.tasks.send_daily_digest")
    assert digest.crontab.hour == "7" and digest.crontab.minute == "0" and str(digest.crontab.timezone) == "UTC"


def test_beat_schedule_migration_is_idempotent():
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("pledges.migrations.0003_reminder_schedule")
    PeriodicTask.objects.filter(task="pledges.tasks.scan_due_reminders").update(enabled=False)
    migration.add_schedule(apps, None)
    migration.add_schedule(apps, None)
    tasks = PeriodicTask.objects.filter(
        task__in=["pledges.tasks.scan_due_reminders", "pledges.tasks.send_daily_digest"]
    )
    assert tasks.count() == 2
    assert not tasks.get(task="pledges.tasks.scan_due_reminders").enabled  # an admin's choice stays

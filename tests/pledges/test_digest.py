"""The campaign admins' daily digest: what waits, once a day, nothing when nothing waits."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command

from pledges import reminders, tasks
from pledges.models import DigestLog
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def run(capture, now=None):
    with capture(execute=True):
        return reminders.send_daily_digests(now, dispatch=tasks.send_digest.delay)


def test_nothing_waits_nothing_is_sent(staff_admin, mailoutbox, django_capture_on_commit_callbacks):
    result = run(django_capture_on_commit_callbacks)
    assert result.claimed == [] and mailoutbox == [] and not DigestLog.objects.exists()


def test_digest_lists_what_waits(
    staff_admin, submitted_pledge_a, city_b, mailoutbox, django_capture_on_commit_callbacks, settings
):
    MembershipFactory(municipality=city_b, user__full_name="Paul Newcomer")
    french_admin = StaffFactory(preferred_language="fr", email="admin-fr@campaign.org")
    StaffFactory(email="former@campaign.org", is_active=False)
    run(django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {staff_admin.email, french_admin.email}
    message = by_address[staff_admin.email]
    assert message.subject.endswith("Campaign team: 2 items wait for you")
    assert "1 request to act for a municipality" in message.body
    assert "Paul Newcomer for Lyon" in message.body
    assert "1 pledge to verify" in message.body and "Mechelen (Cities for the rights of migrants)" in message.body
    assert "0 overdue reports" in message.body
    assert f"{settings.SITE_URL}/en/staff/" in message.body
    assert f'href="{settings.SITE_URL}/en/staff/"' in message.alternatives[0][0]
    assert f"{settings.SITE_URL}/fr/staff/" in by_address[french_admin.email].body


def test_digest_counts_overdue_reports(
    staff_admin, verified_pledge_a, current_period, mailoutbox, django_capture_on_commit_callbacks
):
    # Noon UTC ten days after the due date: the same date in Mechelen (UTC+1 or +2), whatever the hour.
    ten_days_late = datetime.combine(current_period.due + timedelta(days=10), time(12), tzinfo=UTC)
    with time_machine.travel(ten_days_late, tick=False):
        run(django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert "1 overdue report" in message.body
    assert "Mechelen, This year: 10 days overdue" in message.body


def test_once_per_admin_per_day(staff_admin, submitted_pledge_a, mailoutbox, django_capture_on_commit_callbacks):
    first = run(django_capture_on_commit_callbacks)
    second = run(django_capture_on_commit_callbacks)
    assert len(first.claimed) == 1 and second.claimed == []
    assert len(mailoutbox) == 1
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=1), tick=False):
        run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert DigestLog.objects.filter(status="sent").count() == 2


def test_a_lost_digest_is_sent_once_later(
    staff_admin, submitted_pledge_a, mailoutbox, django_capture_on_commit_callbacks
):
    start = datetime.combine(date.today() + timedelta(days=1), time(7), tzinfo=UTC)  # tomorrow, 07:00 UTC
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        reminders.send_daily_digests(dispatch=lambda pk: None)
    assert mailoutbox == []
    with time_machine.travel(start + reminders.STALE_CLAIM + timedelta(minutes=1), tick=False):
        result = run(django_capture_on_commit_callbacks)
        assert len(result.requeued) == 1
        assert reminders.deliver_digest(result.requeued[0]) == "sent"
    assert len(mailoutbox) == 1


def test_nothing_waits_any_more_when_sending(staff_admin, submitted_pledge_a, mailoutbox):
    from pledges import services

    (pk,) = reminders.send_daily_digests(dispatch=lambda pk: None).claimed
    services.pledge_verify(actor=StaffFactory(), pledge=submitted_pledge_a)
    assert reminders.deliver_digest(pk) == "cancelled"
    assert not [m for m in mailoutbox if "wait" in m.subject]


def test_command_digest_option(staff_admin, submitted_pledge_a, capsys, mailoutbox, django_capture_on_commit_callbacks):
    call_command("send_due_reminders", "--dry-run", "--digest")
    assert "Digest: 1 items wait" in capsys.readouterr().out
    assert not DigestLog.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", "--digest")
    assert "sent      digest" in capsys.readouterr().out
    assert len(mailoutbox) == 1


def test_staff_without_a_second_factor_get_no_digest_when_one_is_required(
    submitted_pledge_a, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """The digest names applicants and pledges under review: staff power, so MFA-bound."""
    settings.STAFF_REQUIRE_MFA = True
    with_totp = StaffFactory(email="admin-totp@campaign.org", totp=True)
    StaffFactory(email="admin-no-mfa@campaign.org")
    run(django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mailoutbox] == [with_totp.email]

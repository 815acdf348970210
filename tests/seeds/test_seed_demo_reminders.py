"""The demo shows reminders whatever day it runs: seed_demo makes the campaign's current
period due a few days ahead (demo only), and send_due_reminders then has reminders to send."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from campaign.models import Campaign, ReportingPeriod
from pledges import reminders
from pledges.models import Pledge, ProgressReport, ReminderLog
from seeds.demo import DEMO_DUE_IN_DAYS, date_current_period_for_demo, read_demo_data
from seeds.management.commands.seed_commitments import load_catalogue, read_catalogue

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """The demo uploads council resolutions: keep them out of the project's media folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def seed():
    # A high threshold keeps the test quick; the named cities come in whatever their size.
    call_command("seed_demo", "--min-population", "5000000", stdout=StringIO())


def periods_are_valid(campaign):
    periods = list(campaign.periods.order_by("opens"))
    for period in periods:
        period.full_clean()  # due after opens, no overlap, unique labels
    return periods


def check_demo_reminders(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed()
    assert mailoutbox == [], "the seed mails nobody"
    campaign = Campaign.objects.get(slug=read_catalogue()["campaign"]["slug"])
    now = timezone.now()
    today = now.date()
    periods_are_valid(campaign)
    if not campaign.periods.filter(due__gte=today).exists():
        # Past the catalogue's last period (and its signing window): no current or next period
        # to move, so no "before" reminder can be due; the seed still succeeds.
        assert not any(item.kind.startswith("before_") for item in reminders.due_reminders(now))
        return

    # The current period: open today and due DEMO_DUE_IN_DAYS from now.
    period = campaign.periods.get(due=today + timedelta(days=DEMO_DUE_IN_DAYS))
    assert period.status_on(today) == "open"

    # Demo cities owe it: verified before it is due, report not submitted (the drafts among them).
    submitted = ProgressReport.objects.filter(period=period, status=ProgressReport.Status.SUBMITTED)
    owing = Pledge.objects.filter(
        campaign=campaign, status=Pledge.Status.VERIFIED, verified_at__date__lt=period.due
    ).exclude(pk__in=submitted.values("pledge_id"))
    cities = read_demo_data()["cities"]
    plans = [city.get("reports", {}).get("current") for city in cities]
    assert owing.count() == sum(
        1 for city, plan in zip(cities, plans, strict=True) if city["state"] == "verified" and plan != "submitted"
    )
    # Exactly the cities with a plan for the current period have a report for it.
    assert ProgressReport.objects.filter(period=period).count() == sum(plan is not None for plan in plans)

    # The "7 days left" reminder is due for them, in every time zone; "1 day left" is not yet.
    due = [item for item in reminders.due_reminders(now) if item.pledge.campaign_id == campaign.pk]
    for_period = [item for item in due if item.period == period]
    assert {item.kind for item in for_period} == {"before_7"}
    assert {item.pledge.pk for item in for_period} == set(owing.values_list("pk", flat=True))
    languages = set(User.objects.filter(pk__in={item.recipient_id for item in due}).values_list("preferred_language"))
    # Officials in every site language, Arabic (Amman, Beirut) included.
    assert languages == {(code,) for code, _name in settings.LANGUAGES}

    # The command sends each of them once, in the official's language (the links say so).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=StringIO())
    sent = [m for m in mailoutbox if any(m.to[0] == item.recipient_email for item in for_period)]
    assert sorted(m.to[0] for m in sent) == sorted(item.recipient_email for item in for_period)
    assert ReminderLog.objects.filter(period=period, kind="before_7", status="sent").count() == len(for_period)
    for message in sent:
        language = User.objects.get(email=message.to[0]).preferred_language
        assert f"/{language}/reports/" in message.body, message.to
    assert reminders.due_reminders(now) == []

    # A second send and a second seed on the same day: nothing new.
    count = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=StringIO())
    reports = ProgressReport.objects.count()
    seed()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders", stdout=StringIO())
    assert len(mailoutbox) == count
    assert ProgressReport.objects.count() == reports
    assert campaign.periods.get(pk=period.pk).due == period.due


@pytest.mark.slow
def test_demo_sends_reminders_today(settings, mailoutbox, django_capture_on_commit_callbacks):
    check_demo_reminders(settings, mailoutbox, django_capture_on_commit_callbacks)


@pytest.mark.slow
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 6, 1, 0, 5, tzinfo=UTC),  # early in a period, just after midnight UTC
        datetime(2026, 12, 13, 23, 55, tzinfo=UTC),  # two days before the catalogue's due date
        datetime(2026, 12, 20, 12, tzinfo=UTC),  # between two periods: the next one opens today
        datetime(2027, 1, 10, 12, tzinfo=UTC),  # between two periods, in the new year
        datetime(2027, 3, 1, 12, tzinfo=UTC),  # the catalogue's last period
        datetime(2028, 6, 1, 12, tzinfo=UTC),  # no current or next period: no reminder due
    ],
)
def test_demo_sends_reminders_any_day(moment, settings, mailoutbox, django_capture_on_commit_callbacks):
    with time_machine.travel(moment, tick=False):
        check_demo_reminders(settings, mailoutbox, django_capture_on_commit_callbacks)


def test_current_period_moves_within_the_rules():
    campaign = load_catalogue()["campaign"]
    catalogue = {p.label_en: (p.opens, p.due) for p in campaign.periods.all()}

    # Inside a period: only its due date moves; a second call changes nothing.
    period = date_current_period_for_demo(campaign, today=date(2026, 11, 24))
    assert (period.label_en, period.opens, period.due) == ("Year 2026", date(2026, 1, 15), date(2026, 11, 30))
    assert date_current_period_for_demo(campaign, today=date(2026, 11, 24)) == period
    periods = periods_are_valid(campaign)
    assert {p.label_en: (p.opens, p.due) for p in periods if p != period} == {
        label: dates for label, dates in catalogue.items() if label != "Year 2026"
    }

    # Between two periods: the next one opens today (after the previous one is due).
    load_catalogue()
    period = date_current_period_for_demo(campaign, today=date(2026, 12, 20))
    assert (period.label_en, period.opens, period.due) == ("Year 2027", date(2026, 12, 20), date(2026, 12, 26))
    periods_are_valid(campaign)

    # A following period that would overlap opens the day after the demo due date.
    load_catalogue()
    ReportingPeriod.objects.filter(label_en="Year 2027").update(opens=date(2026, 12, 18))
    period = date_current_period_for_demo(campaign, today=date(2026, 12, 14))
    assert period.due == date(2026, 12, 20)
    assert campaign.periods.get(label_en="Year 2027").opens == date(2026, 12, 21)
    periods_are_valid(campaign)

    # Every period past: nothing to move.
    load_catalogue()
    assert date_current_period_for_demo(campaign, today=date(2028, 1, 1)) is None

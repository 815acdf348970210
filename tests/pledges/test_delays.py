"""Asking for more time: an official asks for a later due date for one period, a campaign
admin grants or refuses it; the late state, the reminders, the calendar, the overdue list
and the public reporting state follow the granted date.

Dates are relative to the ``current_period`` fixture (opened 30 days ago, due in 60 days):
the tests travel to days around its due date.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from icalendar import Calendar

from campaign.public import projection
from campaign.public.models import PublicSignatory
from pledges import delays, reminders, rules, services
from pledges.models import DelayRequest, PledgeCalendar, PledgeEvent, ReminderLog
from pledges.queries import overdue_reports, pledge_period_rows
from tests.factories import UserFactory, approve_official

pytestmark = pytest.mark.django_db

REASON = "The council meets only after the summer: the figures are approved then."


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def on(day: date):
    """Travel to noon UTC on ``day`` (the same date in Mechelen), the clock stopped."""
    return time_machine.travel(at_noon(day), tick=False)


def ask(official, pledge, period, days_after_due=30, reason=REASON):
    return delays.delay_request(
        actor=official,
        pledge=pledge,
        period=period,
        requested_due=period.due + timedelta(days=days_after_due),
        reason=reason,
    )


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}


def submit_report(official, pledge, period):
    report = services.report_open(actor=official, pledge=pledge, period=period)
    updates = [
        services.UpdateInput(chosen_id=u.chosen_id, status="planned", narrative="We drafted the plan.")
        for u in report.updates.all()
    ]
    services.report_save(actor=official, report=report, updates=updates)
    return services.report_submit(actor=official, report=report)


# --- services: asking -------------------------------------------------------------------------


def test_an_official_asks_and_the_history_records_it(verified_pledge_a, current_period, official_a):
    delay = ask(official_a, verified_pledge_a, current_period)
    assert delay.status == DelayRequest.Status.PENDING
    assert delay.requested_by == official_a
    assert delay.requested_due == current_period.due + timedelta(days=30)
    event = PledgeEvent.objects.get(pledge=verified_pledge_a, action=PledgeEvent.Action.DELAY_REQUESTED)
    assert event.actor == official_a
    assert (current_period.due + timedelta(days=30)).isoformat() in event.note and REASON in event.note
    # Asking changes no date until a campaign admin decides.
    assert rules.pledge_due_date(verified_pledge_a.pk, current_period) == current_period.due


@pytest.mark.parametrize("who", ["official_b", "staff_admin"])
def test_only_the_citys_officials_may_ask(request, verified_pledge_a, current_period, who):
    with pytest.raises(PermissionDenied):
        ask(request.getfixturevalue(who), verified_pledge_a, current_period)
    assert not DelayRequest.objects.exists()


def test_the_pledge_must_be_verified(submitted_pledge_a, current_period, official_a):
    with pytest.raises(ValidationError):
        ask(official_a, submitted_pledge_a, current_period)


def test_the_date_must_be_later_and_within_the_limit_and_a_reason_given(verified_pledge_a, current_period, official_a):
    with pytest.raises(ValidationError) as not_later:
        ask(official_a, verified_pledge_a, current_period, days_after_due=0)
    assert set(messages_of(not_later.value)) == {"requested_due"}
    with pytest.raises(ValidationError) as too_far:
        ask(official_a, verified_pledge_a, current_period, days_after_due=rules.DELAY_MAX_DAYS + 1)
    assert set(messages_of(too_far.value)) == {"requested_due"}
    with pytest.raises(ValidationError) as no_reason:
        ask(official_a, verified_pledge_a, current_period, reason="   ")
    assert set(messages_of(no_reason.value)) == {"reason"}
    # Both at once: each field says what is wrong.
    with pytest.raises(ValidationError) as both:
        ask(official_a, verified_pledge_a, current_period, days_after_due=-3, reason="")
    assert set(messages_of(both.value)) == {"requested_due", "reason"}
    # The last day allowed is fine.
    ask(official_a, verified_pledge_a, current_period, days_after_due=rules.DELAY_MAX_DAYS)


def test_a_past_date_is_refused_once_the_period_is_overdue(verified_pledge_a, current_period, official_a):
    with on(current_period.due + timedelta(days=20)), pytest.raises(ValidationError) as past:
        ask(official_a, verified_pledge_a, current_period, days_after_due=10)
    assert set(messages_of(past.value)) == {"requested_due"}


def test_one_request_waits_per_period(verified_pledge_a, current_period, official_a):
    ask(official_a, verified_pledge_a, current_period)
    with pytest.raises(ValidationError):
        ask(official_a, verified_pledge_a, current_period, days_after_due=40)
    assert DelayRequest.objects.count() == 1


def test_no_request_for_a_submitted_report(verified_pledge_a, current_period, official_a):
    submit_report(official_a, verified_pledge_a, current_period)
    with pytest.raises(ValidationError):
        ask(official_a, verified_pledge_a, current_period)


def test_errors_in_french_for_periods_not_owed_or_not_open(verified_pledge_a, past_period, future_period, official_a):
    with translation.override("fr"):
        with pytest.raises(ValidationError) as not_owed:
            ask(official_a, verified_pledge_a, past_period)
        with pytest.raises(ValidationError) as not_open:
            ask(official_a, verified_pledge_a, future_period)
    assert not_owed.value.messages == [
        "Cette période était déjà échue quand l’engagement a été vérifié : aucun rapport n’est dû pour elle."
    ]
    assert not_open.value.messages == ["Cette période de rapport n’est pas encore ouverte."]


def test_field_errors_in_french(verified_pledge_a, current_period, official_a):
    """The messages of this feature, in the French of /tmp/translations/c_delays.json (merged
    into locale/fr by the lead)."""
    with translation.override("fr"), pytest.raises(ValidationError) as both:
        ask(official_a, verified_pledge_a, current_period, days_after_due=rules.DELAY_MAX_DAYS + 5, reason="")
    errors = messages_of(both.value)
    assert errors["reason"] == ["Dites pourquoi la ville a besoin de plus de temps."]
    assert errors["requested_due"][0].startswith("Choisissez une date au plus tard le ")


def test_the_official_withdraws_a_waiting_request(verified_pledge_a, current_period, official_a, official_b):
    delay = ask(official_a, verified_pledge_a, current_period)
    with pytest.raises(PermissionDenied):
        delays.delay_withdraw(actor=official_b, delay=delay)
    delays.delay_withdraw(actor=official_a, delay=delay)
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.WITHDRAWN
    assert PledgeEvent.objects.filter(action=PledgeEvent.Action.DELAY_WITHDRAWN, actor=official_a).exists()
    with pytest.raises(ValidationError):
        delays.delay_withdraw(actor=official_a, delay=delay)
    ask(official_a, verified_pledge_a, current_period)  # asking again is possible


# --- services: deciding -----------------------------------------------------------------------


def test_an_admin_grants_and_the_due_date_moves(
    verified_pledge_a, current_period, official_a, staff_admin, mailoutbox, django_capture_on_commit_callbacks
):
    delay = ask(official_a, verified_pledge_a, current_period)
    with django_capture_on_commit_callbacks(execute=True):
        delays.delay_grant(actor=staff_admin, delay=delay, reason="Fine, thank you for telling us.")
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.GRANTED and delay.decided_by == staff_admin
    assert rules.pledge_due_date(verified_pledge_a.pk, current_period) == current_period.due + timedelta(days=30)
    assert PledgeEvent.objects.filter(action=PledgeEvent.Action.DELAY_GRANTED, actor=staff_admin).exists()
    [message] = mailoutbox
    assert message.to == [official_a.email]
    assert "More time granted" in message.subject
    assert "Fine, thank you for telling us." in message.body


def test_the_decision_email_is_in_each_officials_language(
    verified_pledge_a, current_period, official_a, staff_admin, city_a, mailoutbox, django_capture_on_commit_callbacks
):
    french = UserFactory(email="echevin@mechelen.be", preferred_language="fr")
    approve_official(french, city_a)
    delay = ask(official_a, verified_pledge_a, current_period)
    with django_capture_on_commit_callbacks(execute=True):
        delays.delay_grant(actor=staff_admin, delay=delay)
    by_address = {m.to[0]: m for m in mailoutbox}
    day = current_period.due + timedelta(days=30)
    with translation.override("fr"):
        french_day = f"{day.day} {_month_fr(day)} {day.year}"
    assert french_day in by_address["echevin@mechelen.be"].body
    assert "/fr/reports/" in by_address["echevin@mechelen.be"].body
    assert "/en/reports/" in by_address[official_a.email].body


def _month_fr(day: date) -> str:
    return [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ][day.month - 1]


def test_refusal_needs_a_reason_and_leaves_the_date(
    verified_pledge_a, current_period, official_a, staff_admin, mailoutbox, django_capture_on_commit_callbacks
):
    delay = ask(official_a, verified_pledge_a, current_period)
    with pytest.raises(ValidationError) as no_reason:
        delays.delay_refuse(actor=staff_admin, delay=delay, reason=" ")
    assert set(messages_of(no_reason.value)) == {"reason"}
    with django_capture_on_commit_callbacks(execute=True):
        delays.delay_refuse(actor=staff_admin, delay=delay, reason="The report is needed for the summit.")
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.REFUSED
    assert rules.pledge_due_date(verified_pledge_a.pk, current_period) == current_period.due
    assert PledgeEvent.objects.filter(action=PledgeEvent.Action.DELAY_REFUSED).exists()
    [message] = mailoutbox
    assert "More time refused" in message.subject and "The report is needed for the summit." in message.body


def test_only_an_independent_admin_decides(verified_pledge_a, current_period, official_a, city_a):
    delay = ask(official_a, verified_pledge_a, current_period)
    with pytest.raises(PermissionDenied):
        delays.delay_grant(actor=official_a, delay=delay)
    admin_of_the_city = UserFactory(email="admin-and-official@campaign.org", is_staff=True)
    approve_official(admin_of_the_city, city_a)
    with pytest.raises(PermissionDenied):
        delays.delay_grant(actor=admin_of_the_city, delay=delay)
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.PENDING


def test_a_decided_request_is_not_decided_again(verified_pledge_a, current_period, official_a, staff_admin):
    delay = ask(official_a, verified_pledge_a, current_period)
    delays.delay_grant(actor=staff_admin, delay=delay)
    with pytest.raises(ValidationError):
        delays.delay_refuse(actor=staff_admin, delay=delay, reason="Changed my mind.")


def test_the_latest_grant_wins_and_a_new_ask_starts_from_it(verified_pledge_a, current_period, official_a, staff_admin):
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 20))
    with pytest.raises(ValidationError):  # not after the granted day
        ask(official_a, verified_pledge_a, current_period, 15)
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 45))
    assert rules.pledge_due_date(verified_pledge_a.pk, current_period) == current_period.due + timedelta(days=45)


# --- the consequences of a grant ----------------------------------------------------------------


def test_after_a_grant_the_late_state_is_gone(
    client, verified_pledge_a, current_period, official_a, staff_admin, city_a
):
    overdue_day = current_period.due + timedelta(days=5)
    with on(overdue_day):
        projection.refresh_pledges([verified_pledge_a.pk])
        assert PublicSignatory.objects.get(pledge=verified_pledge_a).reporting_state == rules.LATE
        assert [(r.pledge.pk, r.period.pk) for r in overdue_reports()] == [(verified_pledge_a.pk, current_period.pk)]
        [row] = [r for r in pledge_period_rows(verified_pledge_a) if r.period == current_period]
        assert row.is_overdue

        delay = ask(official_a, verified_pledge_a, current_period, days_after_due=40)
        delays.delay_grant(actor=staff_admin, delay=delay)

        public = PublicSignatory.objects.get(pledge=verified_pledge_a)  # moved in the grant's transaction
        assert public.reporting_state == rules.NONE
        new_due = current_period.due + timedelta(days=40)
        assert public.state_changes_at == datetime.combine(
            new_due + timedelta(days=1), time(0), tzinfo=ZoneInfo("Europe/Brussels")
        )
        assert overdue_reports() == []
        [row] = [r for r in pledge_period_rows(verified_pledge_a) if r.period == current_period]
        assert not row.is_overdue and row.state == "open" and row.due == new_due and row.is_delayed

        profile = client.get(reverse("cities:detail", args=[city_a.slug]))
        assert profile.status_code == 200
        html = profile.content.decode()
        assert "Report awaited" in html and "No report" not in html
        assert f"due {date_format(new_due, 'DATE_FORMAT')}" in html

    # Once the new date passes too, the pledge is late again (the hourly refresh).
    with on(current_period.due + timedelta(days=41)):
        projection.refresh_due()
        assert PublicSignatory.objects.get(pledge=verified_pledge_a).reporting_state == rules.LATE
        assert [r.days_overdue for r in overdue_reports()] == [1]


def test_a_report_submitted_before_the_new_date_is_not_late(verified_pledge_a, current_period, official_a, staff_admin):
    with on(current_period.due + timedelta(days=10)):
        delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 30))
        report = submit_report(official_a, verified_pledge_a, current_period)
    assert report.is_late is False
    assert PublicSignatory.objects.get(pledge=verified_pledge_a).reports_late == 0


def test_the_correction_window_follows_the_granted_date(verified_pledge_a, current_period, official_a, staff_admin):
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 90))
    window = services.REPORT_CORRECTION_DAYS
    with on(current_period.due + timedelta(days=80)):
        report = submit_report(official_a, verified_pledge_a, current_period)
    # past the period's own correction deadline, within the one of the granted date
    with on(current_period.due + timedelta(days=90 + window)):
        services.report_submit(actor=official_a, report=report)
    assert report.versions.count() == 2
    with on(current_period.due + timedelta(days=91 + window)), pytest.raises(ValidationError):
        services.report_submit(actor=official_a, report=report)


def test_a_report_after_the_new_date_is_late(verified_pledge_a, current_period, official_a, staff_admin):
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 30))
    with on(current_period.due + timedelta(days=31)):
        report = submit_report(official_a, verified_pledge_a, current_period)
    assert report.is_late is True


def test_the_reminders_follow_the_granted_date(verified_pledge_a, current_period, official_a, staff_admin, city_a):
    zone = reminders.zone_of(city_a)
    old, new = current_period.due, current_period.due + timedelta(days=30)

    def due_kinds(day: date, offset: int, *, include_claimed=False) -> set[str]:
        now = reminders.reminder_moment(day, offset, zone) + timedelta(hours=1)
        found = reminders.due_reminders(now, include_claimed=include_claimed)
        return {d.kind for d in found if d.pledge.pk == verified_pledge_a.pk and d.period.pk == current_period.pk}

    # Before any request: "7 days left" a week before the period's date; it is sent.
    seven_before = reminders.reminder_moment(old, -7, zone) + timedelta(hours=1)
    assert due_kinds(old, -7) == {"before_7"}
    reminders.claim(reminders.due_reminders(seven_before), now=seven_before)
    assert ReminderLog.objects.filter(kind="before_7").count() == 1
    assert due_kinds(old, 7) == {"overdue_7"}  # what would come without more time

    with on(old - timedelta(days=6)):
        delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 30))

    # The old date's reminders are gone: "30 days left" of the new date fires on the old date.
    assert due_kinds(old, 7) == set()
    assert due_kinds(new, -30) == {"before_30"}
    [found] = [
        d
        for d in reminders.due_reminders(reminders.reminder_moment(new, -30, zone) + timedelta(hours=1))
        if d.pledge.pk == verified_pledge_a.pk
    ]
    assert found.due == new and found.moment == reminders.reminder_moment(new, -30, zone)
    # "7 days left" was sent for the old date: once per kind, so not again...
    assert due_kinds(new, -7) == set()
    assert due_kinds(new, -7, include_claimed=True) == {"before_7"}
    # ...and the kinds not sent yet fire against the new date.
    assert due_kinds(new, -1) == {"before_1"}
    assert due_kinds(new, 7) == {"overdue_7"}


def test_the_reminder_email_gives_the_granted_date(
    verified_pledge_a, current_period, official_a, staff_admin, city_a, mailoutbox, django_capture_on_commit_callbacks
):
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 30))
    new = current_period.due + timedelta(days=30)
    now = reminders.reminder_moment(new, -1, reminders.zone_of(city_a)) + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        [row] = reminders.claim(reminders.due_reminders(now), now=now)
    assert reminders.reminder_context(row, now)["due_date"] == new.isoformat()
    assert reminders.reminder_context(row, now)["days_left"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.deliver_reminder(row.pk, now) == "sent"
    assert len(mailoutbox) == 1


def test_the_calendar_shows_the_granted_date(client, verified_pledge_a, current_period, official_a, staff_admin):
    feed = PledgeCalendar.objects.get(pledge=verified_pledge_a)
    uid = f"pledge-{verified_pledge_a.pk}-period-{current_period.pk}-due@127.0.0.1"

    def due_event():
        response = client.get(f"/calendar/{feed.token}.ics")
        return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}[uid]

    assert due_event().decoded("DTSTART") == current_period.due
    delays.delay_grant(actor=staff_admin, delay=ask(official_a, verified_pledge_a, current_period, 30))
    event = due_event()
    assert event.decoded("DTSTART") == current_period.due + timedelta(days=30)
    assert event.decoded("DTEND") == current_period.due + timedelta(days=31)


def test_the_digest_lists_the_waiting_requests(verified_pledge_a, current_period, official_a):
    ask(official_a, verified_pledge_a, current_period)
    work = reminders.waiting_work()
    assert work["delays_count"] == 1 and reminders.waiting_total(work) >= 1
    context = reminders.digest_context(work, language="en", day=date.today())
    assert context["delays"][0]["municipality"] == "Mechelen"


# --- HTTP -------------------------------------------------------------------------------------


def test_the_official_asks_from_the_report_index(client, verified_pledge_a, current_period, official_a):
    client.force_login(official_a)
    index = reverse("reports:index", args=[verified_pledge_a.pk])
    new_url = reverse("reports:delay_new", args=[verified_pledge_a.pk, current_period.pk])
    assert f'href="{new_url}"' in client.get(index).content.decode()

    page = client.get(new_url)
    assert page.status_code == 200
    wanted = current_period.due + timedelta(days=21)
    response = client.post(new_url, {"requested_due": wanted.isoformat(), "reason": REASON})
    assert response.status_code == 302 and response["Location"] == index
    delay = DelayRequest.objects.get()
    assert delay.requested_due == wanted and delay.reason == REASON

    html = client.get(index).content.decode()
    assert "More time asked for, until" in html
    withdraw = reverse("reports:delay_withdraw", args=[verified_pledge_a.pk, delay.pk])
    assert f'action="{withdraw}"' in html
    assert f'href="{new_url}"' not in html  # one request waits at a time
    assert client.post(withdraw).status_code == 302
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.WITHDRAWN


def test_a_bad_request_keeps_what_was_typed(client, verified_pledge_a, current_period, official_a):
    client.force_login(official_a)
    url = reverse("reports:delay_new", args=[verified_pledge_a.pk, current_period.pk])
    too_far = current_period.due + timedelta(days=rules.DELAY_MAX_DAYS + 1)
    response = client.post(url, {"requested_due": too_far.isoformat(), "reason": REASON})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_requested_due"' in html
    assert REASON in html and too_far.isoformat() in html
    assert not DelayRequest.objects.exists()
    empty = client.post(url, {"requested_due": "", "reason": ""})
    assert empty.status_code == 400
    assert "Give the new due date you ask for." in empty.content.decode()


def test_staff_grant_and_refuse_in_the_work_queue(
    client, verified_pledge_a, current_period, future_period, official_a, staff_admin, mailoutbox
):
    first = ask(official_a, verified_pledge_a, current_period, 30)
    client.force_login(staff_admin)
    page = client.get(reverse("staff:delay_requests"))
    assert page.status_code == 200 and page.context["counts"]["delays"] == 1
    html = page.content.decode()
    assert REASON in html and "Mechelen" in html
    assert reverse("staff:delay_requests") in client.get(reverse("staff:dashboard")).content.decode()

    refused = client.post(reverse("staff:delay_refuse", args=[first.pk]), {f"refuse-{first.pk}-reason": ""})
    assert refused.status_code == 400 and "Give a reason: the person will read it." in refused.content.decode()

    granted = client.post(reverse("staff:delay_grant", args=[first.pk]), {f"grant-{first.pk}-reason": ""})
    assert granted.status_code == 302
    first.refresh_from_db()
    assert first.status == DelayRequest.Status.GRANTED and first.decided_by == staff_admin

    again = client.post(reverse("staff:delay_grant", args=[first.pk]), {f"grant-{first.pk}-reason": ""})
    assert again.status_code == 302  # decided already: told so, nothing changes
    assert client.get(reverse("staff:delay_requests")).context["rows"] == []


def test_staff_refuse_in_french(client, verified_pledge_a, current_period, official_a, staff_admin):
    delay = ask(official_a, verified_pledge_a, current_period, 30)
    client.force_login(staff_admin)
    url = "/fr" + reverse("staff:delay_refuse", args=[delay.pk])[3:]
    response = client.post(url, {f"refuse-{delay.pk}-reason": ""})
    assert response.status_code == 400
    assert "Indiquez un motif\u00a0: la personne le lira." in response.content.decode()
    response = client.post(url, {f"refuse-{delay.pk}-reason": "Le sommet a besoin du rapport."})
    assert response.status_code == 302
    delay.refresh_from_db()
    assert delay.status == DelayRequest.Status.REFUSED and delay.decision_reason == "Le sommet a besoin du rapport."

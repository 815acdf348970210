"""The private iCalendar feed of a pledge's reporting dates, and the officials' page for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from icalendar import Calendar

from pledges import services
from pledges.models import PledgeCalendar
from tests.factories import UserFactory, approve_official

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(verified_pledge_a):
    """Verifying the pledge made its feed."""
    return PledgeCalendar.objects.get(pledge=verified_pledge_a)


def feed_path(entry):
    return f"/calendar/{entry.token}.ics"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")  # CRLF only
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded at 75 octets
    return Calendar.from_ical(body)


def events(cal):
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_is_valid_with_one_event_per_date(
    client, feed, verified_pledge_a, current_period, future_period, settings
):
    cal = parse(client.get(feed_path(feed)))
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    found = events(cal)
    due = found[f"pledge-{verified_pledge_a.pk}-period-{current_period.pk}-due@127.0.0.1"]
    assert due.decoded("DTSTART") == current_period.due  # an all-day date, not a datetime
    assert due.decoded("DTEND") == current_period.due + timedelta(days=1)
    assert "DTSTAMP" in due
    assert str(due["SUMMARY"]) == "Progress report due: Mechelen, This year"
    link = f"{settings.SITE_URL}/en/reports/{verified_pledge_a.pk}/{current_period.pk}/"
    assert str(due["URL"]) == link and link in str(due["DESCRIPTION"])
    opens = found[f"pledge-{verified_pledge_a.pk}-period-{current_period.pk}-opens@127.0.0.1"]
    assert opens.decoded("DTSTART") == current_period.opens
    assert len(found) == 4  # opens and due of the current and the future period


def test_uids_are_stable(client, feed, current_period):
    first = set(events(parse(client.get(feed_path(feed)))))
    second = set(events(parse(client.get(feed_path(feed)))))
    assert first == second and len(first) == 2


def test_period_already_due_when_verified_is_left_out(client, feed, past_period, current_period):
    uids = set(events(parse(client.get(feed_path(feed)))))
    assert not any(f"period-{past_period.pk}-" in uid for uid in uids)


def test_summary_in_the_officials_language(client, feed, city_a, official_a, current_period):
    official_a.preferred_language = "fr"
    official_a.save()
    approve_official(UserFactory(preferred_language="fr"), city_a)
    approve_official(UserFactory(preferred_language="es"), city_a)
    cal = parse(client.get(feed_path(feed)))
    (event,) = [e for e in cal.walk("VEVENT") if str(e["UID"]).endswith("-due@127.0.0.1")]
    assert "/fr/reports/" in str(event["URL"])


def test_text_is_escaped(client, feed, current_period):
    current_period.label_en = "Year one; part two, draft"
    current_period.save()
    body = client.get(feed_path(feed)).content.decode()
    assert "Year one\\; part two\\, draft" in body.replace("\r\n ", "")
    (event,) = [e for e in Calendar.from_ical(body).walk("VEVENT") if "-due@" in str(e["UID"])]
    assert str(event["SUMMARY"]).endswith("Year one; part two, draft")


def test_bad_token_is_404(client, feed):
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    assert client.get(f"/calendar/{feed.token}x.ics").status_code == 404


def test_withdrawn_pledge_has_no_feed(client, feed, verified_pledge_a, official_a):
    from pledges import services

    services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="New council")
    assert client.get(feed_path(feed)).status_code == 404


def test_reset_invalidates_the_old_address(client, feed, official_a, verified_pledge_a):
    old = feed_path(feed)
    assert client.get(old).status_code == 200
    client.force_login(official_a)
    response = client.post(f"/en/reports/calendar/{verified_pledge_a.pk}/reset/")
    assert response.status_code == 302
    new = PledgeCalendar.objects.get(pledge=verified_pledge_a)
    assert new.token != feed.token and len(new.token) == 43  # 32 random bytes, URL-safe base64
    assert client.get(old).status_code == 404
    assert client.get(feed_path(new)).status_code == 200


def test_officials_see_their_address(client, verified_pledge_a, official_a, settings):
    client.force_login(official_a)
    response = client.get(f"/en/reports/calendar/{verified_pledge_a.pk}/")
    assert response.status_code == 200
    entry = PledgeCalendar.objects.get(pledge=verified_pledge_a)
    assert f"{settings.SITE_URL}/calendar/{entry.token}.ics" in response.content.decode()
    # The page is stable: it does not make a new address on each visit.
    client.get(f"/en/reports/calendar/{verified_pledge_a.pk}/")
    assert PledgeCalendar.objects.get(pledge=verified_pledge_a).token == entry.token


@pytest.mark.parametrize("who", ["other_official", "staff", "anonymous", "requested"])
def test_nobody_else_sees_or_resets_the_address(client, verified_pledge_a, official_b, staff_admin, city_a, who):
    from accounts.models import Membership

    if who == "other_official":
        client.force_login(official_b)
    elif who == "staff":
        client.force_login(staff_admin)
    elif who == "requested":
        user = UserFactory()
        Membership.objects.create(user=user, municipality=city_a, role="staff", status="requested")
        client.force_login(user)
    token = PledgeCalendar.objects.get(pledge=verified_pledge_a).token
    page = client.get(f"/en/reports/calendar/{verified_pledge_a.pk}/")
    reset = client.post(f"/en/reports/calendar/{verified_pledge_a.pk}/reset/")
    if who == "anonymous":
        assert page.status_code == 302 and reset.status_code == 302
    else:
        assert page.status_code == 404 and reset.status_code == 404
    assert PledgeCalendar.objects.get(pledge=verified_pledge_a).token == token
    assert token not in page.content.decode()


def test_verifying_a_pledge_makes_its_feed_and_opening_the_page_writes_nothing(
    client, submitted_pledge_a, staff_admin, official_a
):
    assert not PledgeCalendar.objects.exists()
    services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)
    entry = PledgeCalendar.objects.get(pledge=submitted_pledge_a)
    client.force_login(official_a)
    PledgeCalendar.objects.all().delete()  # a pledge verified before feeds were made on verification
    response = client.get(f"/en/reports/calendar/{submitted_pledge_a.pk}/")
    assert response.status_code == 200
    assert entry.token not in response.content.decode()
    assert not PledgeCalendar.objects.exists()
    client.post(f"/en/reports/calendar/{submitted_pledge_a.pk}/reset/")
    assert PledgeCalendar.objects.filter(pledge=submitted_pledge_a).exists()


def test_the_reset_service_denies_by_default(verified_pledge_a, official_b, staff_admin):
    for actor in (official_b, staff_admin):
        with pytest.raises(PermissionDenied):
            services.calendar_reset_token(actor=actor, pledge=verified_pledge_a)

"""The campaign's events, public side: /<lang>/events/ (upcoming then past, with the local
actions presented at each), its iCalendar feed and the home page's next events."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from campaign.public import cache
from pledges.learning.models import LocalAction
from tests.factories import CampaignFactory
from tests.learning.moderation_world import make_action, make_event, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(campaign, city_a, city_b):
    coming = make_event(
        campaign, days_from_today=20, length_days=2, title="Global Forum on Cities", place="Mechelen, Belgium"
    )
    coming.title_fr = "Forum mondial des villes"
    coming.title_ar = "المنتدى العالمي للمدن"
    coming.url = "https://forum.example.org/"
    coming.save()
    later = make_event(campaign, days_from_today=90, title="Regional meeting")
    past = make_event(campaign, days_from_today=-60, title="Founding conference")
    hidden = make_event(campaign, days_from_today=10, title="Team retreat", is_public=False)
    draft_campaign = CampaignFactory(slug="not-yet", status="draft")
    other = make_event(draft_campaign, days_from_today=5, title="Draft campaign's launch")
    shown = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Welcome desk", event=coming)
    translate(shown, "fr", "Guichet d'accueil", "Un guichet unique.")
    make_action(campaign, city_b, state=LocalAction.State.SUBMITTED, title="Unmoderated idea", event=coming)
    return {"coming": coming, "later": later, "past": past, "hidden": hidden, "other": other, "shown": shown}


def test_the_page_lists_upcoming_then_past_public_events(client, events):
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Global Forum on Cities") < body.index("Regional meeting") < body.index("Founding conference")
    assert "Team retreat" not in body and "Draft campaign" not in body
    assert "Mechelen, Belgium" in body and "https://forum.example.org/" in body
    assert "Welcome desk" in body and "Unmoderated idea" not in body
    assert reverse("events:ical") in body


def test_dates_and_texts_follow_the_reader(client, events):
    start = events["coming"].starts_on
    with translation.override("fr"):
        months = [
            "janvier", "février", "mars", "avril", "mai", "juin",
            "juillet", "août", "septembre", "octobre", "novembre", "décembre",
        ]  # fmt: skip
        body = client.get(reverse("events:list")).content.decode()
    assert f"{start.day} {months[start.month - 1]} {start.year}" in body
    assert "Forum mondial des villes" in body
    assert "Guichet d&#x27;accueil" in body or "Guichet d'accueil" in body


def test_the_page_renders_in_arabic_right_to_left(client, events):
    response = client.get("/ar/events/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in body
    assert "المنتدى العالمي للمدن" in body


def test_the_page_costs_the_same_queries_whatever_the_number_of_events(client, campaign, city_a):
    for days in (3, -3):  # one coming, one past
        event = make_event(campaign, days_from_today=days)
        make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, event=event)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("events:list")).status_code == 200
    for n in range(8):
        more = make_event(campaign, days_from_today=n * 7 - 20, title=f"Event {n}")
        action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, event=more, title=f"Action {n}")
        translate(action, "fr", f"Action fr {n}", "Résumé.")
    cache.bump_public_version()
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("events:list")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_the_ical_feed_holds_the_public_events_as_all_day_events(client, events):
    response = client.get(reverse("events:ical"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    by_summary = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(by_summary) == {"Global Forum on Cities", "Regional meeting", "Founding conference"}
    forum = by_summary["Global Forum on Cities"]
    assert forum.decoded("dtstart") == events["coming"].starts_on
    assert isinstance(forum.decoded("dtstart"), date)
    assert forum.decoded("dtend") == events["coming"].ends_on + timedelta(days=1)  # exclusive
    assert "DTSTART;VALUE=DATE:" in response.content.decode()
    assert str(forum["location"]) == "Mechelen, Belgium"
    one_day = by_summary["Regional meeting"]
    assert one_day.decoded("dtend") == events["later"].starts_on + timedelta(days=1)
    assert str(forum["uid"]) == f"campaign-event-{events['coming'].pk}@127.0.0.1" or str(forum["uid"]).startswith(
        f"campaign-event-{events['coming'].pk}@"
    )


def test_the_ical_feed_speaks_the_language_of_its_address_and_keeps_its_uids(client, events):
    english = Calendar.from_ical(client.get("/en/events/events.ics").content)
    french = Calendar.from_ical(client.get("/fr/events/events.ics").content)
    assert "Forum mondial des villes" in {str(e["summary"]) for e in french.walk("VEVENT")}
    assert {str(e["uid"]) for e in english.walk("VEVENT")} == {str(e["uid"]) for e in french.walk("VEVENT")}


def test_saving_an_event_retires_the_cached_page(client, events, django_capture_on_commit_callbacks):
    assert "Regional meeting" in client.get(reverse("events:list")).content.decode()
    before = cache.public_version()
    with django_capture_on_commit_callbacks(execute=True):
        events["later"].title_en = "Regional meeting, moved"
        events["later"].save()
    assert cache.public_version() != before
    assert "Regional meeting, moved" in client.get(reverse("events:list")).content.decode()


def test_the_home_page_shows_the_next_events(client, events):
    body = client.get("/en/").content.decode()
    assert "Global Forum on Cities" in body and "Regional meeting" in body
    assert "Founding conference" not in body
    assert reverse("events:list") in body


def test_the_home_page_shows_the_latest_past_events_when_none_is_coming(client, campaign):
    make_event(campaign, days_from_today=-10, title="Last month's forum")
    body = client.get("/en/").content.decode()
    assert "Last month's forum" in body or "Last month&#x27;s forum" in body
    assert "Recent events" in body


def test_an_event_ending_today_is_still_coming(client, campaign):
    event = make_event(campaign, days_from_today=-2, length_days=2, title="Ends today")
    assert event.ends_on == timezone.localdate()
    body = client.get(reverse("events:list")).content.decode()
    assert body.index("Ends today") < body.index("Coming up") + 2000
    assert "Past events" not in body


def test_the_home_page_costs_the_same_queries_whatever_the_number_of_events(client, campaign):
    make_event(campaign, days_from_today=4, title="Only one")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/en/").status_code == 200
    for n in range(6):
        make_event(campaign, days_from_today=5 + n, title=f"Event {n}")
    cache.bump_public_version()
    with CaptureQueriesContext(connection) as many:
        body = client.get("/en/").content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)
    assert body.count('id="home-event-') == 3  # the next three only

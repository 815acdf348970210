"""The campaign's events, public side (namespace "events", /<lang>/events/).

- ``list``: the public events of public campaigns (pledges/learning/rules.py), upcoming ones
  first (soonest first), then past ones (latest first), each with its dates in the reader's
  locale, its place, its link and the published local actions presented at it (in the
  reader's language when the city translated them). A fixed number of queries.
- ``ical``: the same events as an iCalendar feed (all-day events: DTSTART;VALUE=DATE and an
  exclusive DTEND the day after the last one), in the language of the address's prefix.
  Each event's UID never changes, so calendar apps update it in place.

The home page shows the next few events (``home_events``). Both pages are finished
responses (campaign/public/cache.py); a saved event bumps the public version (apps.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Calendar, Event

from pledges.learning import rules
from pledges.learning.display import ActionTexts, texts_for, with_translations
from pledges.learning.models import CampaignEvent, LocalAction

from .cache import finished_response

HOME_EVENTS = 3
MAX_PAST_EVENTS = 50


@dataclass(frozen=True)
class PresentedAction:
    action: LocalAction
    texts: ActionTexts


@dataclass(frozen=True)
class EventItem:
    event: CampaignEvent
    last_day: date
    actions: list[PresentedAction]


def _last_day(event: CampaignEvent) -> date:
    return event.ends_on or event.starts_on


def _events() -> QuerySet[CampaignEvent]:
    return rules.public_events().select_related("campaign")


def upcoming_events(today: date) -> QuerySet[CampaignEvent]:
    """Events not over yet, the soonest first."""
    return (
        _events()
        .filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
        .order_by("starts_on", "pk")
    )


def past_events(today: date) -> QuerySet[CampaignEvent]:
    """Events over, the latest first."""
    return (
        _events()
        .filter(Q(ends_on__lt=today) | Q(ends_on__isnull=True, starts_on__lt=today))
        .order_by("-starts_on", "-pk")
    )


def _with_actions(events: QuerySet[CampaignEvent]) -> QuerySet[CampaignEvent]:
    actions = with_translations(rules.public_actions().select_related("municipality")).order_by("title", "pk")
    return events.prefetch_related(Prefetch("local_actions", queryset=actions, to_attr="public_local_actions"))


def _items(events: QuerySet[CampaignEvent], language: str | None = None) -> list[EventItem]:
    return [
        EventItem(
            event=event,
            last_day=_last_day(event),
            actions=[
                PresentedAction(action=action, texts=texts_for(action, language))
                for action in getattr(event, "public_local_actions", [])
            ],
        )
        for event in events
    ]


def home_events(today: date | None = None) -> dict[str, Any]:
    """For the home page: the next events, or the latest past ones when none is coming
    (two queries at most)."""
    today = today or timezone.localdate()
    upcoming = list(upcoming_events(today)[:HOME_EVENTS])
    if upcoming:
        return {"home_events": upcoming, "home_events_upcoming": True}
    return {"home_events": list(past_events(today)[:HOME_EVENTS]), "home_events_upcoming": False}


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "upcoming": _items(_with_actions(upcoming_events(today))),
        "past": _items(_with_actions(past_events(today)[:MAX_PAST_EVENTS])),
        "today": today,
    }
    return render(request, "public/events/list.html", context)


# --- the iCalendar feed -------------------------------------------------------------------


def event_uid(event: CampaignEvent) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"campaign-event-{event.pk}@{host}"


def build_calendar(events: QuerySet[CampaignEvent] | list[CampaignEvent]) -> bytes:
    """The feed as bytes, in the active language (the icalendar package folds and escapes)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Cities for Migration//Campaign events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Cities for Migration: campaign events"))
    calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    page = settings.SITE_URL + reverse("events:list")
    for event in events:
        entry = Event()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", event.updated_at)
        entry.add("dtstart", event.starts_on)
        entry.add("dtend", _last_day(event) + timedelta(days=1))
        entry.add("summary", str(event.title))
        description = str(event.description or "")
        entry.add("description", f"{description}\n\n{page}" if description else page)
        if event.place:
            entry.add("location", str(event.place))
        entry.add("url", event.url or page)
        entry.add("categories", [str(event.get_kind_display())])
        entry.add("transp", "TRANSPARENT")
        calendar.add_component(entry)
    return bytes(calendar.to_ical())


@require_GET
def event_ical(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        build_calendar(_events().order_by("starts_on", "pk")), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


public_page = finished_response(max_age=0)

urlpatterns: list[URLPattern] = [
    path("", public_page(event_list), name="list"),
    path("events.ics", finished_response(max_age=3600)(event_ical), name="ical"),
]

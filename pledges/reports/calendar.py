"""A private iCalendar feed of a pledge's reporting dates, for the officials' calendar apps.

- `/calendar/<token>.ics` (no language prefix: calendar apps fetch it): one all-day event per
  reporting period's due date (for this pledge: a day granted on a request for more time
  moves it, pledges/rules.py due_date) and one for the day it opens, in the language most of the
  city's officials prefer, with a link to the report page. Anyone with the address can read
  it, so the token is long and random, and the officials can replace it.
- `/<lang>/reports/calendar/<pledge_pk>/`: the officials of the city see the address and can
  reset it (POST `.../reset/`). Anyone else gets a 404.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from accounts.access import verified_email_required
from accounts.models import Membership
from campaign.models import ReportingPeriod
from pledges import rules, services
from pledges.access import access_pledge_as_official
from pledges.models import Pledge, PledgeCalendar

log = logging.getLogger(__name__)


def feed_url(feed: PledgeCalendar) -> str:
    return settings.SITE_URL + reverse("calendar_feed", args=[feed.token])


# --- the iCalendar document ---------------------------------------------------------------


def officials_language(pledge: Pledge) -> str:
    """The language most of the city's approved officials prefer (ties: the site's order)."""
    languages = [code for code, _name in settings.LANGUAGES]
    counts = Counter(
        code
        for code in Membership.objects.filter(
            municipality_id=pledge.municipality_id, status=Membership.Status.APPROVED
        ).values_list("user__preferred_language", flat=True)
        if code in languages
    )
    if not counts:
        return settings.LANGUAGE_CODE
    return max(counts, key=lambda code: (counts[code], -languages.index(code)))


def _uid(pledge: Pledge, period: ReportingPeriod, what: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"pledge-{pledge.pk}-period-{period.pk}-{what}@{host}"


def build_calendar(pledge: Pledge, *, language: str | None = None, now: datetime | None = None) -> bytes:
    """The feed as bytes (CRLF line endings, folded lines, escaped text: the icalendar package)."""
    now = now or timezone.now()
    language = language or officials_language(pledge)
    municipality = pledge.municipality.name
    calendar = Calendar()
    calendar.add("prodid", "-//Cities for Migration//Reporting calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with translation.override(language):
        calendar.add("x-wr-calname", _("Reporting: %(municipality)s") % {"municipality": municipality})
        calendar.add("x-wr-timezone", pledge.municipality.time_zone or "UTC")
        calendar.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT12H")
        joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
        granted = rules.granted_due_dates([pledge.pk])
        for period in ReportingPeriod.objects.filter(campaign_id=pledge.campaign_id).order_by("opens", "pk"):
            if joined and not rules.owes(period.due, joined):
                continue  # not owed; before verification, every period shows, to prepare
            label = str(period.label)
            link = settings.SITE_URL + reverse("reports:edit", args=[pledge.pk, period.pk])
            texts = {"municipality": municipality, "period": label}
            for what, day, summary in (
                ("opens", period.opens, _("Reporting opens: %(municipality)s, %(period)s") % texts),
                (
                    "due",
                    rules.due_date(period.due, granted.get((pledge.pk, period.pk))),
                    _("Progress report due: %(municipality)s, %(period)s") % texts,
                ),
            ):
                event = Event()
                event.add("uid", _uid(pledge, period, what))
                event.add("dtstamp", now)
                event.add("dtstart", day)
                event.add("dtend", day + timedelta(days=1))
                event.add("summary", summary)
                event.add("description", _("File or read the report here: %(link)s") % {"link": link})
                event.add("url", link)
                event.add("transp", "TRANSPARENT")
                calendar.add_component(event)
    return calendar.to_ical()


# --- views --------------------------------------------------------------------------------


@require_GET
def feed(request, token):
    """The .ics file. No login: calendar apps cannot log in; the token is the secret."""
    entry = get_object_or_404(
        PledgeCalendar.objects.select_related("pledge__municipality", "pledge__campaign"), token=token
    )
    pledge = entry.pledge
    if pledge.status == Pledge.Status.WITHDRAWN:
        raise Http404
    response = HttpResponse(build_calendar(pledge), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="reporting-{pledge.municipality.slug}.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@verified_email_required
@require_GET
def calendar_page(request, pledge_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    # Verifying a pledge made its feed; a page view never does.
    entry = PledgeCalendar.objects.filter(pledge=pledge).first()
    context = {"pledge": pledge, "calendar_url": feed_url(entry) if entry else ""}
    return render(request, "pledges/calendar_feed_page.html", context)


@verified_email_required
@require_POST
def calendar_reset(request, pledge_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    services.calendar_reset_token(actor=request.user, pledge=pledge)
    messages.success(request, _("The calendar has a new address. The old address no longer works."))
    return redirect("calendar:page", pledge_pk=pledge.pk)

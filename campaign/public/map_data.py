"""The signatory map's data: one GeoJSON body per version, built once and kept in the cache.

What a feature is
    One feature per **verified** pledge (a city that signed two campaigns has two features
    at the same place, one per campaign). Drafts, submitted, rejected and withdrawn pledges
    are never on the map. Properties, and nothing else::

        name, slug, country (ISO 3166-1 alpha-2), country_name (English), continent
        (GeoNames code: AF AS EU NA OC SA AN), campaign (slug), signed_on (YYYY-MM-DD),
        commitments (how many it chose, required ones included), commitment_codes,
        reporting ("on_time" | "late" | "none")

    Coordinates are ``[longitude, latitude]`` rounded to 5 decimals (about a metre).
    Features are sorted by name, then campaign; a feature's ``id`` is the pledge's id.

The reporting state (the notion of *owed* is the one of ``pledges.queries``)
    A period is *owed* by a pledge when its due date is on or after the day, in the city's
    own time zone, the pledge was verified (a period already due when the city joined is
    not owed). An owed period is *due* once its due date has passed in the city's time
    zone (today > due), exactly when ``pledges.queries.overdue_reports`` starts listing it.

    - ``late``: for at least one owed, due period the report was not submitted (missing,
      or still a draft: overdue), or was first submitted after the due date (``is_late``).
    - ``on_time``: not late, and at least one report is owed and due or was submitted
      (so a city that reported early, before anything was due, is on time).
    - ``none``: nothing owed and due yet, and nothing submitted.

The version (ETag and cache key)
    Read from the database in two cheap aggregate queries, so that it changes with every
    event that changes the map, whoever causes it (services, the admin, another process):
    count and latest ``updated_at`` of public (verified or withdrawn) pledges and of their
    municipalities and campaigns (verify and withdraw both save the pledge), count and
    latest ``submitted_at`` of submitted reports (report submit and corrections). It also
    carries the current quarter of an hour (UTC): a state turns "late" when a due date
    passes at midnight in some time zone, and every UTC offset is a multiple of 15 minutes.

Queries: 2 for the version; on a cache miss 4 more to build (pledges with their city and
campaign, periods, submitted reports, chosen commitment codes), whatever the number of
signatories.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils import timezone

from accounts.geo import CONTINENTS, continent_of, zone_named
from accounts.names import country_name
from campaign.models import COMMITMENT_CODE_RE, ReportingPeriod
from pledges.models import Pledge, PledgeCommitment, ProgressReport

SCHEMA = "map-v1"  # bump when the feature format changes, so no old body is served
CACHE_TIMEOUT = 20 * 60  # a body outlives its quarter of an hour a little, never more
VERSION_BUCKET_SECONDS = 15 * 60

ON_TIME, LATE, NONE = "on_time", "late", "none"
REPORTING_STATES = (ON_TIME, LATE, NONE)
PUBLIC_STATUSES = (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")


# --- the reporting state --------------------------------------------------------------------


@dataclass(frozen=True)
class SubmittedReport:
    is_late: bool


def reporting_state(
    *, due_dates: list[tuple[int, date]], submitted: dict[int, SubmittedReport], today: date, joined: date | None
) -> str:
    """The state of one pledge. ``due_dates``: (period id, due date) of its campaign's periods;
    ``submitted``: its submitted reports by period id; ``today`` and ``joined`` (the day it
    was verified) in the city's own time zone."""
    owed_and_due = [pk for pk, due in due_dates if due < today and (joined is None or due >= joined)]
    for pk in owed_and_due:
        report = submitted.get(pk)
        if report is None or report.is_late:
            return LATE
    if owed_and_due or submitted:
        return ON_TIME
    return NONE


def _zone(name: str) -> ZoneInfo:
    return zone_named(name)


# --- building the collection ----------------------------------------------------------------


def build_features(now: datetime | None = None) -> list[dict[str, Any]]:
    """Every verified pledge as a GeoJSON feature, in four queries."""
    now = now or timezone.now()
    rows = list(
        Pledge.objects.filter(status=Pledge.Status.VERIFIED).values(
            "pk",
            "campaign_id",
            "signed_on",
            "verified_at",
            "campaign__slug",
            "municipality__name",
            "municipality__slug",
            "municipality__country",
            "municipality__latitude",
            "municipality__longitude",
            "municipality__time_zone",
        )
    )
    periods: dict[int, list[tuple[int, date]]] = {}
    for pk, campaign_id, due in ReportingPeriod.objects.filter(
        campaign_id__in={r["campaign_id"] for r in rows}
    ).values_list("pk", "campaign_id", "due"):
        periods.setdefault(campaign_id, []).append((pk, due))
    submitted: dict[int, dict[int, SubmittedReport]] = {}
    for pledge_id, period_id, is_late in ProgressReport.objects.filter(
        status=ProgressReport.Status.SUBMITTED, pledge__status=Pledge.Status.VERIFIED
    ).values_list("pledge_id", "period_id", "is_late"):
        submitted.setdefault(pledge_id, {})[period_id] = SubmittedReport(is_late=is_late)
    codes: dict[int, list[str]] = {}
    for pledge_id, code in (
        PledgeCommitment.objects.filter(pledge__status=Pledge.Status.VERIFIED)
        .order_by("commitment__order", "commitment__code")
        .values_list("pledge_id", "commitment__code")
    ):
        codes.setdefault(pledge_id, []).append(code)

    features: list[dict[str, Any]] = []
    today_in: dict[str, date] = {}
    for r in rows:
        zone_name = r["municipality__time_zone"] or "UTC"
        today = today_in.get(zone_name)
        if today is None:
            today = today_in[zone_name] = now.astimezone(_zone(zone_name)).date()
        joined = r["verified_at"].astimezone(_zone(zone_name)).date() if r["verified_at"] else None
        country = (r["municipality__country"] or "").upper()
        chosen = codes.get(r["pk"], [])
        signed_on = r["signed_on"] or joined
        features.append(
            {
                "type": "Feature",
                "id": r["pk"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(r["municipality__longitude"], 5), round(r["municipality__latitude"], 5)],
                },
                "properties": {
                    "name": r["municipality__name"],
                    "slug": r["municipality__slug"],
                    "country": country,
                    "country_name": country_name(country) or country,
                    "continent": continent_of(country),
                    "campaign": r["campaign__slug"],
                    "signed_on": signed_on.isoformat() if signed_on else None,
                    "commitments": len(chosen),
                    "commitment_codes": chosen,
                    "reporting": reporting_state(
                        due_dates=periods.get(r["campaign_id"], []),
                        submitted=submitted.get(r["pk"], {}),
                        today=today,
                        joined=joined,
                    ),
                },
            }
        )
    features.sort(key=lambda f: (f["properties"]["name"].casefold(), f["properties"]["campaign"], f["id"]))
    return features


def dumps(features: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")
    ).encode()


# --- filters ----------------------------------------------------------------------------------


class InvalidFilter(ValueError):
    pass


FILTER_NAMES = ("campaign", "continent", "country", "commitment", "reporting")


def clean_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The recognised, non-empty filters of a query string, normalised; InvalidFilter if a value
    cannot be one (so that arbitrary strings never reach the cache keys)."""
    filters: dict[str, str] = {}
    ok: bool | re.Match[str] | None
    for name in FILTER_NAMES:
        value = (params.get(name) or "").strip()
        if not value:
            continue
        if name == "campaign":
            ok = SLUG_RE.match(value)
        elif name == "continent":
            value = value.upper()
            ok = value in CONTINENTS
        elif name == "country":
            value = value.upper()
            ok = COUNTRY_RE.match(value)
        elif name == "commitment":
            value = value.upper()
            ok = COMMITMENT_CODE_RE.match(value)
        else:
            ok = value in REPORTING_STATES
        if not ok:
            raise InvalidFilter(name)
        filters[name] = value
    return filters


def matches(properties: dict[str, Any], filters: dict[str, str]) -> bool:
    for name, value in filters.items():
        if name == "commitment":
            if value not in properties["commitment_codes"]:
                return False
        elif properties[name] != value:
            return False
    return True


# --- version and cache ------------------------------------------------------------------------


def data_version(now: datetime | None = None) -> str:
    """Changes whenever the map's content may change; two aggregate queries."""
    now = now or timezone.now()
    pledges = Pledge.objects.filter(status__in=PUBLIC_STATUSES).aggregate(
        n=Count("pk"),
        last=Max("updated_at"),
        cities=Max("municipality__updated_at"),
        campaigns=Max("campaign__updated"),
    )
    reports = ProgressReport.objects.filter(status=ProgressReport.Status.SUBMITTED).aggregate(
        n=Count("pk"), last=Max("submitted_at")
    )
    bucket = int(now.timestamp()) // VERSION_BUCKET_SECONDS
    raw = "|".join(
        str(v)
        for v in (
            SCHEMA,
            pledges["n"],
            pledges["last"],
            pledges["cities"],
            pledges["campaigns"],
            reports["n"],
            reports["last"],
            bucket,
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def etag_for(version: str, filters: dict[str, str]) -> str:
    if not filters:
        return f'"{version}"'
    query = "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
    return f'"{version}-{hashlib.sha256(query.encode()).hexdigest()[:12]}"'


def cached_body(version: str, filters: dict[str, str], etag: str) -> bytes:
    """The body for this version and these filters: the same bytes until the version changes."""
    key = f"map:geojson:{etag.strip(chr(34))}"
    body: bytes | None = cache.get(key)
    if body is not None:
        return body
    full_key = f"map:geojson:{version}"
    full = cache.get(full_key) if filters else None
    if full is None:
        features = build_features()
        full = dumps(features)
        cache.set(full_key, full, CACHE_TIMEOUT)
        if not filters:
            return full
    else:
        features = json.loads(full)["features"]
    body = dumps([f for f in features if matches(f["properties"], filters)])
    cache.set(key, body, CACHE_TIMEOUT)
    return body


def signed_city_count(campaign_slug: str = "") -> int:
    """How many municipalities have a verified pledge (in the campaign, if given)."""
    pledges = Pledge.objects.filter(status=Pledge.Status.VERIFIED)
    if campaign_slug:
        pledges = pledges.filter(campaign__slug=campaign_slug)
    return pledges.values("municipality_id").distinct().count()

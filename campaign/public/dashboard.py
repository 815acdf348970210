"""The public dashboard's numbers: pure read functions, a fixed number of queries.

``dashboard_data(campaign)`` reads everything the dashboard shows for one campaign in seven
queries, whatever the number of signatories or reports, and returns plain Python data
(lists, dicts, ints, strings) that can be cached. Commitment titles are read in the active
language, so the cache key carries the language.

``cached_dashboard_data(campaign)`` serves it from Django's cache. The key includes a
*generation token* stored under ``public:dashboard``: ``pledges.services.pledge_public_changed``
deletes that key when a pledge is verified or withdrawn or a report is submitted, the next
request draws a new token, and every cached campaign and language is recomputed.

Only verified pledges count as signatories; withdrawn pledges keep their public record on
the city profile but leave the figures.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from django.core.cache import cache as django_cache
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_codes, zone_named
from accounts.geo import continent_of as continent_of  # re-exported: the city profile reads it here
from campaign.models import Campaign, Commitment, ReportingPeriod
from pledges.models import Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion
from pledges.services import PUBLIC_DASHBOARD_GENERATION_KEY

CACHE_GENERATION_KEY = PUBLIC_DASHBOARD_GENERATION_KEY  # deleted by pledges.services.pledge_public_changed
CACHE_TIMEOUT = 60 * 60 * 24  # a day at most, even if nothing changes
TOP_COUNTRIES = 15

CONTINENTS = {
    "AF": _("Africa"),
    "AS": _("Asia"),
    "EU": _("Europe"),
    "NA": _("North America"),
    "SA": _("South America"),
    "OC": _("Oceania"),
    "AN": _("Antarctica"),
}
CONTINENT_ORDER = list(CONTINENTS)

# Reporting states of one signatory for one period.
ON_TIME, LATE, MISSING, AWAITED = "on_time", "late", "missing", "awaited"
REPORTING_STATES = {
    ON_TIME: _("On time"),
    LATE: _("Late"),
    MISSING: _("Missing"),
    AWAITED: _("Awaited (period still open)"),
}


# --- geography --------------------------------------------------------------------------


def continent_name(code: str) -> str:
    return str(CONTINENTS.get(code, _("Unknown")))


def countries_in_continent(code: str) -> list[str]:
    return sorted(c for c, cont in continent_codes().items() if cont == code)


# --- campaigns --------------------------------------------------------------------------


def public_campaigns_for_dashboard() -> list[Campaign]:
    """Open and closed campaigns (never drafts), the open ones first. One query."""
    campaigns = list(Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-signing_opens", "-created"))
    campaigns.sort(key=lambda c: c.status != Campaign.Status.OPEN)
    return campaigns


def pick_campaign(campaigns: list[Campaign], slug: str | None) -> Campaign | None:
    """The campaign asked for by slug, else the open campaign, else the most recent one."""
    if slug:
        return next((c for c in campaigns if c.slug == slug), None)
    return campaigns[0] if campaigns else None


# --- the numbers ------------------------------------------------------------------------


def _joined_on(verified_at: datetime | None, time_zone: str) -> date | None:
    if verified_at is None:
        return None
    zone = zone_named(time_zone)
    return verified_at.astimezone(zone).date()


def _month_range(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def dashboard_data(campaign: Campaign, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for one campaign, as plain data. Six queries."""

    today = today or timezone.localdate()
    verified = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.VERIFIED)

    # 1. the signatories and where they are
    pledges = list(
        verified.values(
            "pk",
            "signed_on",
            "verified_at",
            "municipality__country",
            "municipality__population",
            "municipality__time_zone",
        )
    )
    countries = Counter(p["municipality__country"] for p in pledges)
    continents = Counter(continent_of(code) for code in (p["municipality__country"] for p in pledges))
    population = sum(p["municipality__population"] or 0 for p in pledges)
    without_population = sum(1 for p in pledges if p["municipality__population"] is None)

    # signatures over time: cumulative count at the end of each month
    signed_days = sorted(
        p["signed_on"] or _joined_on(p["verified_at"], p["municipality__time_zone"]) or today for p in pledges
    )
    by_month = Counter(date(d.year, d.month, 1) for d in signed_days)
    timeline = []
    if signed_days:
        total = 0
        for month in _month_range(signed_days[0], max(signed_days[-1], today)):
            total += by_month.get(month, 0)
            timeline.append({"month": month, "new": by_month.get(month, 0), "total": total})

    # 2. the commitments, in the visitor's language; 3. how many signatories took each
    commitments = list(Commitment.objects.filter(campaign=campaign).order_by("order", "code"))
    taken = dict(
        PledgeCommitment.objects.filter(pledge__in=verified)
        .values_list("commitment_id")
        .annotate(n=Count("pk"))
        .values_list("commitment_id", "n")
    )
    commitment_rows: list[dict[str, Any]] = [
        {
            "id": c.pk,
            "code": c.code,
            "title": str(c.title),
            "is_required": c.is_required,
            "signatories": taken.get(c.pk, 0),
        }
        for c in commitments
    ]

    # 4. periods; 5. submitted reports: on time, late, missing per period
    periods = list(ReportingPeriod.objects.filter(campaign=campaign).order_by("opens"))
    submitted = list(
        ProgressReport.objects.filter(pledge__in=verified, status=ProgressReport.Status.SUBMITTED).values_list(
            "pledge_id", "period_id", "is_late"
        )
    )
    report_state = {(pledge_id, period_id): LATE if late else ON_TIME for pledge_id, period_id, late in submitted}
    joined = {p["pk"]: _joined_on(p["verified_at"], p["municipality__time_zone"]) for p in pledges}
    reporting_rows = []
    for period in periods:
        state = period.status_on(today)
        if state == "upcoming":
            continue
        counts = dict.fromkeys(REPORTING_STATES, 0)
        for pledge in pledges:
            found = report_state.get((pledge["pk"], period.pk))
            if found:
                counts[found] += 1
                continue
            start = joined[pledge["pk"]]
            if start is not None and period.due < start:
                continue  # already due when the city joined: not owed
            counts[MISSING if state == "past" else AWAITED] += 1
        reporting_rows.append(
            {"period_id": period.pk, "label": str(period.label), "due": period.due, "state": state, "counts": counts}
        )

    # 6. progress per commitment: the latest version of each submitted report, and of each
    # signatory only its most recent period's report. Never drafts: only frozen versions.
    latest_number = ReportVersion.objects.filter(report=OuterRef("report")).order_by("-number").values("number")[:1]
    versions = (
        ReportVersion.objects.filter(report__pledge__in=verified)
        .annotate(latest=Subquery(latest_number))
        .filter(number=F("latest"))
        .values_list("report__pledge_id", "report__period__due", "content")
    )
    most_recent: dict[int, tuple[date, dict[str, Any]]] = {}
    for pledge_id, due, content in versions:
        if pledge_id not in most_recent or due > most_recent[pledge_id][0]:
            most_recent[pledge_id] = (due, content or {})

    statuses = [value for value, _label in ProgressUpdate.Status.choices]
    progress: dict[int, Counter[str]] = defaultdict(Counter)
    for _due, content in most_recent.values():
        for update in content.get("updates", []):
            if update.get("status") in statuses:
                progress[update.get("commitment_id")][update["status"]] += 1
    progress_rows = [
        {
            "id": c["id"],
            "code": c["code"],
            "title": c["title"],
            "is_required": c["is_required"],
            "counts": {s: progress[c["id"]][s] for s in statuses},
        }
        for c in commitment_rows
    ]

    country_rows: list[dict[str, Any]] = [{"code": code, "signatories": n} for code, n in countries.most_common()]
    country_rows.sort(key=lambda r: (-r["signatories"], r["code"]))
    return {
        "campaign_id": campaign.pk,
        "language": get_language(),
        "computed_at": timezone.now(),
        "signatories": len(pledges),
        "countries": len(countries),
        "continents": len([c for c in continents if c]),
        "population": population,
        "without_population": without_population,
        "timeline": timeline,
        "by_continent": [
            {"code": code, "signatories": continents[code]} for code in CONTINENT_ORDER + [""] if continents.get(code)
        ],
        "by_country": country_rows,
        "commitments": commitment_rows,
        "reporting": reporting_rows,
        "progress": progress_rows,
        "progress_reports": len(most_recent),
    }


# --- the cache --------------------------------------------------------------------------


def _generation() -> str:
    token: str | None = django_cache.get(CACHE_GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        if not django_cache.add(CACHE_GENERATION_KEY, token, CACHE_TIMEOUT):
            token = django_cache.get(CACHE_GENERATION_KEY) or token
    return token


def cache_key(campaign: Campaign, language: str | None = None) -> str:
    return f"public:dashboard:{_generation()}:{campaign.pk}:{language or get_language()}"


def cached_dashboard_data(campaign: Campaign) -> dict[str, Any]:
    """dashboard_data, computed once per campaign, language and generation."""
    key = cache_key(campaign)
    data: dict[str, Any] | None = django_cache.get(key)
    if data is None:
        data = dashboard_data(campaign)
        django_cache.set(key, data, CACHE_TIMEOUT)
    return data

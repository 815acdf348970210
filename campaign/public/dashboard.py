"""The public dashboard's numbers: pure read functions, a fixed number of queries.

``dashboard_data(campaign)`` reads everything the dashboard shows for one campaign from the
read model (models.PublicSignatory) in four queries, whatever the number of signatories, and returns plain Python data
(lists, dicts, ints, strings) that can be cached. Commitment titles are read in the active
language, so the cache key carries the language.

``cached_dashboard_data(campaign)`` serves it from Django's cache under the public version
(campaign/public/cache.py), which every change of what the public sees bumps on commit:
every cached campaign and language is then computed again.

Only verified pledges count as signatories; withdrawn pledges keep their public record on
the city profile but leave the figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from django.core.cache import cache as django_cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_codes, local_date
from accounts.geo import continent_of as continent_of  # re-exported: the city profile reads it here
from campaign.models import Campaign, Commitment, ReportingPeriod, public_campaigns
from campaign.public.cache import public_version
from campaign.public.models import PublicSignatory
from pledges import rules
from pledges.models import Pledge, ProgressReport, ProgressUpdate

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
    campaigns = list(public_campaigns().order_by("-signing_opens", "-created"))
    campaigns.sort(key=lambda c: c.status != Campaign.Status.OPEN)
    return campaigns


def pick_campaign(campaigns: list[Campaign], slug: str | None) -> Campaign | None:
    """The campaign asked for by slug, else the open campaign, else the most recent one."""
    if slug:
        return next((c for c in campaigns if c.slug == slug), None)
    return campaigns[0] if campaigns else None


# --- the numbers ------------------------------------------------------------------------


def _month_range(first: date, last: date) -> list[date]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def dashboard_data(campaign: Campaign, *, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the dashboard for one campaign, as plain data, from the read model:
    four queries whatever the number of signatories. What a city owes and what is late are
    reckoned on its own calendar (pledges/rules.py)."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    # 1. the signatories and where they are
    signatories = list(
        PublicSignatory.objects.filter(campaign=campaign, status=Pledge.Status.VERIFIED).values(
            "pledge_id",
            "signed_on",
            "verified_at",
            "country",
            "continent",
            "population",
            "time_zone",
            "commitment_codes",
            "latest_progress",
        )
    )
    countries = Counter(s["country"] for s in signatories)
    continents = Counter(s["continent"] for s in signatories)
    population = sum(s["population"] or 0 for s in signatories)
    without_population = sum(1 for s in signatories if s["population"] is None)

    # signatures over time: cumulative count at the end of each month
    signed_days = sorted(s["signed_on"] or today for s in signatories)
    by_month = Counter(date(d.year, d.month, 1) for d in signed_days)
    timeline = []
    if signed_days:
        total = 0
        for month in _month_range(signed_days[0], max(signed_days[-1], today)):
            total += by_month.get(month, 0)
            timeline.append({"month": month, "new": by_month.get(month, 0), "total": total})

    # 2. the commitments, in the visitor's language; 3. how many signatories took each
    commitments = list(Commitment.objects.filter(campaign=campaign).order_by("order", "code"))
    taken = Counter(code for s in signatories for code in s["commitment_codes"])
    commitment_rows: list[dict[str, Any]] = [
        {
            "id": c.pk,
            "code": c.code,
            "title": str(c.title),
            "is_required": c.is_required,
            "signatories": taken.get(c.code, 0),
        }
        for c in commitments
    ]

    # 4. periods; 5. submitted reports: on time, late, missing per period, each city on its
    # own calendar
    periods = list(ReportingPeriod.objects.filter(campaign=campaign).order_by("opens"))
    report_state = {
        (pledge_id, period_id): LATE if late else ON_TIME
        for pledge_id, period_id, late in ProgressReport.objects.filter(
            pledge__public_row__campaign=campaign,
            pledge__public_row__status=Pledge.Status.VERIFIED,
            status=ProgressReport.Status.SUBMITTED,
        ).values_list("pledge_id", "period_id", "is_late")
    }
    today_in: dict[str, date] = {}
    calendar = []
    for s in signatories:
        zone = s["time_zone"]
        if zone not in today_in:
            today_in[zone] = local_date(now, zone)
        calendar.append((s["pledge_id"], today_in[zone], rules.joined_on(s["verified_at"], zone)))
    reporting_rows = []
    for period in periods:
        counts = dict.fromkeys(REPORTING_STATES, 0)
        opened = False
        for pledge_id, city_today, joined in calendar:
            if period.opens > city_today:
                continue  # not yet open where this city is
            opened = True
            found = report_state.get((pledge_id, period.pk))
            if found:
                counts[found] += 1
            elif rules.owes(period.due, joined):
                counts[MISSING if period.due < city_today else AWAITED] += 1
        if opened or period.status_on(today) != "upcoming":
            reporting_rows.append(
                {
                    "period_id": period.pk,
                    "label": str(period.label),
                    "due": period.due,
                    "state": period.status_on(today),
                    "counts": counts,
                }
            )

    # 6. progress per commitment: of each signatory, its most recent period's report, in its
    # latest submitted version (the read model keeps those statuses). Never drafts.
    statuses = [value for value, _label in ProgressUpdate.Status.choices]
    progress: dict[str, Counter[str]] = defaultdict(Counter)
    reporting_signatories = 0
    for s in signatories:
        if s["latest_progress"]:
            reporting_signatories += 1
        for commitment_id, status in s["latest_progress"].items():
            if status in statuses:
                progress[commitment_id][status] += 1
    progress_rows = [
        {
            "id": c["id"],
            "code": c["code"],
            "title": c["title"],
            "is_required": c["is_required"],
            "counts": {st: progress[str(c["id"])][st] for st in statuses},
        }
        for c in commitment_rows
    ]

    country_rows: list[dict[str, Any]] = [{"code": code, "signatories": n} for code, n in countries.most_common()]
    country_rows.sort(key=lambda r: (-r["signatories"], r["code"]))
    return {
        "campaign_id": campaign.pk,
        "language": get_language(),
        "computed_at": timezone.now(),
        "signatories": len(signatories),
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
        "progress_reports": reporting_signatories,
    }


# --- the cache --------------------------------------------------------------------------


def cache_key(campaign: Campaign, language: str | None = None) -> str:
    return f"public:dashboard:{public_version()}:{campaign.pk}:{language or get_language()}"


def cached_dashboard_data(campaign: Campaign) -> dict[str, Any]:
    """dashboard_data, computed once per campaign, language and public version."""
    key = cache_key(campaign)
    data: dict[str, Any] | None = django_cache.get(key)
    if data is None:
        data = dashboard_data(campaign)
        django_cache.set(key, data, CACHE_TIMEOUT)
    return data

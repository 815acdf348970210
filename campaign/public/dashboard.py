"""The public dashboard's numbers: pure read functions, a fixed number of queries.

``dashboard_data(campaign)`` reads everything the dashboard shows for one campaign from the
read model (models.PublicSignatory, SignatoryCommitment, SignatoryReport) and the grants of more time
(pledges.rules.granted_due_dates) in eight queries (two more when a city was granted more time), whatever the
number of signatories, each adding up in the database (groups of a country, a day, a time
zone, a commitment), and returns plain Python data (lists, dicts, ints, strings) that can
be cached. Commitment titles are read in the active
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
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_codes, local_date
from accounts.geo import continent_of as continent_of  # re-exported: the city profile reads it here
from campaign.models import Campaign, Commitment, ReportingPeriod, public_campaigns
from campaign.public.cache import public_version
from campaign.public.models import PublicSignatory, SignatoryCommitment, SignatoryReport
from pledges import rules
from pledges.models import Pledge, ProgressUpdate

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
    seven queries whatever the number of signatories. What a city owes and what is late are
    reckoned on its own calendar (pledges/rules.py)."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    # 1. the signatories and where they are: the database adds up. (COUNT(*), and counts of
    # an indexed column under a filter: SQLite reads COUNT(pk) from the table, not the index.)
    signatories = PublicSignatory.objects.filter(campaign=campaign, status=Pledge.Status.VERIFIED)
    places = list(
        signatories.values("country", "continent").annotate(
            n=Count("*"),
            people=Sum("population"),
            unknown=Count("country", filter=Q(population__isnull=True)),
            reporting=Count("country", filter=Q(reports_submitted__gt=0)),
        )
    )
    countries: Counter[str] = Counter()
    continents: Counter[str] = Counter()
    for place in places:
        countries[place["country"]] += place["n"]
        continents[place["continent"]] += place["n"]
    total_signatories = sum(countries.values())
    population = sum(place["people"] or 0 for place in places)
    without_population = sum(place["unknown"] for place in places)

    # signatures over time: cumulative count at the end of each month
    by_month: Counter[date] = Counter()
    first_day = None
    for row in signatories.values("signed_on").annotate(n=Count("*")):
        day = row["signed_on"] or today
        by_month[date(day.year, day.month, 1)] += row["n"]
        first_day = min(first_day or day, day)
    timeline = []
    if first_day is not None:
        total = 0
        for month in _month_range(first_day, max(max(by_month), today)):
            total += by_month.get(month, 0)
            timeline.append({"month": month, "new": by_month.get(month, 0), "total": total})

    # 2. the commitments, in the visitor's language; 3. how many signatories took each, and
    # 6. where they stand on each: the status in the latest version of the report of their
    # most recent period (never drafts), both kept in the read model's commitment rows
    commitments = list(Commitment.objects.filter(campaign=campaign).order_by("order", "code"))
    statuses = [value for value, _label in ProgressUpdate.Status.choices]
    taken: Counter[int] = Counter()
    progress: dict[str, Counter[str]] = defaultdict(Counter)
    for commitment_id, chosen, status, n in (
        SignatoryCommitment.objects.filter(campaign=campaign)
        .values_list("commitment_id", "chosen", "status")
        .annotate(n=Count("*"))
        .order_by()
    ):
        if chosen:
            taken[commitment_id] += n
        if status in statuses:
            progress[str(commitment_id)][status] += n
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

    # 4. periods; 5. on time, late, missing per period, each city on its own calendar: the
    # signatories of one time zone are counted together, split by whether they owe the
    # period (pledges.rules.owed_filter: they joined by its due date)
    periods = list(ReportingPeriod.objects.filter(campaign=campaign).order_by("opens"))
    owing: dict[str, dict[int, int]] = {}
    owe_counts = {f"owe_{p.pk}": Count("joined_on", filter=rules.owed_filter("joined_on", p.due)) for p in periods}
    zone_rows: list[dict[str, Any]] = list(signatories.values("time_zone").annotate(**owe_counts))  # type: ignore[arg-type]
    for zone_row in zone_rows:
        owing[zone_row["time_zone"]] = {p.pk: zone_row[f"owe_{p.pk}"] for p in periods}
    reported: dict[tuple[int, str, bool], dict[str, int]] = defaultdict(lambda: {ON_TIME: 0, LATE: 0})
    for period_id, late, zone, owed, n in (
        SignatoryReport.objects.filter(campaign=campaign)
        .values_list("period_id", "is_late", "time_zone", "owed")
        .annotate(n=Count("*"))
        .order_by()
    ):
        reported[(period_id, zone, owed)][LATE if late else ON_TIME] += n
    today_in = {zone: local_date(now, zone) for zone in owing}
    # A city granted more time for a period is awaited, not missing, until its granted day
    # (pledges.rules.due_date), as its reporting state says.
    granted = rules.granted_due_dates(signatories.values("pledge_id"))
    granted_open: Counter[int] = Counter()
    if granted:
        reported_pairs = set(SignatoryReport.objects.filter(campaign=campaign).values_list("signatory_id", "period_id"))
        places_of = {
            pledge_id: (zone, joined)
            for pledge_id, zone, joined in signatories.filter(pledge_id__in={pk for pk, _ in granted}).values_list(
                "pledge_id", "time_zone", "joined_on"
            )
        }
        due_of = {p.pk: p.due for p in periods}
        for (pledge_id, period_id), day in granted.items():
            zone, joined = places_of.get(pledge_id, (None, None))
            period_due = due_of.get(period_id)
            if zone is None or period_due is None or (pledge_id, period_id) in reported_pairs:
                continue
            city_today = today_in.get(zone) or local_date(now, zone)
            if rules.owes(period_due, joined) and period_due < city_today <= rules.due_date(period_due, day):
                granted_open[period_id] += 1
    reporting_rows = []
    for period in periods:
        counts = dict.fromkeys(REPORTING_STATES, 0)
        opened = False
        for zone, owe in owing.items():
            city_today = today_in[zone]
            if period.opens > city_today:
                continue  # not yet open where these cities are
            opened = True
            found = reported.get((period.pk, zone, True), {ON_TIME: 0, LATE: 0})
            early = reported.get((period.pk, zone, False), {ON_TIME: 0, LATE: 0})  # not owed, yet sent
            counts[ON_TIME] += found[ON_TIME] + early[ON_TIME]
            counts[LATE] += found[LATE] + early[LATE]
            counts[MISSING if period.due < city_today else AWAITED] += owe[period.pk] - found[ON_TIME] - found[LATE]
        counts[MISSING] -= granted_open[period.pk]
        counts[AWAITED] += granted_open[period.pk]
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

    reporting_signatories = sum(place["reporting"] for place in places)  # that submitted a report
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
        "signatories": total_signatories,
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

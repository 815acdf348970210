"""The dashboard's monitoring: the campaign's indicators added up over the signatories, and
the support they need, by kind and by region. Pure reads, a fixed number of queries.

``monitoring_data(campaign)`` reads, in four queries whatever the number of signatories,
indicators and periods: the campaign's indicators (in the visitor's language), the latest
published version of each report of the verified signatories (pledges/monitoring/progress),
their baselines and targets, and their means of implementation. Per indicator, over the
latest value of each signatory that reported it, where the units agree:

- a count: the sum; an amount of money: the sum per currency (a city's amounts are in the
  currency of its target, else of its country); a percentage: the median; yes/no: the share
  of yes;
- the share of cities on track for their target (pledges/monitoring/progress.on_track), of
  those whose progress is known (a baseline, a target and a value).

A city's own indicators are its own: they are not added up. The support needed is read from
the latest published report that gives a commitment's means, else from the means entered
when signing; a city counts once per kind of support, and in its continent.

``cached_monitoring_data`` keeps it under the public version, like the dashboard's figures
(campaign/public/dashboard.py): the finished data is plain (str, int, Decimal, lists, dicts).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.cache import cache as django_cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.geo import continent_of
from accounts.place_names import currency_of
from campaign.models import Campaign
from campaign.public import dashboard
from campaign.public.cache import public_version
from campaign.public.charts import Chart, Percent, Series, fmt_int, hbar_chart, stacked_chart
from campaign.public.indicator_charts import format_amount, format_value
from pledges import rules
from pledges.monitoring import progress
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from pledges.monitoring.values import format_number

CACHE_TIMEOUT = dashboard.CACHE_TIMEOUT

SUM, MEDIAN, SHARE_YES = "sum", "median", "share_yes"
FIGURE_OF_KIND: dict[str, str] = {
    Indicator.Kind.COUNT: SUM,
    Indicator.Kind.AMOUNT: SUM,
    Indicator.Kind.PERCENTAGE: MEDIAN,
    Indicator.Kind.YES_NO: SHARE_YES,
}
ON_TRACK, NOT_ON_TRACK, NOT_KNOWN = "on_track", "not_on_track", "not_known"
SUPPORT_KINDS = [value for value, _label in MeansOfImplementation.SupportKind.choices]
MONITORING_CHART_SLUGS = ("indicators-on-track", "support-kinds", "support-regions")


@dataclass
class _Place:
    country: str


class _Target(NamedTuple):
    """What progress.on_track reads of an IndicatorTarget (and the currency of an amount),
    read as values: a light stand-in, not a model instance."""

    indicator: Indicator
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_date: date | None
    currency: str


def _support_of(means: Any) -> set[str]:
    kinds = means.get("support_needed") if isinstance(means, dict) else None
    return {k for k in kinds or [] if k in SUPPORT_KINDS}


def monitoring_data(campaign: Campaign, *, now: datetime | None = None) -> dict[str, Any]:
    """The monitoring figures of the dashboard for one campaign, as plain data: four
    queries, whatever the number of signatories, indicators and periods."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    signatories = rules.signatories().filter(campaign=campaign)

    # 1. the campaign's indicators, named in the visitor's language
    indicators = list(
        Indicator.objects.filter(commitment__campaign=campaign, municipality__isnull=True).select_related("commitment")
    )
    by_pk = {i.pk: i for i in indicators}

    # 2. the latest published version of each report of the signatories, with their country:
    # as plain rows, and of the content only its updates (where the values are)
    country_of: dict[int, str] = {}
    rows: list[tuple[int, int, date, Any]] = []
    for pledge_id, period_id, due, updates, country in progress.latest_published_versions(signatories).values_list(
        "report__pledge_id",
        "report__period_id",
        "report__period__due",
        "content__updates",
        "report__pledge__municipality__country",
    ):
        country_of[pledge_id] = country or ""
        rows.append((pledge_id, period_id, due, updates))
    # the last value of each city on each indicator, by indicator (in the order of the series)
    latest_of: dict[int, list[tuple[int, progress.Point]]] = defaultdict(list)
    for (pledge_id, indicator_id), point in progress.latest_points(rows).items():
        if indicator_id in by_pk:
            latest_of[indicator_id].append((pledge_id, point))

    # 3. the signatories' baselines and targets of the campaign's indicators, as values
    targets: dict[tuple[int, int], tuple[Any, ...]] = {
        (row[0], row[1]): row
        for row in IndicatorTarget.objects.filter(chosen__pledge__in=signatories, indicator__in=indicators).values_list(
            "chosen__pledge_id", "indicator_id", *_Target._fields[1:]
        )
    }

    # 4. the support the signatories need: their current means (pledges.monitoring.progress
    # says why the means are read live). Means that ask for no support count nowhere: not read.
    support: dict[int, set[str]] = defaultdict(set)
    for pledge_id, country, needed in (
        MeansOfImplementation.objects.filter(chosen__pledge__in=signatories)
        .exclude(support_needed=[])
        .values_list("chosen__pledge_id", "chosen__pledge__municipality__country", "support_needed")
    ):
        country_of.setdefault(pledge_id, country or "")
        support[pledge_id] |= _support_of({"support_needed": needed})

    currency_of_country: dict[str, str] = {}
    indicator_rows = []
    for indicator in indicators:
        latest: dict[int, Decimal] = {}
        track: Counter[str] = Counter()
        currency_totals: dict[str, Decimal] = defaultdict(Decimal)
        indicator_id = indicator.pk
        is_amount = indicator.kind == Indicator.Kind.AMOUNT
        for pledge_id, point in latest_of.get(indicator_id, ()):
            value = point.value
            latest[pledge_id] = value
            found = targets.get((pledge_id, indicator_id))
            target = _Target(indicator, *found[2:]) if found else None
            state = progress.on_track(target, (point,), today)
            track[NOT_KNOWN if state is None else ON_TRACK if state else NOT_ON_TRACK] += 1
            if is_amount:
                currency = target.currency if target else ""
                if not currency:
                    country = country_of.get(pledge_id, "")
                    if country not in currency_of_country:
                        currency_of_country[country] = currency_of(_Place(country))
                    currency = currency_of_country[country]
                currency_totals[currency.upper()] += value
        values = list(latest.values())
        figure = FIGURE_OF_KIND.get(indicator.kind, SUM)
        row: dict[str, Any] = {
            "id": indicator.pk,
            "code": indicator.code,
            "commitment_code": indicator.commitment.code,
            "name": str(indicator.name),
            "unit": str(indicator.unit or ""),
            "kind": indicator.kind,
            "higher_is_better": indicator.higher_is_better,
            "cities": len(values),
            "figure": figure,
            "value": None,
            "by_currency": sorted(currency_totals.items()),
            "counts": {ON_TRACK: track[ON_TRACK], NOT_ON_TRACK: track[NOT_ON_TRACK], NOT_KNOWN: track[NOT_KNOWN]},
        }
        if values:
            if figure == MEDIAN:
                row["value"] = Decimal(statistics.median(values))
            elif figure == SHARE_YES:
                row["value"] = Decimal(100 * sum(1 for v in values if v == 1)) / len(values)
            elif not is_amount:
                row["value"] = sum(values, Decimal(0))
        known = row["counts"][ON_TRACK] + row["counts"][NOT_ON_TRACK]
        row["known"] = known
        row["share_on_track"] = Decimal(100 * row["counts"][ON_TRACK]) / known if known else None
        indicator_rows.append(row)

    by_kind: Counter[str] = Counter()
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for pledge_id, kinds in support.items():
        region = continent_of(country_of.get(pledge_id, ""))
        for kind in kinds:
            by_kind[kind] += 1
            by_region[region][kind] += 1
    regions = [code for code in dashboard.CONTINENT_ORDER + [""] if code in by_region]
    return {
        "campaign_id": campaign.pk,
        "language": get_language(),
        "indicators": indicator_rows,
        "reporting": sum(1 for row in indicator_rows if row["cities"]),  # indicators with a value
        "support": {
            "cities": sum(1 for kinds in support.values() if kinds),
            "by_kind": [{"kind": kind, "cities": by_kind[kind]} for kind in SUPPORT_KINDS],
            "by_region": [
                {"code": code, "counts": {kind: by_region[code][kind] for kind in SUPPORT_KINDS}} for code in regions
            ],
        },
    }


# --- what the page shows -------------------------------------------------------------------


def figure_text(row: dict[str, Any]) -> str:
    """The added-up figure of one indicator row, in the reader's language."""
    if not row["cities"]:
        return ""
    if row["kind"] == Indicator.Kind.AMOUNT:
        totals = "; ".join(format_amount(total, currency) for currency, total in row["by_currency"])
        return _("Total: %(value)s") % {"value": totals}
    if row["figure"] == MEDIAN:
        return _("Median: %(value)s") % {"value": format_value(row["value"], row["kind"])}
    if row["figure"] == SHARE_YES:
        return _("Yes: %(value)s") % {"value": _("%(value)s%%") % {"value": format_number(round(row["value"]))}}
    total = format_value(row["value"], row["kind"])
    if row["unit"]:
        total = f"{total} {row['unit']}"
    return _("Total: %(value)s") % {"value": total}


def on_track_text(row: dict[str, Any]) -> str:
    if not row["known"]:
        return _("not known")
    return _("%(on)s of %(known)s (%(share)s)") % {
        "on": fmt_int(row["counts"][ON_TRACK]),
        "known": fmt_int(row["known"]),
        "share": _("%(value)s%%") % {"value": format_number(round(row["share_on_track"]))},
    }


def indicator_table(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the dashboard's indicator table, with their texts."""
    return [
        dict(
            row, figure_text=figure_text(row), on_track_text=on_track_text(row), label=f"{row['code']} · {row['name']}"
        )
        for row in data["indicators"]
    ]


TRACK_SERIES = [
    (ON_TRACK, "#1a7f37", "solid", "#fff"),
    (NOT_ON_TRACK, "#f0a030", "hatch", "#222"),
    (NOT_KNOWN, "#c9ced6", "dots", "#222"),
]
SUPPORT_SERIES = [
    ("resources", "#0b5d6b", "solid", "#fff"),
    ("tools", "#9cc7e4", "dots", "#222"),
    ("partnerships", "#f0a030", "hatch", "#222"),
]


def monitoring_charts(data: dict[str, Any]) -> dict[str, Chart]:
    """The dashboard's monitoring charts, by slug, from monitoring_data()."""
    charts: dict[str, Chart] = {}
    track_labels = {
        ON_TRACK: _("On track"),
        NOT_ON_TRACK: _("Not on track"),
        NOT_KNOWN: _("Not known (no baseline or target)"),
    }
    track_series = [
        Series(key, str(track_labels[key]), fill, pattern, text) for key, fill, pattern, text in TRACK_SERIES
    ]
    rows = [row for row in data["indicators"] if row["cities"]]
    track_rows = []
    for row in rows:
        line: list[Any] = [f"{row['code']} · {row['name']}", row["cities"]]
        for s in track_series:
            line += [row["counts"][s.key], Percent(100 * row["counts"][s.key] / row["cities"])]
        track_rows.append(line)
    track_columns = [_("Indicator"), _("Cities reporting")]
    for s in track_series:
        track_columns += [s.label, _("%(state)s (share)") % {"state": s.label}]
    charts["indicators-on-track"] = stacked_chart(
        slug="indicators-on-track",
        title=_("Cities on track for their targets, per indicator"),
        description=_(
            "For each of the campaign's indicators, how many of the cities that reported a value are on track for "
            "the target they set, not on track, or have no baseline or target to measure against."
        ),
        series=track_series,
        items=[(f"{row['code']} · {row['name']}", row["counts"]) for row in rows],
        columns=track_columns,
        rows=track_rows,
        note=_(
            "On track: the latest value has reached the target, or has gone at least as far as the straight line "
            "from the baseline to the target at the date of the report."
        ),
    )

    support = data["support"]
    labels = dict(MeansOfImplementation.SupportKind.choices)
    kind_rows: list[list[Any]] = [[str(labels[r["kind"]]), r["cities"]] for r in support["by_kind"]]
    charts["support-kinds"] = hbar_chart(
        slug="support-kinds",
        title=_("Support the cities need, by kind"),
        description=_("How many signatories ask for each kind of support: %(list)s.")
        % {"list": ", ".join(f"{row[0]}: {fmt_int(row[1])}" for row in kind_rows)},
        items=[(row[0], row[1]) for row in kind_rows],
        columns=[_("Kind of support"), _("Cities asking for it")],
        rows=kind_rows,
    )
    support_series = [Series(key, str(labels[key]), fill, pattern, text) for key, fill, pattern, text in SUPPORT_SERIES]
    region_rows = [
        [dashboard.continent_name(r["code"])] + [r["counts"][s.key] for s in support_series]
        for r in support["by_region"]
    ]
    charts["support-regions"] = stacked_chart(
        slug="support-regions",
        title=_("Support the cities need, by region"),
        description=_(
            "For each continent, how many signatories ask for resources, tools and partnerships; a city may ask "
            "for more than one kind."
        ),
        series=support_series,
        items=[(dashboard.continent_name(r["code"]), r["counts"]) for r in support["by_region"]],
        columns=[_("Continent")] + [s.label for s in support_series],
        rows=region_rows,
        empty_label=_("none"),
    )
    return charts


# --- the cache -------------------------------------------------------------------------------


def cache_key(campaign: Campaign, language: str | None = None) -> str:
    return f"public:dashboard-monitoring:{public_version()}:{campaign.pk}:{language or get_language()}"


def cached_monitoring_data(campaign: Campaign) -> dict[str, Any]:
    """monitoring_data, computed once per campaign, language and public version."""
    key = cache_key(campaign)
    data: dict[str, Any] | None = django_cache.get(key)
    if data is None:
        data = monitoring_data(campaign)
        django_cache.set(key, data, CACHE_TIMEOUT)
    return data

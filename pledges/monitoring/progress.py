"""The rules of progress: the one home of "how is this city doing on this indicator".

What the public sees of an indicator comes from two places only:

- the values, read from the frozen content of the latest *published* version of each report
  (``ReportVersion.published_at`` set; ``content["updates"][i]["indicators"]``, see
  pledges/services.report_snapshot), never from live ``IndicatorValue`` rows, which a draft
  may be changing;
- the baseline and target, read live from ``IndicatorTarget``, and the means of implementation,
  read live from ``MeansOfImplementation``: they are the city's current declaration, part of
  the pledge, public for a public pledge as soon as the city saves them (on the monitoring page
  or with a report). Each report version also freezes the means, so their history can be
  compared, but what is shown is the current declaration, the same on the profile, the
  dashboard, the API and the downloads.

``series_by_indicator`` turns the versions into one series per pledge and indicator (the
period's label, its due date and the value, oldest first); ``latest_points`` gives only the
last point of each, from plain rows (for the figures that add cities up, such as the
dashboard's); ``on_track`` says whether the latest value is where it should be. The city
profile (campaign/public/indicator_charts.py), the dashboard (campaign/public/monitoring.py)
and the demo data all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.db.models import QuerySet

from pledges import rules
from pledges.models import Pledge, ReportVersion

from .models import Indicator


@dataclass(frozen=True)
class Point:
    """One value of an indicator: the period it was reported for, and the value."""

    period_id: int
    label: str
    due: date
    value: Decimal


class Target(Protocol):
    """What the rules read of a baseline and target: an ``IndicatorTarget``, or a light
    stand-in with the same attributes (campaign/public/monitoring.py reads them as values)."""

    @property
    def indicator(self) -> Indicator: ...
    @property
    def baseline_value(self) -> Decimal | None: ...
    @property
    def baseline_year(self) -> int | None: ...
    @property
    def target_value(self) -> Decimal | None: ...
    @property
    def target_date(self) -> date | None: ...


def latest_published_versions(pledges: QuerySet[Pledge] | Iterable[int]) -> QuerySet[ReportVersion]:
    """The latest published version of each report of these pledges (a queryset of pledges
    or their ids), with the report's period, oldest period first: one query when read. The
    rule of what is published is pledges.rules.latest_published_versions: a version waiting
    for review, or one sent back for changes, is never among them."""
    return (
        rules.latest_published_versions()
        .filter(report__pledge__in=pledges)
        .select_related("report__period")
        .order_by("report__period__due", "report_id")
    )


def _decimal(text: Any) -> Decimal | None:
    if text is None or isinstance(text, bool):
        return None
    try:
        value = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _values_of(updates: Any) -> Iterator[tuple[int, Decimal]]:
    """(indicator id, value) of the values in a version's ``content["updates"]``; a value
    that is not a number is left out."""
    for update in updates or []:
        for entry in update.get("indicators") or []:
            value = _decimal(entry.get("value"))
            indicator_id = entry.get("indicator_id")
            if value is None or not isinstance(indicator_id, int):
                continue
            yield indicator_id, value


def series_by_indicator(versions: Iterable[ReportVersion]) -> dict[tuple[int, int], list[Point]]:
    """(pledge id, indicator id) → the indicator's values over the periods, oldest first,
    from these versions' content (one version per report: ``latest_published_versions``).
    A value that is not a number is left out."""
    found: dict[tuple[int, int], dict[int, Point]] = {}
    for version in versions:
        report = version.report
        period = report.period
        for indicator_id, value in _values_of((version.content or {}).get("updates")):
            points = found.setdefault((report.pledge_id, indicator_id), {})
            points[period.pk] = Point(period.pk, str(period.label), period.due, value)
    return {key: sorted(points.values(), key=lambda p: (p.due, p.period_id)) for key, points in found.items()}


def latest_points(rows: Iterable[tuple[int, int, date, Any]]) -> dict[tuple[int, int], Point]:
    """(pledge id, indicator id) → the last point of its series (what ``series_by_indicator``
    would end with), from plain rows of the versions: (pledge id, period id, period due,
    ``content["updates"]``), as ``latest_published_versions(...).values_list(...)`` reads
    them. The keys come in the same order as ``series_by_indicator``'s. The points carry
    no label (it is not read): ``on_track(target, [point], today)`` needs only the last one."""
    found: dict[tuple[int, int], tuple[date, int, Decimal]] = {}
    for pledge_id, period_id, due, updates in rows:
        for indicator_id, value in _values_of(updates):
            key = (pledge_id, indicator_id)
            known = found.get(key)
            # a later value of the same period replaces the earlier one, as in series_by_indicator
            if known is None or (due, period_id) >= (known[0], known[1]):
                found[key] = (due, period_id, value)
    return {key: Point(period_id, "", due, value) for key, (due, period_id, value) in found.items()}


def latest(series: Sequence[Point]) -> Point | None:
    """The value of the most recent period, or None."""
    return series[-1] if series else None


def baseline_date(year: int) -> date:
    """The day a baseline stands for: the last day of its year (the baseline is that year's
    figure, known once the year is over)."""
    return date(year, 12, 31)


def expected_at(target: Target, when: date) -> Decimal | None:
    """Where the straight line from the baseline (its value on the last day of its year) to
    the target (its value on its date) is on ``when``: the baseline before the baseline's
    day, the target after the target's date. None without a baseline or a target."""
    if None in (target.baseline_value, target.baseline_year, target.target_value, target.target_date):
        return None
    assert target.baseline_value is not None and target.baseline_year is not None  # for mypy
    assert target.target_value is not None and target.target_date is not None
    start, end = baseline_date(target.baseline_year), target.target_date
    if end <= start or when >= end:
        return target.target_value
    if when <= start:
        return target.baseline_value
    share = Decimal((when - start).days) / Decimal((end - start).days)
    return target.baseline_value + (target.target_value - target.baseline_value) * share


def _at_least_as_far(value: Decimal, mark: Decimal, higher_is_better: bool) -> bool:
    return value >= mark if higher_is_better else value <= mark


def on_track(target: Target | None, series: Sequence[Point], today: date) -> bool | None:
    """Whether a city is on track for its target on one indicator.

    - A yes/no indicator (1 is yes, 0 is no) is on track when its latest value equals the
      target; it needs no baseline.
    - Any other indicator needs a baseline (value and year), a target (value and date) and at
      least one value; without them the answer is None (not known), never False.
    - It is on track when its latest value has reached the target (at least the target when
      higher is better, at most when lower is better: ``Indicator.higher_is_better``), or has
      gone at least as far as the straight line from the baseline to the target at the date
      the value stands for. That date is the due date of the latest value's period, or
      ``today`` when the city reported ahead of a later due date (it is not held to a point
      of the line it has not reached in time yet). The baseline stands for the last day of its
      year (``baseline_date``); past the target date the line stays at the target.

    ``target.indicator`` is read (kind and direction): load it with the target.
    """
    point = latest(series)
    if target is None or point is None:
        return None
    indicator: Indicator = target.indicator
    if indicator.kind == Indicator.Kind.YES_NO:
        if target.target_value is None:
            return None
        return point.value == target.target_value
    when = min(point.due, today)
    expected = expected_at(target, when)
    if expected is None or target.target_value is None:
        return None
    better = indicator.higher_is_better
    return _at_least_as_far(point.value, target.target_value, better) or _at_least_as_far(point.value, expected, better)

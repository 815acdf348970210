"""A city's indicators on its public profile: one accessible SVG per indicator, with its table.

Like the dashboard's charts (campaign/public/charts.py, whose helpers are used here): the
SVG has role="img", a <title> and a <desc> named by aria-labelledby, text on every mark, and
lines told apart by their dashes as well as their colours; the table beside it has every
number of the chart. Right to left, the chart is drawn mirrored: the periods run from the
right, the value axis is on the right.

What is drawn: the values of the periods (from the latest published version of each report)
as a line with points, the baseline as a dashed line, and the target as a dotted line with a
diamond at the end; the periods are evenly spaced, the baseline's year first and the
target's date last. Numbers are written in the reader's language
(pledges/monitoring/values.format_number; amounts with their currency by babel), and
whether the city is on track is pledges/monitoring/progress.on_track's answer.

``add_monitoring(items, municipality)`` adds to each pledge block of the profile
(pledges.display.pledge_display) its commitments' indicators and means of implementation,
in four queries whatever the number of pledges, commitments, indicators and periods.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency
from django.db.models import Q
from django.utils import formats, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from accounts.geo import local_today
from accounts.models import Municipality
from accounts.place_names import currency_of
from campaign.public.charts import FONT_SIZE, TEAL, Chart, Mirror, _fit, _is_rtl, _n, _svg_open, _text_width
from pledges.monitoring import progress
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
from pledges.monitoring.values import format_number

WIDTH = 640
HEIGHT = 300
TARGET_COLOUR = "#8a4b00"
BASELINE_COLOUR = "#4a5560"


# --- numbers --------------------------------------------------------------------------


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def format_amount(value: Decimal | None, currency: str) -> str:
    """An amount of money as the reader's locale writes it, with its currency ("1 234,50 €")."""
    if value is None:
        return ""
    if not currency:
        return format_number(value)
    try:
        return format_currency(value, currency.upper(), locale=_locale())
    except Exception:  # babel raises on a currency code CLDR does not know
        return f"{format_number(value)} {currency.upper()}"


def format_value(value: Decimal | None, kind: str, *, currency: str = "") -> str:
    """A value of an indicator of this kind, in the reader's language: "1,234", "45%",
    "€1,200.00", "yes"."""
    if value is None:
        return ""
    if kind == Indicator.Kind.YES_NO:
        return _("yes") if value == 1 else _("no")
    if kind == Indicator.Kind.PERCENTAGE:
        return _("%(value)s%%") % {"value": format_number(value)}
    if kind == Indicator.Kind.AMOUNT:
        return format_amount(value, currency)
    return format_number(value)


def _to_decimal(text: Any) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


# --- the chart ------------------------------------------------------------------------


def _nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Round tick values from ``low`` to at least ``high``: 0, 250, 500, ..."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks, tick = [], first
    while tick < high - step * 1e-9:
        ticks.append(tick)
        tick += step
    ticks.append(tick)
    return ticks


@dataclass
class IndicatorView:
    """One indicator of one chosen commitment as the profile shows it."""

    indicator: Indicator
    target: IndicatorTarget | None
    series: list[progress.Point]
    currency: str
    on_track: bool | None
    chart: Chart | None = None
    baseline_text: str = ""
    target_text: str = ""
    latest_text: str = ""
    latest_label: str = ""

    @property
    def badge(self) -> tuple[str, str]:
        if self.on_track is None:
            return _("Progress not known"), "text-bg-light border"
        if self.on_track:
            return _("On track"), "text-bg-success"
        return _("Not on track"), "text-bg-warning"


def indicator_chart(
    *,
    slug: str,
    indicator: Indicator,
    series: Sequence[progress.Point],
    target: IndicatorTarget | None,
    currency: str = "",
    on_track: bool | None = None,
    rtl: bool | None = None,
) -> Chart:
    """The SVG of one indicator over the periods against its baseline and target, and the
    rows of its table (the baseline, each period, the target). ``rtl`` (default: the active
    language's direction) mirrors it."""
    dom_id = f"chart-{slug}"
    rtl = _is_rtl(rtl)
    m = Mirror(WIDTH, rtl)
    kind = indicator.kind

    def fmt(value: Decimal | float | None) -> str:
        return format_value(None if value is None else Decimal(str(value)), kind, currency=currency)

    baseline = target.baseline_value if target else None
    baseline_year = target.baseline_year if target else None
    goal = target.target_value if target else None
    goal_date = target.target_date if target else None

    # The slots along the time axis: the baseline's year, the periods, the target's date.
    slots: list[str] = []
    if baseline is not None:
        slots.append(_("Baseline %(year)s") % {"year": baseline_year} if baseline_year else _("Baseline"))
    first_period = len(slots)
    slots += [p.label for p in series]
    if goal is not None:
        slots.append(_("Target %(year)s") % {"year": goal_date.year} if goal_date else _("Target"))

    # The value axis: from 0 (or the lowest value) to a round number above the highest.
    numbers = [float(p.value) for p in series] + [float(v) for v in (baseline, goal) if v is not None]
    if kind == Indicator.Kind.YES_NO:
        ticks = [0.0, 1.0]
    elif kind == Indicator.Kind.PERCENTAGE:
        ticks = _nice_ticks(min([0.0, *numbers]), max([*numbers, 1.0]))
        ticks = [t for t in ticks if t <= 100] if max(numbers, default=0) <= 100 else ticks
        if ticks[-1] < max(numbers, default=0):
            ticks.append(100.0)
    else:
        ticks = _nice_ticks(min([0.0, *numbers]), max([*numbers, 1.0]))
    axis_low, axis_high = ticks[0], ticks[-1]
    tick_texts = [fmt(t) for t in ticks]
    left = 12 + max(_text_width(t, 12) for t in tick_texts)
    top_pad, bottom, right_pad = 30, 44, 24
    plot_w, plot_h = WIDTH - left - right_pad, HEIGHT - top_pad - bottom

    def y_of(value: float) -> float:
        share = (value - axis_low) / (axis_high - axis_low) if axis_high > axis_low else 0
        return top_pad + plot_h - plot_h * share

    n = max(1, len(slots))
    slot_w = plot_w / n

    def x_of(i: int) -> float:
        return left + slot_w * (i + 0.5)

    title = f"{indicator.code} · {indicator.name}"
    described = []
    if baseline is not None:
        described.append(
            _("Baseline: %(value)s in %(year)s.") % {"value": fmt(baseline), "year": baseline_year}
            if baseline_year
            else _("Baseline: %(value)s.") % {"value": fmt(baseline)}
        )
    if series:
        described.append(
            _("Values reported: %(values)s.") % {"values": "; ".join(f"{p.label} {fmt(p.value)}" for p in series)}
        )
    else:
        described.append(_("No value reported yet."))
    if goal is not None:
        described.append(
            _("Target: %(value)s by %(date)s.")
            % {"value": fmt(goal), "date": formats.date_format(goal_date, "DATE_FORMAT")}
            if goal_date
            else _("Target: %(value)s.") % {"value": fmt(goal)}
        )
    if on_track is True:
        described.append(_("The city is on track for its target."))
    elif on_track is False:
        described.append(_("The city is not on track for its target."))
    description = " ".join(described)

    parts = _svg_open(dom_id, HEIGHT, title, description, width=WIDTH, rtl=rtl)
    # value axis and grid
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        parts.append(
            f'<line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH - right_pad))}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dde2e5"/>'
            f'<text x="{_n(m.x(left - 8))}" y="{y + 4:.1f}" text-anchor="end" fill="#555" font-size="12">'
            f"{escape(text)}</text>"
        )
    # slot labels along the time axis
    for i, label in enumerate(slots):
        shown = _fit(label, slot_w - 4, 12)
        parts.append(
            f'<text x="{m.x(x_of(i)):.1f}" y="{HEIGHT - bottom + 20}" text-anchor="middle" fill="#333" '
            f'font-size="12">{"<title>" + escape(label) + "</title>" if shown != label else ""}{escape(shown)}</text>'
        )
    # the baseline: a dashed line across, and an open circle at its year
    if baseline is not None:
        y = y_of(float(baseline))
        text = _("Baseline: %(value)s") % {"value": fmt(baseline)}
        parts.append(
            f'<g class="baseline"><line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH - right_pad))}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{BASELINE_COLOUR}" stroke-width="2" stroke-dasharray="8 5"/>'
            f'<circle cx="{m.x(x_of(0)):.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="{BASELINE_COLOUR}" '
            f'stroke-width="2"/>'
            f'<text x="{_n(m.x(left + 4))}" y="{y - 7:.1f}" fill="{BASELINE_COLOUR}" font-size="12">'
            f"{escape(text)}</text></g>"
        )
    # the target: a dotted line across, and a diamond at its date
    if goal is not None:
        y = y_of(float(goal))
        cx = m.x(x_of(len(slots) - 1))
        text = _("Target: %(value)s") % {"value": fmt(goal)}
        width = _text_width(text, 12)
        parts.append(
            f'<g class="target"><line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH - right_pad))}" '
            f'y1="{y:.1f}" y2="{y:.1f}" stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="2 4"/>'
            f'<path d="M{cx:.1f},{y - 8:.1f} l8,8 l-8,8 l-8,-8 z" fill="{TARGET_COLOUR}"/>'
            f'<text x="{_n(m.x(WIDTH - right_pad - width))}" y="{y - 10:.1f}" fill="{TARGET_COLOUR}" '
            f'font-size="12">{escape(text)}</text></g>'
        )
    # the values: a line through the periods' points, each with its value
    if series:
        points = [(m.x(x_of(first_period + i)), y_of(float(p.value))) for i, p in enumerate(series)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{TEAL}" stroke-width="3"/>')
        for (x, y), p in zip(points, series, strict=True):
            text = fmt(p.value)
            parts.append(
                f'<g class="value"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{TEAL}" stroke="#fff" '
                f'stroke-width="2"><title>{escape(p.label)}: {escape(text)}</title></circle>'
                f'<text x="{x:.1f}" y="{max(14, y - 12):.1f}" text-anchor="middle" fill="#222" font-weight="600" '
                f'font-size="{FONT_SIZE}" paint-order="stroke" stroke="#fff" stroke-width="3">{escape(text)}</text></g>'
            )
    else:
        parts.append(
            f'<text x="{_n(m.x(left + 8))}" y="{top_pad + plot_h / 2:.1f}" fill="#555">'
            f"{escape(_('No value reported yet.'))}</text>"
        )
    parts.append(
        f'<line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH - right_pad))}" y1="{top_pad + plot_h}" '
        f'y2="{top_pad + plot_h}" stroke="#555"/>'
    )
    parts.append("</svg>")

    rows: list[list[Any]] = []
    if baseline is not None:
        rows.append([_("Baseline"), str(baseline_year or ""), fmt(baseline)])
    rows += [[p.label, formats.date_format(p.due, "DATE_FORMAT"), fmt(p.value)] for p in series]
    if goal is not None:
        rows.append([_("Target"), formats.date_format(goal_date, "DATE_FORMAT") if goal_date else "", fmt(goal)])
    unit = str(indicator.unit or "")
    value_column = _("Value (%(unit)s)") % {"unit": unit} if unit else _("Value")
    return Chart(
        slug,
        title,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - every text is escaped above
        [_("Period"), _("Date"), value_column],
        rows,
    )


# --- the profile -------------------------------------------------------------------------


@dataclass
class CommitmentMonitoring:
    """What the profile shows under one chosen commitment: its indicators and its means."""

    chosen: Any
    indicators: list[IndicatorView] = field(default_factory=list)
    not_reported: list[Indicator] = field(default_factory=list)
    means: dict[str, Any] | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.indicators or self.not_reported or self.means)


def _means_display(means: dict[str, Any]) -> dict[str, Any] | None:
    """The means of implementation (the live row, written as a snapshot's "means"), as the
    profile shows them."""
    partner_labels = dict(MeansOfImplementation.PartnerKind.choices)
    support_labels = dict(MeansOfImplementation.SupportKind.choices)
    budget = _to_decimal(means.get("budget_amount"))
    fte = _to_decimal(means.get("staff_fte"))
    partners = means.get("partners") or {}
    shown = {
        "budget": format_amount(budget, str(means.get("budget_currency") or "")) if budget is not None else "",
        "staff": format_number(fte) if fte is not None else "",
        "lead_department": str(means.get("lead_department") or ""),
        "partners": [
            {"kind": str(label), "names": [str(n) for n in partners.get(key) or [] if str(n).strip()]}
            for key, label in partner_labels.items()
            if isinstance(partners, dict) and partners.get(key)
        ],
        "support_needed": [str(support_labels[k]) for k in means.get("support_needed") or [] if k in support_labels],
        "support_details": str(means.get("support_details") or ""),
    }
    if not any(shown.values()):
        return None
    return shown


def _live_means(row: MeansOfImplementation) -> dict[str, Any]:
    return {
        "budget_amount": row.budget_amount,
        "budget_currency": row.budget_currency,
        "staff_fte": row.staff_fte,
        "lead_department": row.lead_department,
        "partners": row.partners,
        "support_needed": row.support_needed,
        "support_details": row.support_details,
    }


def add_monitoring(items: list[dict[str, Any]], municipality: Municipality) -> None:
    """Add ``item["monitoring"]`` (a list of CommitmentMonitoring, one per chosen commitment
    with something to show) to each pledge block of the profile. Four queries, whatever the
    number of pledges, commitments, indicators and periods.

    The values, and the means a report gave, come from the latest published version of each
    report; the baselines and targets, and the means entered when signing (until a published
    report gives them), are read live."""
    chosen = [pc for item in items for pc in item["chosen"]]
    if not chosen:
        for item in items:
            item["monitoring"] = []
        return
    indicators = list(
        Indicator.objects.filter(commitment_id__in={pc.commitment_id for pc in chosen}).filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        )
    )
    targets: dict[tuple[int, int], IndicatorTarget] = {}
    by_pk = {i.pk: i for i in indicators}
    for row in IndicatorTarget.objects.filter(chosen__in=chosen):
        if row.indicator_id in by_pk:
            row.indicator = by_pk[row.indicator_id]
            targets[(row.chosen_id, row.indicator_id)] = row
    versions = list(progress.latest_published_versions([item["pledge"].pk for item in items]))
    series = progress.series_by_indicator(versions)
    # The means are the city's current declaration (pledges.monitoring.progress: what is public).
    live_means = {row.chosen_id: row for row in MeansOfImplementation.objects.filter(chosen__in=chosen)}
    today = local_today(municipality)
    currency_default = currency_of(municipality)
    for item in items:
        pledge = item["pledge"]
        blocks = []
        for pc in item["chosen"]:
            block = CommitmentMonitoring(chosen=pc)
            for indicator in indicators:
                if indicator.commitment_id != pc.commitment_id:
                    continue
                target = targets.get((pc.pk, indicator.pk))
                points = series.get((pledge.pk, indicator.pk), [])
                if target is None and not points:
                    block.not_reported.append(indicator)
                    continue
                currency = (target.currency if target else "") or currency_default
                state = progress.on_track(target, points, today)
                view = IndicatorView(indicator, target, points, currency, state)
                view.chart = indicator_chart(
                    slug=f"indicator-{pledge.pk}-{indicator.pk}",
                    indicator=indicator,
                    series=points,
                    target=target,
                    currency=currency,
                    on_track=state,
                )
                last = progress.latest(points)
                view.latest_text = format_value(last.value, indicator.kind, currency=currency) if last else ""
                view.latest_label = last.label if last else ""
                if target is not None:
                    view.baseline_text = format_value(target.baseline_value, indicator.kind, currency=currency)
                    view.target_text = format_value(target.target_value, indicator.kind, currency=currency)
                block.indicators.append(view)
            means = _live_means(live_means[pc.pk]) if pc.pk in live_means else None
            block.means = _means_display(means) if means else None
            if not block.is_empty:
                blocks.append(block)
        item["monitoring"] = blocks

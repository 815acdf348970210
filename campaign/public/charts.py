"""Accessible SVG charts drawn on the server, and the tables behind them.

Each builder returns a ``Chart``: the SVG (role="img", a <title> and a <desc> named by
aria-labelledby, text labels on every bar, and fill patterns so that colour is never the
only cue), plus the columns and rows of the table that follows it on the page and of its
CSV download. Every text that goes into the SVG is escaped here.

Right to left (Arabic pages, ``get_language_bidi()``): each chart is drawn mirrored, as its
page is. The builders place everything in left-to-right coordinates and pass each x through
``Mirror``; the SVG says ``direction="rtl"``, so that a text's "start" and "end" anchors
turn with it. Bars grow from the right, labels and totals sit at their right, the legend
reads from the right, and time runs from right to left under a value axis on the right. A
chart is built per request in the visitor's language (the finished page is cached per
language: campaign/public/cache.py), so an Arabic page always gets the mirrored ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from math import ceil
from typing import Any, TypeAlias

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi, pgettext
from django.utils.translation import gettext as _

from accounts.place_names import country_label
from campaign.public import dashboard
from campaign.public.dashboard import REPORTING_STATES
from pledges.models import ProgressUpdate

WIDTH = 760
HALF_WIDTH = 500
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'
FONT_SIZE = 14
# There are no font metrics on the server: a text is taken to be as wide as its characters
# times this share of the font size, a generous average for the sans-serifs above (bold
# figures, such as the values at the bars' ends, are wider).
CHAR_EM = 0.6
BOLD_CHAR_EM = 0.7
TEAL = "#0b5d6b"


class Percent(float):
    """A share in per cent: shown as "12%" in the table, written as 12.0 in the CSV."""


# A cell of a chart's table (bool and Percent included, as int and float), and of its CSV.
Cell: TypeAlias = str | int | float | date
CsvCell: TypeAlias = str | int | float


@dataclass
class Series:
    key: str
    label: str
    fill: str
    pattern: str  # "solid", "hatch", "dots", "cross", "grid"
    text: str = "#fff"


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    svg: SafeString
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    csv_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return f"chart-{self.slug}"

    @property
    def display_rows(self) -> list[list[str]]:
        return [[format_cell(cell) for cell in row] for row in self.rows]

    @property
    def csv_rows(self) -> list[list[CsvCell]]:
        return [[csv_cell(cell) for cell in row] for row in self.rows]


@dataclass(frozen=True)
class Mirror:
    """Left-to-right x coordinates, turned for a right-to-left chart of ``width``."""

    width: float
    rtl: bool

    def x(self, x: float, w: float = 0) -> float:
        """Where a shape that starts at ``x`` (``w`` wide) goes: the same, or mirrored."""
        return self.width - x - w if self.rtl else x


def _is_rtl(rtl: bool | None) -> bool:
    return get_language_bidi() if rtl is None else rtl


def _n(value: float) -> str:
    """A coordinate as the SVG writes it: no trailing ".0"."""
    return f"{value:.1f}".removesuffix(".0")


def fmt_int(value: int) -> str:
    return formats.number_format(value, decimal_pos=0, force_grouping=True)


def fmt_pct(value: float) -> str:
    return _("%(value)s%%") % {"value": formats.number_format(round(value), decimal_pos=0)}


def format_cell(cell: Cell) -> str:
    if isinstance(cell, Percent):
        return fmt_pct(cell)
    if isinstance(cell, bool):
        return _("yes") if cell else _("no")
    if isinstance(cell, int):
        return fmt_int(cell)
    if isinstance(cell, date):
        return formats.date_format(cell, "DATE_FORMAT")
    return str(cell)


def csv_cell(cell: Cell) -> CsvCell:
    if isinstance(cell, Percent):
        return round(cell, 1)
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


def _text_width(text: str, font_size: int = FONT_SIZE, *, bold: bool = False) -> float:
    """About how wide the text is drawn, in the SVG's units."""
    return len(str(text)) * font_size * (BOLD_CHAR_EM if bold else CHAR_EM)


def _fit(text: str, space: float, font_size: int = FONT_SIZE) -> str:
    """The text as it is if it fits in ``space``; else cut, with "…", to what fits."""
    text = str(text)
    if _text_width(text, font_size) <= space:
        return text
    length = max(1, int(space // (font_size * CHAR_EM)))
    return text[: length - 1].rstrip() + "…"


def _bar_label(text: str, *, y: float, space: float, mirror: Mirror) -> str:
    """A bar's label on the line above it, from its start. When it has to be cut, the whole
    label goes into a <title> of the bar's group, shown on hover (the table has it too)."""
    shown = _fit(text, space)
    title = f"<title>{escape(text)}</title>" if shown != str(text) else ""
    return f'{title}<text x="{_n(mirror.x(0))}" y="{y}" fill="#222">{escape(shown)}</text>'


def _svg_open(
    dom_id: str, height: int, title: str, description: str, *, width: int = WIDTH, rtl: bool = False
) -> list[str]:
    direction = ' direction="rtl"' if rtl else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{dom_id}-title {dom_id}-desc" {FONT} font-size="{FONT_SIZE}"'
        f"{direction}>",
        f'<title id="{dom_id}-title">{escape(title)}</title>',
        f'<desc id="{dom_id}-desc">{escape(description)}</desc>',
    ]


def _pattern_defs(dom_id: str, series: list[Series]) -> str:
    """One <pattern> per series: the same colour, with a texture that tells them apart."""
    parts = ["<defs>"]
    for s in series:
        pid = f"{dom_id}-p-{s.key}"
        ink = "rgba(255,255,255,.55)" if s.text == "#fff" else "rgba(0,0,0,.35)"
        shapes = {
            "solid": "",
            "hatch": f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{ink}" stroke-width="2"/>',
            "dots": f'<circle cx="4" cy="4" r="1.6" fill="{ink}"/>',
            "cross": f'<path d="M0,0 L8,8 M8,0 L0,8" stroke="{ink}" stroke-width="1.5"/>',
            "grid": f'<path d="M4,0 V8 M0,4 H8" stroke="{ink}" stroke-width="1.5"/>',
        }[s.pattern]
        parts.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{s.fill}"/>{shapes}</pattern>'
        )
    parts.append("</defs>")
    return "".join(parts)


def _legend(dom_id: str, series: list[Series], y: int, mirror: Mirror) -> tuple[str, int]:
    """Swatches with their names, wrapping onto several lines; returns the SVG and its height."""
    parts, x, line = [], 0, 0
    for s in series:
        width = 30 + int(len(s.label) * 8.6)
        if x and x + width > WIDTH:
            x, line = 0, line + 1
        top = y + line * 24
        parts.append(
            f'<rect x="{_n(mirror.x(x, 18))}" y="{top}" width="18" height="18" rx="3" '
            f'fill="url(#{dom_id}-p-{s.key})" stroke="#333" stroke-width=".6"/>'
            f'<text x="{_n(mirror.x(x + 24))}" y="{top + 14}" fill="#222">{escape(s.label)}</text>'
        )
        x += width + 16
    return "".join(parts), (line + 1) * 24


# --- builders ---------------------------------------------------------------------------


def hbar_chart(
    *,
    slug: str,
    title: str,
    description: str,
    items: list[tuple[str, int]],
    columns: list[str],
    rows: list[list[Cell]],
    width: int = WIDTH,
    rtl: bool | None = None,
) -> Chart:
    """Horizontal bars, one per item, the label above each bar and the value at its end.
    Give a smaller ``width`` for a chart in half a column, so that its text keeps its size.
    Each label has the whole line above its bar, so it is cut only if longer than the chart.
    ``rtl`` (default: the active language's direction) mirrors it."""
    dom_id = f"chart-{slug}"
    rtl = _is_rtl(rtl)
    m = Mirror(width, rtl)
    row_h = 42
    height = max(1, len(items)) * row_h + 8
    top = max((v for _label, v in items), default=0) or 1
    value_gap = 6
    value_space = value_gap + max((_text_width(fmt_int(v), bold=True) for _label, v in items), default=0)
    plot = width - max(60, ceil(value_space))  # the longest bar leaves room for its value
    parts = _svg_open(dom_id, height, title, description, width=width, rtl=rtl)
    for i, (label, value) in enumerate(items):
        y = i * row_h
        bar_width = round(plot * value / top)
        drawn = max(bar_width, 2 if value else 0)
        parts.append(
            f"<g>{_bar_label(label, y=y + 15, space=width, mirror=m)}"
            f'<rect x="{_n(m.x(0, plot))}" y="{y + 21}" width="{plot}" height="16" fill="#eef1f3"/>'
            f'<rect x="{_n(m.x(0, drawn))}" y="{y + 21}" width="{drawn}" height="16" fill="{TEAL}"/>'
            f'<text x="{_n(m.x(bar_width + value_gap))}" y="{y + 34}" fill="#222" font-weight="600">'
            f"{escape(fmt_int(value))}</text></g>"
        )
    if not items:
        parts.append(f'<text x="{_n(m.x(0))}" y="20" fill="#555">{escape(_("No data yet."))}</text>')
    parts.append("</svg>")
    return Chart(slug, title, description, mark_safe("".join(parts)), columns, rows)  # noqa: S308 - escaped above


def stacked_chart(
    *,
    slug: str,
    title: str,
    description: str,
    series: list[Series],
    items: list[tuple[str, dict[str, int]]],
    columns: list[str],
    rows: list[list[Cell]],
    note: str = "",
    empty_label: str = "",
    rtl: bool | None = None,
) -> Chart:
    """100% stacked horizontal bars: each segment shows its count, the total at the end.
    Each label has the whole line above its bar, so it is cut only if longer than the chart.
    ``rtl`` (default: the active language's direction) mirrors it."""
    dom_id = f"chart-{slug}"
    rtl = _is_rtl(rtl)
    m = Mirror(WIDTH, rtl)
    legend, legend_h = _legend(dom_id, series, 4, m)
    row_h = 50
    top = legend_h + 14
    height = top + max(1, len(items)) * row_h + 4
    totals = [sum(counts.get(s.key, 0) for s in series) for _label, counts in items]
    total_texts = [fmt_int(total) if total else (empty_label or _("none")) for total in totals]
    total_gap = 8
    total_space = total_gap + max((_text_width(text, bold=True) for text in total_texts), default=0)
    plot = WIDTH - max(90, ceil(total_space))  # the bars leave room for the longest total
    parts = _svg_open(dom_id, height, title, description, rtl=rtl)
    parts.append(_pattern_defs(dom_id, series))
    parts.append(legend)
    for i, ((label, counts), total, total_text) in enumerate(zip(items, totals, total_texts, strict=True)):
        y = top + i * row_h
        parts.append(f"<g>{_bar_label(label, y=y + 15, space=WIDTH, mirror=m)}")
        parts.append(
            f'<rect x="{_n(m.x(0, plot))}" y="{y + 21}" width="{plot}" height="22" fill="#f4f6f7" stroke="#ccc"/>'
        )
        x = 0.0
        for s in series:
            n = counts.get(s.key, 0)
            if not n or not total:
                continue
            w = plot * n / total
            parts.append(
                f'<rect x="{m.x(x, w):.1f}" y="{y + 21}" width="{w:.1f}" height="22" fill="url(#{dom_id}-p-{s.key})" '
                f'stroke="#fff" stroke-width="1"><title>{escape(s.label)}: {escape(fmt_int(n))}</title></rect>'
            )
            text = fmt_int(n)
            if w >= 10 + 8 * len(text):
                parts.append(
                    f'<text x="{m.x(x + w / 2):.1f}" y="{y + 37}" text-anchor="middle" fill="{s.text}" '
                    f'font-weight="700" paint-order="stroke" stroke="{s.fill}" stroke-width="3">{escape(text)}</text>'
                )
            x += w
        parts.append(
            f'<text x="{_n(m.x(plot + total_gap))}" y="{y + 37}" fill="#222" font-weight="600">'
            f"{escape(total_text)}</text></g>"
        )
    if not items:
        parts.append(f'<text x="{_n(m.x(0))}" y="{top + 16}" fill="#555">{escape(_("No data yet."))}</text>')
    parts.append("</svg>")
    return Chart(slug, title, description, mark_safe("".join(parts)), columns, rows, note=note)  # noqa: S308


def column_chart(
    *,
    slug: str,
    title: str,
    description: str,
    items: list[tuple[str, int]],
    columns: list[str],
    rows: list[list[Cell]],
    rtl: bool | None = None,
) -> Chart:
    """Vertical columns over time with a value axis; labels thinned out when there are many.
    ``rtl`` (default: the active language's direction) mirrors it: time runs leftwards."""
    dom_id = f"chart-{slug}"
    rtl = _is_rtl(rtl)
    m = Mirror(WIDTH, rtl)
    height, left, bottom, top_pad = 300, 56, 40, 24
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top_pad
    top = max((v for _label, v in items), default=0) or 1
    step = _nice_step(top)
    axis_top = ((top + step - 1) // step) * step
    parts = _svg_open(dom_id, height, title, description, rtl=rtl)
    for tick in range(0, axis_top + 1, step):
        y = top_pad + plot_h - plot_h * tick / axis_top
        parts.append(
            f'<line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH))}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde2e5"/>'
            f'<text x="{_n(m.x(left - 8))}" y="{y + 5:.1f}" text-anchor="end" fill="#555" font-size="12">'
            f"{escape(fmt_int(tick))}</text>"
        )
    n = max(1, len(items))
    slot = plot_w / n
    # At most about twelve month labels, and never closer than the widest of them needs
    # (month names are longer in some languages: "سبتمبر 2024", "sept. 2024").
    # The last label ends at the chart's edge rather than centred under its column: half a
    # label more between it and the one before.
    widest = max((_text_width(label, 12) for label, _value in items), default=0)
    every = max(1, -(-n // 12), ceil((widest * (1.5 if n > 6 else 1) + 8) / slot))
    for i, (label, value) in enumerate(items):
        x = left + i * slot
        h = plot_h * value / axis_top
        y = top_pad + plot_h - h
        parts.append(
            f'<rect x="{m.x(x + slot * 0.12, slot * 0.76):.1f}" y="{y:.1f}" width="{slot * 0.76:.1f}" '
            f'height="{h:.1f}" fill="{TEAL}">'
            f"<title>{escape(label)}: {escape(fmt_int(value))}</title></rect>"
        )
        if (len(items) - 1 - i) % every == 0:
            last = i == len(items) - 1 and n > 6
            anchor, tx = ("end", x + slot) if last else ("middle", x + slot / 2)
            parts.append(
                f'<text x="{m.x(tx):.1f}" y="{height - bottom + 18}" text-anchor="{anchor}" fill="#333" '
                f'font-size="12">{escape(label)}</text>'
            )
            if value:
                parts.append(
                    f'<text x="{m.x(x + slot / 2):.1f}" y="{y - 6:.1f}" text-anchor="middle" fill="#222" '
                    f'font-size="12" font-weight="600">{escape(fmt_int(value))}</text>'
                )
    parts.append(
        f'<line x1="{_n(m.x(left))}" x2="{_n(m.x(WIDTH))}" y1="{top_pad + plot_h}" y2="{top_pad + plot_h}" '
        f'stroke="#555"/>'
    )
    if not items:
        parts.append(f'<text x="{_n(m.x(left + 8))}" y="{top_pad + 20}" fill="#555">{escape(_("No data yet."))}</text>')
    parts.append("</svg>")
    return Chart(slug, title, description, mark_safe("".join(parts)), columns, rows)  # noqa: S308


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top / step <= 5:
            return step
    # int ** int is Any to mypy (a negative power would be a float); this one is an int.
    fallback: int = 10 ** len(str(top // 5))
    return fallback


# --- the dashboard's charts -------------------------------------------------------------

REPORTING_SERIES = [
    ("on_time", "#1a7f37", "solid", "#fff"),
    ("late", "#f0a030", "hatch", "#222"),
    ("missing", "#b42318", "cross", "#fff"),
    ("awaited", "#c9ced6", "dots", "#222"),
]
PROGRESS_SERIES = [
    ("not_started", "#d5d9de", "grid", "#222"),
    ("planned", "#9cc7e4", "dots", "#222"),
    ("in_progress", TEAL, "hatch", "#fff"),
    ("achieved", "#1a7f37", "solid", "#fff"),
]
CHART_SLUGS = ("signatures", "continents", "countries", "commitments", "reporting", "progress")


def _commitment_label(row: dict[str, Any]) -> str:
    label = f"{row['code']} · {row['title']}"
    return f"{label} ({_('required')})" if row["is_required"] else label


def _period_label(row: dict[str, Any]) -> str:
    return _("%(period)s · due %(date)s") % {
        "period": row["label"],
        "date": formats.date_format(row["due"], "DATE_FORMAT"),
    }


def dashboard_charts(data: dict[str, Any]) -> dict[str, Chart]:
    """The six charts of the dashboard, by slug, from dashboard.dashboard_data()."""

    charts: dict[str, Chart] = {}
    total = data["signatories"]

    # signatures over time
    months = [(formats.date_format(r["month"], "M Y"), r["total"]) for r in data["timeline"]]
    last = data["timeline"][-1]["total"] if data["timeline"] else 0
    charts["signatures"] = column_chart(
        slug="signatures",
        title=_("Signatures over time"),
        description=_("Cumulative number of verified signatories at the end of each month: %(n)s now.")
        % {"n": fmt_int(last)},
        items=months,
        columns=[_("Month"), _("New signatories"), _("Signatories in total")],
        rows=[[formats.date_format(r["month"], "YEAR_MONTH_FORMAT"), r["new"], r["total"]] for r in data["timeline"]],
    )

    # by continent
    continent_rows = [
        [dashboard.continent_name(r["code"]), r["signatories"], Percent(100 * r["signatories"] / total)]
        for r in data["by_continent"]
    ]
    charts["continents"] = hbar_chart(
        slug="continents",
        title=_("Signatories by continent"),
        description=", ".join(f"{row[0]}: {fmt_int(row[1])}" for row in continent_rows) or _("No data yet."),
        items=[(row[0], row[1]) for row in continent_rows],
        columns=[_("Continent"), _("Signatories"), _("Share")],
        rows=continent_rows,
        width=HALF_WIDTH,
    )

    # by country: the top 15 and the others together
    countries = data["by_country"]
    top, rest = countries[: dashboard.TOP_COUNTRIES], countries[dashboard.TOP_COUNTRIES :]
    country_rows = [[country_label(r["code"]), r["signatories"], Percent(100 * r["signatories"] / total)] for r in top]
    if rest:
        n_rest = sum(r["signatories"] for r in rest)
        country_rows.append(
            [
                _("Other countries (%(n)s)") % {"n": fmt_int(len(rest))},
                n_rest,
                Percent(100 * n_rest / total),
            ]
        )
    charts["countries"] = hbar_chart(
        slug="countries",
        title=_("Signatories by country"),
        description=_("The %(n)s countries with the most signatories, then all the others together.")
        % {"n": dashboard.TOP_COUNTRIES},
        items=[(row[0], row[1]) for row in country_rows],
        columns=[_("Country"), _("Signatories"), _("Share")],
        rows=country_rows,
        width=HALF_WIDTH,
    )

    # commitments taken
    commitment_rows = [
        [
            f"{r['code']} · {r['title']}",
            r["is_required"],
            r["signatories"],
            Percent(100 * r["signatories"] / total if total else 0),
        ]
        for r in data["commitments"]
    ]
    charts["commitments"] = hbar_chart(
        slug="commitments",
        title=_("Signatories who took on each commitment"),
        description=_(
            "How many of the %(n)s signatories took on each commitment; required commitments are taken on by all."
        )
        % {"n": fmt_int(total)},
        items=[(_commitment_label(r), r["signatories"]) for r in data["commitments"]],
        columns=[_("Commitment"), _("Required"), _("Signatories"), _("Share of signatories")],
        rows=commitment_rows,
    )

    # reporting on time

    rep_series = [
        Series(key, str(REPORTING_STATES[key]), fill, pattern, text) for key, fill, pattern, text in REPORTING_SERIES
    ]
    reporting_rows = []
    for r in data["reporting"]:
        counts = r["counts"]
        n = sum(counts.values())
        row = [r["label"], r["due"]]
        for s in rep_series:
            row += [counts[s.key], Percent(100 * counts[s.key] / n if n else 0)]
        reporting_rows.append(row)
    rep_columns = [_("Period"), _("Due")]
    for s in rep_series:
        rep_columns += [s.label, _("%(state)s (share)") % {"state": s.label}]
    charts["reporting"] = stacked_chart(
        slug="reporting",
        title=_("Reports on time, late and missing, per period"),
        description=_(
            "For each reporting period that has opened, how many signatories reported on time, late, not at all "
            "after the due date, or not yet while the period is open."
        ),
        series=rep_series,
        items=[(_period_label(r), r["counts"]) for r in data["reporting"]],
        columns=rep_columns,
        rows=reporting_rows,
        note=_("A period that was already due when a city joined is not counted for that city."),
    )

    # progress per commitment
    labels = dict(ProgressUpdate.Status.choices)
    prog_series = [Series(key, str(labels[key]), fill, pattern, text) for key, fill, pattern, text in PROGRESS_SERIES]
    progress_rows = []
    for r in data["progress"]:
        n = sum(r["counts"].values())
        row = [f"{r['code']} · {r['title']}"]
        for s in prog_series:
            row += [r["counts"][s.key], Percent(100 * r["counts"][s.key] / n if n else 0)]
        progress_rows.append(row)
    prog_columns = [_("Commitment")]
    for s in prog_series:
        prog_columns += [s.label, _("%(state)s (share)") % {"state": s.label}]
    charts["progress"] = stacked_chart(
        slug="progress",
        title=_("Progress on each commitment"),
        description=_(
            "Where the signatories stand on each commitment according to their most recent published report "
            "(%(n)s reports)."
        )
        % {"n": fmt_int(data["progress_reports"])},
        series=prog_series,
        items=[(_commitment_label(r), r["counts"]) for r in data["progress"]],
        columns=prog_columns,
        rows=progress_rows,
        empty_label=_("no report yet"),
        note=pgettext(
            "dashboard",
            "Only submitted reports count, in their latest published version; drafts never do.",
        ),
    )
    return charts

"""Open data of monitoring: the indicator catalogue, the means of implementation, the
baselines and targets, and the values the cities reported, for the API (api.py) and the
downloads at /data/ (opendata_views.py) alike.

What is public, on top of campaign/public/opendata.py's rules (public campaigns, public
pledges):

- the **catalogue**: the indicators of the commitments of public campaigns; a city's own
  indicator appears only with its public pledge (the city has a public pledge in the
  campaign and chose the indicator's commitment);
- the **means of implementation** and the **baselines and targets** of public pledges'
  chosen commitments, read live (they belong to the pledge, as its targets do);
- the **values**: read from the frozen content of the latest *published* version of each
  report (``pledges.rules.latest_published_versions``; the snapshot format is
  pledges/services.report_snapshot's), never from live ``IndicatorValue`` rows, which a draft
  may be changing. A version waiting for review is not published: its values do not show.

Units: an amount of money is in a currency, which is the value's unit (the ISO 4217 code of
the target set for it, else of the report's budget, else of the city's country); a
percentage's unit is "%"; a count's is the indicator's unit (people, hours...); a yes/no
value is 1 for yes and 0 for no, with no unit. Numbers are written plainly, with a point as
the decimal mark and no trailing zeros ("1234.5"), as strings in JSON so that no decimal is lost.

Queries: the catalogue, means and targets are one query per page or per chunk (select_related);
the values are three queries whatever their number (the versions, the catalogue, the targets'
currencies). The API's pages of values (``ValueRecords``) count every value but build the
records of the page only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, overload

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_of
from accounts.models import Municipality
from accounts.place_names import currency_of, data_country_name
from campaign.models import Campaign
from campaign.public import opendata
from pledges import rules
from pledges.models import PledgeCommitment, ReportVersion
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LANGUAGE_CODES = opendata.LANGUAGE_CODES
PARTNER_KINDS = tuple(MeansOfImplementation.PartnerKind.values)
SUPPORT_KINDS = tuple(MeansOfImplementation.SupportKind.values)
KINDS = tuple(Indicator.Kind.values)


# --- numbers and units --------------------------------------------------------------------------


def plain_number(value: Any) -> str | None:
    """A number as open data writes it: "1234.5", "12", "0.25"; None when it is none or not a
    number (a snapshot's value is a string, a model's a Decimal)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return format(number, "f")


def unit_of(kind: str, unit: str, currency: str) -> str:
    """The unit a value is given in: the currency for an amount, "%" for a percentage, the
    indicator's own unit for a count, none for yes/no."""
    if kind == Indicator.Kind.AMOUNT:
        return currency
    if kind == Indicator.Kind.PERCENTAGE:
        return "%"
    if kind == Indicator.Kind.YES_NO:
        return ""
    return unit


def _municipality(m: Municipality) -> dict[str, Any]:
    return opendata.municipality_record(m)


def _municipality_of(v: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The municipality record from a values() row whose municipality fields start with prefix."""
    country = v[f"{prefix}country"]
    return {
        "id": v[f"{prefix}id"],
        "name": v[f"{prefix}name"],
        "slug": v[f"{prefix}slug"],
        "country": country,
        "country_name": data_country_name(country),
        "continent": continent_of(country),
        "geonames_id": v[f"{prefix}geonames_id"],
        "latitude": v[f"{prefix}latitude"],
        "longitude": v[f"{prefix}longitude"],
        "population": v[f"{prefix}population"],
        "kind": v[f"{prefix}kind"],
    }


MUNICIPALITY_FIELDS = ("id", "name", "slug", "country", "geonames_id", "latitude", "longitude", "population", "kind")


# --- the catalogue --------------------------------------------------------------------------------


def indicators_queryset() -> QuerySet[Indicator]:
    """The public catalogue: the campaigns' indicators of public campaigns, and the cities' own
    indicators of commitments they chose in a public pledge. One query."""
    shown_with_pledge = PledgeCommitment.objects.filter(
        pledge__in=opendata.public_pledges(),
        pledge__municipality=OuterRef("municipality"),
        commitment=OuterRef("commitment"),
    )
    return (
        Indicator.objects.filter(commitment__campaign__in=opendata.public_campaigns())
        .annotate(shown_with_pledge=Exists(shown_with_pledge))
        .filter(Q(municipality__isnull=True) | Q(shown_with_pledge=True))
        .select_related("commitment__campaign", "municipality")
        .order_by(
            "commitment__campaign__slug",
            "commitment__order",
            "commitment__code",
            F("municipality_id").asc(nulls_first=True),
            "order",
            "code",
            "pk",
        )
    )


def _text(indicator: Indicator, field: str, language: str) -> str:
    return str(getattr(indicator, f"{field}_{language}", "") or "")


def indicator_record(indicator: Indicator, *, translations: bool = True) -> dict[str, Any]:
    """One indicator of the catalogue: its texts in the active language (English when not
    translated) and, with ``translations``, in every site language (empty when missing)."""
    commitment = indicator.commitment
    city = indicator.municipality
    record: dict[str, Any] = {
        "id": indicator.pk,
        "campaign": commitment.campaign.slug,
        "commitment": commitment.code,
        "commitment_id": commitment.pk,
        "code": indicator.code,
        "name": indicator.name or "",
        "guidance": indicator.guidance or "",
        "unit": indicator.unit or "",
        "kind": indicator.kind,
        "higher_is_better": indicator.higher_is_better,
        "gcm_objectives": list(indicator.gcm_objectives or []),
        "sdg_targets": [str(t) for t in indicator.sdg_targets or []],
        "order": indicator.order,
        "own": city is not None,
        "municipality": None if city is None else {"id": city.pk, "name": city.name, "slug": city.slug},
        "language": indicator.language or None,
    }
    if translations:
        record["translations"] = {
            code: {field: _text(indicator, field, code) for field in ("name", "guidance", "unit")}
            for code in LANGUAGE_CODES
        }
    return record


# --- means of implementation --------------------------------------------------------------------


def means_queryset() -> QuerySet[MeansOfImplementation]:
    """The means of public pledges' chosen commitments. One query."""
    return (
        MeansOfImplementation.objects.filter(chosen__pledge__in=opendata.public_pledges())
        .select_related("chosen__pledge__campaign", "chosen__pledge__municipality", "chosen__commitment")
        .order_by(
            "chosen__pledge__municipality__name",
            "chosen__pledge__campaign__slug",
            "chosen__commitment__order",
            "chosen__commitment__code",
            "pk",
        )
    )


def _partners(value: Any) -> dict[str, list[str]]:
    given = value if isinstance(value, dict) else {}
    return {kind: [str(name).strip() for name in given.get(kind) or [] if str(name).strip()] for kind in PARTNER_KINDS}


def _support(value: Any) -> list[str]:
    given = value if isinstance(value, list) else []
    return [kind for kind in SUPPORT_KINDS if kind in given]


def means_record(means: MeansOfImplementation, *, translations: bool = False) -> dict[str, Any]:
    chosen = means.chosen
    pledge = chosen.pledge
    return {
        "id": means.pk,
        "pledge": pledge.pk,
        "campaign": pledge.campaign.slug,
        "municipality": _municipality(pledge.municipality),
        "commitment": chosen.commitment.code,
        "commitment_id": chosen.commitment_id,
        "budget_amount": plain_number(means.budget_amount),
        "budget_currency": means.budget_currency or "",
        "staff_fte": plain_number(means.staff_fte),
        "lead_department": means.lead_department or "",
        "partners": _partners(means.partners),
        "support_needed": _support(means.support_needed),
        "support_details": means.support_details or "",
        "updated_at": opendata._iso(means.updated_at),
    }


# --- baselines and targets ----------------------------------------------------------------------


def targets_queryset() -> QuerySet[IndicatorTarget]:
    """The baselines and targets of public pledges' chosen commitments, for indicators of that
    commitment (the campaign's, or the city's own). One query."""
    return (
        IndicatorTarget.objects.filter(
            chosen__pledge__in=opendata.public_pledges(),
            indicator__commitment=F("chosen__commitment"),
        )
        .filter(Q(indicator__municipality__isnull=True) | Q(indicator__municipality=F("chosen__pledge__municipality")))
        .select_related("chosen__pledge__campaign", "chosen__pledge__municipality", "chosen__commitment", "indicator")
        .order_by(
            "chosen__pledge__municipality__name",
            "chosen__pledge__campaign__slug",
            "chosen__commitment__order",
            "chosen__commitment__code",
            "indicator__order",
            "indicator__code",
            "pk",
        )
    )


def target_record(target: IndicatorTarget, *, translations: bool = False) -> dict[str, Any]:
    chosen, indicator = target.chosen, target.indicator
    pledge = chosen.pledge
    currency = target.currency or currency_of(pledge.municipality)
    return {
        "id": target.pk,
        "pledge": pledge.pk,
        "campaign": pledge.campaign.slug,
        "municipality": _municipality(pledge.municipality),
        "commitment": chosen.commitment.code,
        "commitment_id": chosen.commitment_id,
        "indicator_id": indicator.pk,
        "indicator": indicator.code,
        "kind": indicator.kind,
        "baseline_value": plain_number(target.baseline_value),
        "baseline_year": target.baseline_year,
        "target_value": plain_number(target.target_value),
        "target_date": opendata._iso(target.target_date),
        "unit": unit_of(indicator.kind, indicator.unit or "", currency),
    }


# --- one signatory's monitoring (the API's signatory detail) -------------------------------------

MEANS_KEYS = (
    "budget_amount",
    "budget_currency",
    "staff_fte",
    "lead_department",
    "partners",
    "support_needed",
    "support_details",
    "updated_at",
)
TARGET_KEYS = (
    "indicator_id",
    "indicator",
    "kind",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_date",
    "unit",
)


def monitoring_of(pledge_id: int) -> list[dict[str, Any]]:
    """Per chosen commitment of one public pledge, in the campaign's order: its means (or None)
    and its baselines and targets. Two queries."""
    chosen = list(
        PledgeCommitment.objects.filter(pledge_id=pledge_id)
        .select_related("commitment", "means", "pledge__campaign", "pledge__municipality")
        .order_by("commitment__order", "commitment__code", "pk")
    )
    targets: dict[int, list[dict[str, Any]]] = {}
    for target in targets_queryset().filter(chosen__pledge_id=pledge_id):
        record = target_record(target)
        targets.setdefault(target.chosen_id, []).append({key: record[key] for key in TARGET_KEYS})
    found = []
    for pc in chosen:
        means = getattr(pc, "means", None)
        if means is not None:
            means.chosen = pc  # already loaded: no query
            record = means_record(means)
        found.append(
            {
                "commitment": pc.commitment.code,
                "commitment_id": pc.commitment_id,
                "means": None if means is None else {key: record[key] for key in MEANS_KEYS},
                "targets": targets.get(pc.pk, []),
            }
        )
    return found


# --- values ---------------------------------------------------------------------------------------

VERSION_VALUES = (
    "report_id",
    "number",
    "content",
    "report__pledge_id",
    "report__pledge__campaign__slug",
    *(f"report__pledge__municipality__{field}" for field in MUNICIPALITY_FIELDS),
    "report__period_id",
    "report__period__label",
    "report__period__due",
)


def value_versions(campaign: Campaign | None = None) -> QuerySet[ReportVersion]:
    """The latest published version of each report of a public pledge (of the campaign), in
    the order of the long table: period, municipality, campaign."""
    versions = rules.latest_published_versions().filter(report__pledge__in=opendata.public_pledges())
    return opendata.for_campaign(versions, campaign, "report__pledge__campaign").order_by(
        "report__period__due", "report__pledge__municipality__name", "report__pledge__campaign__slug", "report_id"
    )


class _ValueReader:
    """What the values of the versions are read with: the public catalogue and the targets'
    currencies (two queries, when made), and the filters on the values themselves."""

    def __init__(self, *, indicator_id: int | None = None, commitment: str | None = None) -> None:
        self.catalogue = {
            i["pk"]: i for i in indicators_queryset().values("pk", "code", "kind", "unit", "commitment__code")
        }
        self.currencies = {
            (pledge_id, ind): currency
            for pledge_id, ind, currency in IndicatorTarget.objects.filter(chosen__pledge__in=opendata.public_pledges())
            .exclude(currency="")
            .values_list("chosen__pledge_id", "indicator_id", "currency")
        }
        self.indicator_id = indicator_id
        self.wanted_code = (commitment or "").strip().upper() or None

    def entries(self, v: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, int, str, Mapping[str, Any]]]:
        """(update, commitment code, indicator id, value, catalogue entry) of each value of one
        version (a ``VERSION_VALUES`` row) that is a record: the one rule of which are."""
        for update in (v["content"] or {}).get("updates") or []:
            code = str(update.get("code") or "")
            if self.wanted_code is not None and code.upper() != self.wanted_code:
                continue
            for entry in update.get("indicators") or []:
                ind = entry.get("indicator_id") if isinstance(entry, dict) else None
                value = plain_number(entry.get("value")) if isinstance(entry, dict) else None
                if not isinstance(ind, int) or value is None:
                    continue
                if self.indicator_id is not None and ind != self.indicator_id:
                    continue
                known = self.catalogue.get(ind)
                if known is None:  # no longer in the public catalogue (a city's own, removed)
                    continue
                yield update, code, ind, value, known

    def records(self, v: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """The records of one version's values, in order."""
        municipality: dict[str, Any] | None = None
        pledge_id = v["report__pledge_id"]
        for update, code, ind, value, known in self.entries(v):
            means = update.get("means") if isinstance(update.get("means"), dict) else {}
            if municipality is None:
                municipality = _municipality_of(v, "report__pledge__municipality__")
            kind = known["kind"]
            currency = (
                self.currencies.get((pledge_id, ind))
                or str((means or {}).get("budget_currency") or "")
                or currency_of_country(municipality["country"])
            )
            yield {
                "campaign": v["report__pledge__campaign__slug"],
                "pledge": pledge_id,
                "municipality": municipality,
                "commitment": code,
                "commitment_id": update.get("commitment_id"),
                "indicator_id": ind,
                "indicator": known["code"],
                "kind": kind,
                "period": {
                    "id": v["report__period_id"],
                    "label": str(v["report__period__label"] or ""),
                    "due": opendata._iso(v["report__period__due"]),
                },
                "value": value,
                "unit": unit_of(kind, str(known["unit"] or ""), currency),
                "report": v["report_id"],
                "version": v["number"],
            }


def value_records(
    versions: QuerySet[ReportVersion],
    *,
    indicator_id: int | None = None,
    commitment: str | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per value of these versions (see ``value_versions``), period by period:
    three queries whatever their number (the versions are read in chunks, as values). A
    value whose indicator is no longer in the public catalogue (a city's own, since removed)
    is left out: every value's indicator_id is found in indicators.csv."""
    reader = _ValueReader(indicator_id=indicator_id, commitment=commitment)
    for v in versions.values(*VERSION_VALUES).iterator(chunk_size=2000):
        yield from reader.records(v)


class ValueRecords(Sequence[dict[str, Any]]):
    """The records of ``value_records``, in the same order, as a sequence a paginator can
    count and slice without building them all: the same three queries, made at once; every
    version's values are counted, and records are built only for the slice asked for (the
    versions it covers). For the API's pages."""

    def __init__(
        self, versions: QuerySet[ReportVersion], *, indicator_id: int | None = None, commitment: str | None = None
    ) -> None:
        self._reader = _ValueReader(indicator_id=indicator_id, commitment=commitment)
        self._versions: list[tuple[int, dict[str, Any]]] = []  # (index of its first record, row)
        count = 0
        for v in versions.values(*VERSION_VALUES).iterator(chunk_size=2000):
            n = sum(1 for _ in self._reader.entries(v))
            if n:
                self._versions.append((count, v))
                count += n
        self._count = count

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, int):
            position = index + self._count if index < 0 else index
            if not 0 <= position < self._count:
                raise IndexError(index)
            return self[position : position + 1][0]
        start, stop, step = index.indices(self._count)
        if step != 1:
            return list(self)[index]
        found: list[dict[str, Any]] = []
        if start >= stop:
            return found
        # the version holding record ``start``: the last one whose first record is at or before it
        first = bisect_right([offset for offset, _v in self._versions], start) - 1
        for offset, v in self._versions[first:]:
            if offset >= stop:
                break
            for position, record in enumerate(self._reader.records(v), offset):
                if position >= stop:
                    break
                if position >= start:
                    found.append(record)
        return found

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for _offset, v in self._versions:
            yield from self._reader.records(v)


class _Place:
    """A country, as accounts.place_names.currency_of reads a municipality."""

    def __init__(self, country: str) -> None:
        self.country = country


def currency_of_country(country: str) -> str:
    return currency_of(_Place(country))


# --- CSV ----------------------------------------------------------------------------------------


def _format(message: StrOrPromise, **values: StrOrPromise) -> str:
    return str(message) % {name: str(value) for name, value in values.items()}


# A column's description in the language of the page that shows it, not of the import.
_format_lazy = lazy(_format, str)


def _language_columns(field: str, what: StrOrPromise) -> list[tuple[str, StrOrPromise]]:
    names = dict(settings.LANGUAGES)
    return [
        (
            f"{field}_{code}",
            _format_lazy(_("%(what)s, in %(language)s (empty if not translated)."), what=what, language=names[code]),
        )
        for code in LANGUAGE_CODES
    ]


INDICATOR_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("indicator_id", _("The indicator's stable identifier (the same as in the API).")),
    ("campaign", _("The campaign's slug.")),
    ("commitment", _("The code of the commitment the indicator measures.")),
    ("code", _("The indicator's code, unique within its commitment (and city, for a city's own).")),
    ("own", _("true for an indicator a city added itself; false for the campaign's.")),
    ("municipality_id", _("For a city's own indicator, the city's identifier; empty otherwise.")),
    ("municipality", _("For a city's own indicator, the city's name; empty otherwise.")),
    ("language", _("The language a city's own indicator is written in; empty for the campaign's.")),
    ("kind", _("count, percentage, amount (of money) or yes_no.")),
    ("higher_is_better", _("true if progress means a higher value, false if a lower one.")),
    *_language_columns("name", _("The name")),
    *_language_columns("unit", _("The unit of a count (people, hours...)")),
    *_language_columns("guidance", _("How to count it")),
    ("gcm_objectives", _("Global Compact for Migration objectives, separated by spaces.")),
    ("sdg_targets", _("Sustainable Development Goal targets, separated by spaces.")),
    ("order", _("Position among the commitment's indicators.")),
]

_PLACE_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("pledge_id", _("The signatory (pledge) identifier, as in signatories.csv.")),
    ("campaign", _("The campaign's slug.")),
    ("municipality_id", _("The municipality's identifier in this directory.")),
    ("municipality", _("The municipality's name.")),
    ("geonames_id", _("GeoNames identifier, empty for places the campaign team added.")),
    ("country", _("ISO 3166-1 alpha-2 country code, such as BE.")),
    ("commitment", _("The code of the chosen commitment.")),
]

MEANS_COLUMNS: list[tuple[str, StrOrPromise]] = [
    *_PLACE_COLUMNS,
    ("budget_amount", _("The budget put behind the commitment, in budget_currency (a point as decimal mark).")),
    ("budget_currency", _("The budget's currency, an ISO 4217 code such as EUR.")),
    ("staff_fte", _("Staff working on it, in full-time equivalents.")),
    ("lead_department", _("The department that leads the work.")),
    *[
        (f"partners_{kind}", _format_lazy(_("Partners: %(kind)s, separated by semicolons."), kind=label))
        for kind, label in MeansOfImplementation.PartnerKind.choices
    ],
    ("support_needed", _("The support the city needs: resources, tools, partnerships, separated by spaces.")),
    ("support_details", _("What support the city needs, in its own words.")),
    ("updated_at", _("When the means were last changed (UTC).")),
]

TARGET_COLUMNS: list[tuple[str, StrOrPromise]] = [
    *_PLACE_COLUMNS,
    ("indicator_id", _("The indicator's identifier, as in indicators.csv.")),
    ("indicator", _("The indicator's code.")),
    ("kind", _("count, percentage, amount (of money) or yes_no.")),
    ("baseline_value", _("The baseline: the value at the start.")),
    ("baseline_year", _("The year the baseline stands for.")),
    ("target_value", _("The value the city means to reach.")),
    ("target_date", _("When the city means to reach it (YYYY-MM-DD).")),
    ("unit", _("The currency code for amounts, the percent sign for percentages, the indicator's unit for counts.")),
]

VALUE_COLUMNS: list[tuple[str, StrOrPromise]] = [
    ("municipality", _("The municipality's name.")),
    ("geonames_id", _("GeoNames identifier, empty for places the campaign team added.")),
    ("country", _("ISO 3166-1 alpha-2 country code, such as BE.")),
    ("campaign", _("The campaign's slug.")),
    ("commitment", _("The code of the commitment the indicator measures.")),
    ("indicator", _("The indicator's code.")),
    ("period", _("The reporting period's label.")),
    ("period_due", _("The period's due date (YYYY-MM-DD).")),
    ("value", _("The value reported for the period (a point as decimal mark; yes/no: 1 or 0).")),
    ("unit", _("The currency code for amounts, the percent sign for percentages, the indicator's unit for counts.")),
    ("kind", _("count, percentage, amount (of money) or yes_no.")),
    ("indicator_id", _("The indicator's identifier, as in indicators.csv.")),
    ("municipality_id", _("The municipality's identifier in this directory.")),
    ("pledge_id", _("The signatory (pledge) identifier, as in signatories.csv.")),
    ("period_id", _("The reporting period's identifier.")),
    ("report_id", _("The report the value comes from, as in reports.csv.")),
    ("version", _("The published version of the report the value comes from.")),
]


def _csv_bool(value: bool) -> str:
    return "true" if value else "false"


def indicator_rows(indicators: Iterable[Indicator]) -> Iterator[list[Any]]:
    for indicator in indicators:
        r = indicator_record(indicator)
        city = r["municipality"] or {}
        texts = r["translations"]
        yield [
            r["id"],
            r["campaign"],
            r["commitment"],
            r["code"],
            _csv_bool(r["own"]),
            city.get("id", ""),
            city.get("name", ""),
            r["language"] or "",
            r["kind"],
            _csv_bool(r["higher_is_better"]),
            *(texts[code]["name"] for code in LANGUAGE_CODES),
            *(texts[code]["unit"] for code in LANGUAGE_CODES),
            *(texts[code]["guidance"] for code in LANGUAGE_CODES),
            " ".join(str(o) for o in r["gcm_objectives"]),
            " ".join(r["sdg_targets"]),
            r["order"],
        ]


def _place(r: dict[str, Any]) -> list[Any]:
    m = r["municipality"]
    return [r["pledge"], r["campaign"], m["id"], m["name"], m["geonames_id"], m["country"], r["commitment"]]


def means_rows(means: Iterable[MeansOfImplementation]) -> Iterator[list[Any]]:
    for item in means:
        r = means_record(item)
        yield [
            *_place(r),
            r["budget_amount"],
            r["budget_currency"],
            r["staff_fte"],
            r["lead_department"],
            *("; ".join(r["partners"][kind]) for kind in PARTNER_KINDS),
            " ".join(r["support_needed"]),
            r["support_details"],
            r["updated_at"],
        ]


def target_rows(targets: Iterable[IndicatorTarget]) -> Iterator[list[Any]]:
    """In English whatever the visitor's language (a count's unit): a download is a stable file."""
    with translation.override("en"):
        yield from _target_rows(targets)


def _target_rows(targets: Iterable[IndicatorTarget]) -> Iterator[list[Any]]:
    for item in targets:
        r = target_record(item)
        yield [
            *_place(r),
            r["indicator_id"],
            r["indicator"],
            r["kind"],
            r["baseline_value"],
            r["baseline_year"],
            r["target_value"],
            r["target_date"],
            r["unit"],
        ]


def value_rows(records: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in records:
        m = r["municipality"]
        yield [
            m["name"],
            m["geonames_id"],
            m["country"],
            r["campaign"],
            r["commitment"],
            r["indicator"],
            r["period"]["label"],
            r["period"]["due"],
            r["value"],
            r["unit"],
            r["kind"],
            r["indicator_id"],
            m["id"],
            r["pledge"],
            r["period"]["id"],
            r["report"],
            r["version"],
        ]


# --- what the open data page says -----------------------------------------------------------------

# (name, title, description): the downloads of monitoring, after opendata.DOWNLOAD_DESCRIPTIONS.
DOWNLOAD_DESCRIPTIONS: list[tuple[str, StrOrPromise, StrOrPromise]] = [
    (
        "indicators",
        _("Indicators"),
        _(
            "The indicators that measure each commitment: code, names in every site language, unit, kind, whether "
            "higher is better, and links to the Global Compact for Migration and the SDG targets. A city's own "
            "indicators appear with its public pledge."
        ),
    ),
    (
        "indicator-values",
        _("Indicator values"),
        _(
            "The long table of what the cities reported: one row per city, indicator and period, with the value "
            "and its unit (the currency for amounts, the percent sign for percentages). Only published reports "
            "count; a report waiting for review does not."
        ),
    ),
    (
        "indicator-targets",
        _("Baselines and targets"),
        _("One row per city and indicator: the baseline (value and year) and the target (value and date)."),
    ),
    (
        "means",
        _("Means of implementation"),
        _(
            "One row per city and chosen commitment: budget with its currency, staff in full-time equivalents, "
            "lead department, partners by kind and the support the city needs."
        ),
    ),
]

COLUMNS: dict[str, list[tuple[str, StrOrPromise]]] = {
    "indicators": INDICATOR_COLUMNS,
    "indicator-values": VALUE_COLUMNS,
    "indicator-targets": TARGET_COLUMNS,
    "means": MEANS_COLUMNS,
}

API_ENDPOINTS: list[tuple[str, StrOrPromise, str]] = [
    ("/api/v1/indicators/", _("The indicator catalogue, names in every site language."), "?commitment=ID-1"),
    (
        "/api/v1/indicator-values/",
        _("The values reported, one per city, indicator and period, from published reports."),
        "?indicator=12&municipality=3",
    ),
    ("/api/v1/indicator-targets/", _("Baselines and targets per city and indicator."), "?campaign=cities-pledge"),
    ("/api/v1/means/", _("Means of implementation per city and chosen commitment."), "?country=BE"),
]

"""Open data: what the public may read, as querysets, API-ready dicts and CSV / JSON rows.

One module decides what is public, for the read-only API (campaign/api.py) and for the
downloads (campaign/opendata_views.py) alike:

- campaigns: open or closed, never drafts;
- signatories: pledges of those campaigns that are **verified**, plus those **withdrawn**
  after having been verified. A withdrawn pledge stays in the open data, with its
  ``withdrawn_at``, as the public record that the city signed and when it left (the city
  profile keeps it too); drafts, submitted-not-yet-verified and rejected pledges never
  appear. Signatories' council resolutions (private documents), officials' emails and
  rejection or withdrawal reasons are never part of it;
- reports: of those pledges, only what was submitted, read from the latest frozen
  ``ReportVersion``; the live ``ProgressUpdate`` rows (which may hold unsubmitted edits)
  are never read.

Queries: every builder here runs a fixed number of queries per page or per chunk, whatever
the number of rows (select_related for the one-to-one data, prefetch_related for lists).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_codes, continent_of
from accounts.models import Municipality
from accounts.place_names import data_country_name
from campaign import models as campaign_models
from campaign.models import Campaign, Commitment
from pledges import rules
from pledges.models import Pledge, PledgeCommitment
from pledges.models import ReportVersion as ReportVersion  # re-exported: api.py reads it here
from pledges.staff.exports import neutralise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_M = TypeVar("_M", bound=Model)

PUBLIC_CAMPAIGN_STATUSES = Campaign.PUBLIC_STATUSES
PUBLIC_PLEDGE_STATUSES = rules.PUBLIC_PLEDGE_STATUSES
REPORTING_STATES = rules.REPORTING_STATES
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def licence() -> dict[str, str]:
    """The licence of the open data, from the settings (CC BY 4.0 unless changed)."""
    return {
        "name": getattr(settings, "OPEN_DATA_LICENCE", "CC BY 4.0"),
        "url": getattr(settings, "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
        "attribution": getattr(settings, "OPEN_DATA_ATTRIBUTION", "Cities for Migration"),
    }


def countries_of_continent(code: str) -> list[str]:
    code = (code or "").upper()
    return sorted(country for country, continent in continent_codes().items() if continent == code)


# --- querysets ------------------------------------------------------------------------------


# The one home of these rules is pledges/rules.py (and campaign.models.public_campaigns).
public_campaigns = campaign_models.public_campaigns
public_pledges = rules.public_pledges


def _chosen_queryset() -> QuerySet[PledgeCommitment]:
    return PledgeCommitment.objects.select_related("commitment").order_by("commitment__order", "commitment__code", "pk")


def signatories_queryset() -> QuerySet[Pledge]:
    """Public pledges with everything a signatory record shows: 1 query + 1 prefetch."""
    return (
        public_pledges()
        .filter(public_row__isnull=False)
        .select_related("campaign", "municipality", "public_row")
        .prefetch_related(Prefetch("chosen", queryset=_chosen_queryset()))
        .order_by("municipality__name", "campaign__slug", "pk")
    )


def commitments_queryset() -> QuerySet[Commitment]:
    """Commitments of public campaigns, with how many public signatories chose each."""
    chosen_by = (
        PledgeCommitment.objects.filter(
            commitment=OuterRef("pk"),
            pledge__status=Pledge.Status.VERIFIED,
            pledge__verified_at__isnull=False,
        )
        .order_by()
        .values("commitment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Commitment.objects.filter(campaign__status__in=PUBLIC_CAMPAIGN_STATUSES)
        .select_related("campaign")
        .annotate(signatories=Coalesce(Subquery(chosen_by, output_field=IntegerField()), Value(0)))
        .order_by("campaign__slug", "order", "code", "pk")
    )


def reports_queryset() -> QuerySet[ReportVersion]:
    """The latest published version of each report of a public pledge: one query. A version
    waiting for the campaign team's review, or sent back for changes, is never public
    (rules.latest_published_versions)."""
    return (
        rules.latest_published_versions()
        .filter(report__pledge__in=public_pledges())
        .select_related("report__period", "report__pledge__campaign", "report__pledge__municipality")
        .order_by("report__period__due", "report__pledge__municipality__name", "report__pledge__campaign__slug", "pk")
    )


def public_municipalities_filter(prefix: str = "") -> Q:
    """A Q on Municipality (or on ``prefix`` + municipality): it has a verified public pledge."""
    return Q(
        **{
            f"{prefix}pledges__status": Pledge.Status.VERIFIED,
            f"{prefix}pledges__verified_at__isnull": False,
            f"{prefix}pledges__campaign__status__in": PUBLIC_CAMPAIGN_STATUSES,
        }
    )


# --- records (the API and the JSON downloads share them) -------------------------------------


def _iso(value: date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def municipality_record(m: Municipality) -> dict[str, Any]:
    return {
        "id": m.pk,
        "name": m.name,
        "slug": m.slug,
        "country": m.country,
        "country_name": data_country_name(m.country),
        "continent": continent_of(m.country),
        "geonames_id": m.geonames_id,
        "latitude": m.latitude,
        "longitude": m.longitude,
        "population": m.population,
        "kind": m.kind,
    }


# The columns a signatory record is made of. The API reads them off one pledge (with its
# municipality and read-model row), the downloads in one query for all.
SIGNATORY_VALUES = (
    "pk",
    "status",
    "signatory_name",
    "signatory_title",
    "signed_on",
    "verified_at",
    "withdrawn_at",
    "statement",
    "statement_language",
    "campaign__slug",
    "municipality_id",
    "municipality__name",
    "municipality__slug",
    "municipality__country",
    "municipality__geonames_id",
    "municipality__latitude",
    "municipality__longitude",
    "municipality__population",
    "municipality__kind",
    "public_row__reporting_state",
    "public_row__reports_submitted",
    "public_row__reports_late",
    "public_row__last_report_at",
)
Chosen = list[tuple[str, str, date | None]]  # (code, target, target date), in the campaign's order


def _values_of(pledge: Pledge) -> dict[str, Any]:
    """SIGNATORY_VALUES of one pledge fetched with select_related (see signatories_queryset)."""
    m, row = pledge.municipality, pledge.public_row
    return {
        "pk": pledge.pk,
        "status": pledge.status,
        "signatory_name": pledge.signatory_name,
        "signatory_title": pledge.signatory_title,
        "signed_on": pledge.signed_on,
        "verified_at": pledge.verified_at,
        "withdrawn_at": pledge.withdrawn_at,
        "statement": pledge.statement,
        "statement_language": pledge.statement_language,
        "campaign__slug": pledge.campaign.slug,
        "municipality_id": m.pk,
        "municipality__name": m.name,
        "municipality__slug": m.slug,
        "municipality__country": m.country,
        "municipality__geonames_id": m.geonames_id,
        "municipality__latitude": m.latitude,
        "municipality__longitude": m.longitude,
        "municipality__population": m.population,
        "municipality__kind": m.kind,
        "public_row__reporting_state": row.reporting_state,
        "public_row__reports_submitted": row.reports_submitted,
        "public_row__reports_late": row.reports_late,
        "public_row__last_report_at": row.last_report_at,
    }


def _record_of(v: dict[str, Any], chosen: Chosen) -> dict[str, Any]:
    country = v["municipality__country"]
    withdrawn = v["status"] == Pledge.Status.WITHDRAWN
    return {
        "id": v["pk"],
        "campaign": v["campaign__slug"],
        "municipality": {
            "id": v["municipality_id"],
            "name": v["municipality__name"],
            "slug": v["municipality__slug"],
            "country": country,
            "country_name": data_country_name(country),
            "continent": continent_of(country),
            "geonames_id": v["municipality__geonames_id"],
            "latitude": v["municipality__latitude"],
            "longitude": v["municipality__longitude"],
            "population": v["municipality__population"],
            "kind": v["municipality__kind"],
        },
        "status": v["status"],
        "signatory_name": v["signatory_name"],
        "signatory_title": v["signatory_title"],
        "signed_on": _iso(v["signed_on"]),
        "verified_at": _iso(v["verified_at"]),
        "withdrawn_at": _iso(v["withdrawn_at"]) if withdrawn else None,
        "statement": v["statement"],
        # The language the statement is written in (a site language), or null when unknown.
        "statement_language": v["statement_language"] or None,
        "commitments": [{"code": code, "target": target, "target_date": _iso(day)} for code, target, day in chosen],
        # How the signatory reports, as the read model keeps it (pledges/rules.py).
        "reporting": {
            "state": v["public_row__reporting_state"],
            "reports_submitted": v["public_row__reports_submitted"],
            "reports_late": v["public_row__reports_late"],
            "last_submitted_at": _iso(v["public_row__last_report_at"]),
        },
    }


def signatory_record(pledge: Pledge, now: datetime | None = None) -> dict[str, Any]:
    """One signatory as the API and the downloads give it."""
    chosen = [(pc.commitment.code, pc.target, pc.target_date) for pc in pledge.chosen.all()]
    return _record_of(_values_of(pledge), chosen)


def signatory_records(
    campaign: Campaign | None = None, *, pledge_ids: Iterable[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Every public signatory's record (of the campaign, of these pledges), streamed: two
    queries whatever their number."""
    pledges = public_pledges().filter(public_row__isnull=False)
    if campaign is not None:
        pledges = pledges.filter(campaign=campaign)
    if pledge_ids is not None:
        pledges = pledges.filter(pk__in=list(pledge_ids))
    chosen: dict[int, Chosen] = {}
    for pledge_id, code, target, day in (
        PledgeCommitment.objects.filter(pledge__in=pledges)
        .order_by("pledge_id", "commitment__order", "commitment__code", "pk")
        .values_list("pledge_id", "commitment__code", "target", "target_date")
    ):
        chosen.setdefault(pledge_id, []).append((code, target, day))
    ordered = pledges.order_by("municipality__name", "campaign__slug", "pk").values(*SIGNATORY_VALUES)
    for v in ordered.iterator(chunk_size=2000):
        yield _record_of(v, chosen.get(v["pk"], []))


def commitment_record(c: Commitment, *, translations: bool = False) -> dict[str, Any]:
    """In the active language, falling back to English (modeltranslation). With
    ``translations``, also every language's own title and description (empty if missing)."""
    record: dict[str, Any] = {
        "id": c.pk,
        "campaign": c.campaign.slug,
        "code": c.code,
        "theme": c.theme,
        "theme_label": str(c.get_theme_display()),
        "title": c.title,
        "description": c.description,
        "required": c.is_required,
        "order": c.order,
        "sdg_targets": list(c.sdg_targets or []),
        "gcm_objectives": list(c.gcm_objectives or []),
        "nua_paragraphs": list(c.nua_paragraphs or []),
        "signatories": getattr(c, "signatories", None),
    }
    if translations:
        record["translations"] = {
            code: {
                "title": getattr(c, f"title_{code}", "") or "",
                "description": getattr(c, f"description_{code}", "") or "",
            }
            for code in LANGUAGE_CODES
        }
    return record


def _update_record(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "commitment_id": u.get("commitment_id"),
        "code": u.get("code", ""),
        "status": u.get("status", ""),
        "narrative": u.get("narrative", ""),
        "evidence_links": list(u.get("evidence_links") or []),
        "figures": u.get("figures", ""),
    }


# The columns a report record is made of: the API reads them off one version (with its
# report, period, pledge and municipality), the downloads in one query for all.
REPORT_VALUES = (
    "report_id",
    "report__pledge_id",
    "report__pledge__campaign__slug",
    "report__pledge__municipality_id",
    "report__pledge__municipality__name",
    "report__pledge__municipality__slug",
    "report__pledge__municipality__country",
    "report__pledge__municipality__geonames_id",
    "report__pledge__municipality__latitude",
    "report__pledge__municipality__longitude",
    "report__pledge__municipality__population",
    "report__pledge__municipality__kind",
    "report__period_id",
    "report__period__label",
    "report__period__opens",
    "report__period__due",
    "report__first_submitted_at",
    "submitted_at",
    "report__is_late",
    "number",
    "content",
)


def _report_values_of(version: ReportVersion) -> dict[str, Any]:
    """REPORT_VALUES of one version fetched with select_related (see reports_queryset)."""
    report = version.report
    m, period = report.pledge.municipality, report.period
    return {
        "report_id": report.pk,
        "report__pledge_id": report.pledge_id,
        "report__pledge__campaign__slug": report.pledge.campaign.slug,
        "report__pledge__municipality_id": m.pk,
        "report__pledge__municipality__name": m.name,
        "report__pledge__municipality__slug": m.slug,
        "report__pledge__municipality__country": m.country,
        "report__pledge__municipality__geonames_id": m.geonames_id,
        "report__pledge__municipality__latitude": m.latitude,
        "report__pledge__municipality__longitude": m.longitude,
        "report__pledge__municipality__population": m.population,
        "report__pledge__municipality__kind": m.kind,
        "report__period_id": period.pk,
        "report__period__label": period.label,
        "report__period__opens": period.opens,
        "report__period__due": period.due,
        "report__first_submitted_at": report.first_submitted_at,
        "submitted_at": version.submitted_at,
        "report__is_late": report.is_late,
        "number": version.number,
        "content": version.content,
    }


def _report_record_of(v: dict[str, Any]) -> dict[str, Any]:
    country = v["report__pledge__municipality__country"]
    return {
        "id": v["report_id"],
        "pledge": v["report__pledge_id"],
        "campaign": v["report__pledge__campaign__slug"],
        "municipality": {
            "id": v["report__pledge__municipality_id"],
            "name": v["report__pledge__municipality__name"],
            "slug": v["report__pledge__municipality__slug"],
            "country": country,
            "country_name": data_country_name(country),
            "continent": continent_of(country),
            "geonames_id": v["report__pledge__municipality__geonames_id"],
            "latitude": v["report__pledge__municipality__latitude"],
            "longitude": v["report__pledge__municipality__longitude"],
            "population": v["report__pledge__municipality__population"],
            "kind": v["report__pledge__municipality__kind"],
        },
        "period": {
            "id": v["report__period_id"],
            "label": v["report__period__label"],
            "opens": _iso(v["report__period__opens"]),
            "due": _iso(v["report__period__due"]),
        },
        "first_submitted_at": _iso(v["report__first_submitted_at"]),
        "submitted_at": _iso(v["submitted_at"]),
        "is_late": v["report__is_late"],
        "version": v["number"],
        "updates": [_update_record(u) for u in (v["content"] or {}).get("updates", [])],
    }


def report_record(version: ReportVersion) -> dict[str, Any]:
    """One report (its latest submitted version) as the API and the downloads give it."""
    return _report_record_of(_report_values_of(version))


def report_records(
    campaign: Campaign | None = None, *, pledge_ids: Iterable[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Every public report's record (of the campaign, of these pledges), streamed: one query
    whatever their number (rows are read as values, in chunks; no model is built)."""
    versions = for_campaign(reports_queryset(), campaign, "report__pledge__campaign")
    if pledge_ids is not None:
        versions = versions.filter(report__pledge_id__in=list(pledge_ids))
    for v in versions.values(*REPORT_VALUES).iterator(chunk_size=2000):
        yield _report_record_of(v)


# --- download filters -------------------------------------------------------------------------


def for_campaign(queryset: QuerySet[_M], campaign: Campaign | None, path: str) -> QuerySet[_M]:
    return queryset.filter(**{path: campaign}) if campaign is not None else queryset


# --- CSV --------------------------------------------------------------------------------------

SIGNATORY_COLUMNS = [
    ("pledge_id", _("The pledge's stable identifier (the same as in the API).")),
    ("campaign", _("The campaign's slug.")),
    ("municipality_id", _("The municipality's identifier in this directory.")),
    ("municipality", _("The municipality's name.")),
    ("municipality_slug", _("The municipality's slug, as in its profile's address.")),
    ("country", _("ISO 3166-1 alpha-2 country code, such as BE.")),
    ("continent", _("GeoNames continent code: AF, AS, EU, NA, OC or SA.")),
    ("geonames_id", _("GeoNames identifier, empty for places the campaign team added.")),
    ("latitude", _("Latitude in decimal degrees (WGS 84).")),
    ("longitude", _("Longitude in decimal degrees (WGS 84).")),
    ("population", _("Population, as GeoNames gives it.")),
    ("kind", _("municipality, metropolitan or regional (government).")),
    ("status", _("verified, or withdrawn (the city left after signing).")),
    ("signatory_name", _("Who signed for the city.")),
    ("signatory_title", _("The signatory's title, usually mayor or governor.")),
    ("signed_on", _("The day the pledge was signed (YYYY-MM-DD).")),
    ("verified_at", _("When the campaign team verified the pledge (UTC, ISO 8601).")),
    ("withdrawn_at", _("When the city withdrew, if it did (UTC, ISO 8601).")),
    ("statement", _("The city's public statement.")),
    ("commitment_codes", _("Codes of the commitments the city chose, separated by spaces.")),
    (
        "reporting_state",
        _("on_time, late (a report is missing or was late), none (nothing due yet) or withdrawn."),
    ),
    ("reports_submitted", _("How many progress reports the city submitted.")),
    ("reports_late", _("How many of them were first submitted after their due date.")),
]

COMMITMENT_COLUMNS = [
    ("commitment_id", _("The commitment's stable identifier.")),
    ("campaign", _("The campaign's slug.")),
    ("code", _("Short and stable code, unique within the campaign, such as RIGHTS-1.")),
    ("theme", _("Theme code, such as rights or services.")),
    ("required", _("true if every signatory takes it on.")),
    ("order", _("Position in the campaign's list.")),
    ("title_en", _("Title in English.")),
    ("title_fr", _("Title in French (empty if not translated).")),
    ("title_es", _("Title in Spanish (empty if not translated).")),
    ("description_en", _("Description in English.")),
    ("description_fr", _("Description in French.")),
    ("description_es", _("Description in Spanish.")),
    ("sdg_targets", _("Sustainable Development Goal targets, separated by spaces.")),
    ("gcm_objectives", _("Global Compact for Migration objectives, separated by spaces.")),
    ("nua_paragraphs", _("New Urban Agenda paragraphs, separated by spaces.")),
    ("signatories", _("How many verified signatories chose it.")),
]

REPORT_COLUMNS = [
    ("report_id", _("The report's stable identifier (one report per pledge and period).")),
    ("pledge_id", _("The pledge the report belongs to.")),
    ("campaign", _("The campaign's slug.")),
    ("municipality_id", _("The municipality's identifier in this directory.")),
    ("municipality", _("The municipality's name.")),
    ("country", _("ISO 3166-1 alpha-2 country code.")),
    ("geonames_id", _("GeoNames identifier.")),
    ("period_id", _("The reporting period's identifier.")),
    ("period", _("The reporting period's label.")),
    ("period_due", _("The period's due date.")),
    ("version", _("The submitted version shown (corrections add versions).")),
    ("first_submitted_at", _("When the report was first submitted (UTC).")),
    ("submitted_at", _("When this version was submitted (UTC).")),
    ("late", _("true if first submitted after the due date, in the city's time zone.")),
    ("commitment_code", _("The commitment this row reports on: one row per commitment.")),
    ("progress_status", _("not_started, planned, in_progress or achieved.")),
    ("narrative", _("What was done.")),
    ("evidence_links", _("Links to evidence, separated by spaces.")),
    ("figures", _("Figures the city gave, as written.")),
]


def _spaced(values: Iterable[object] | None) -> str:
    return " ".join(str(v) for v in values or [])


def signatory_rows(records: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in records:
        m = r["municipality"]
        yield [
            r["id"],
            r["campaign"],
            m["id"],
            m["name"],
            m["slug"],
            m["country"],
            m["continent"],
            m["geonames_id"],
            m["latitude"],
            m["longitude"],
            m["population"],
            m["kind"],
            r["status"],
            r["signatory_name"],
            r["signatory_title"],
            r["signed_on"],
            r["verified_at"],
            r["withdrawn_at"],
            r["statement"],
            _spaced(c["code"] for c in r["commitments"]),
            r["reporting"]["state"],
            r["reporting"]["reports_submitted"],
            r["reporting"]["reports_late"],
        ]


def commitment_rows(commitments: Iterable[Commitment]) -> Iterator[list[Any]]:
    for c in commitments:
        yield [
            c.pk,
            c.campaign.slug,
            c.code,
            c.theme,
            c.is_required,
            c.order,
            *(getattr(c, f"title_{code}", "") for code in ("en", "fr", "es")),
            *(getattr(c, f"description_{code}", "") for code in ("en", "fr", "es")),
            _spaced(c.sdg_targets),
            _spaced(c.gcm_objectives),
            _spaced(c.nua_paragraphs),
            getattr(c, "signatories", 0),
        ]


def report_rows(records: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    for r in records:
        m = r["municipality"]
        for u in r["updates"] or [{}]:
            yield [
                r["id"],
                r["pledge"],
                r["campaign"],
                m["id"],
                m["name"],
                m["country"],
                m["geonames_id"],
                r["period"]["id"],
                r["period"]["label"],
                r["period"]["due"],
                r["version"],
                r["first_submitted_at"],
                r["submitted_at"],
                r["is_late"],
                u.get("code", ""),
                u.get("status", ""),
                u.get("narrative", ""),
                _spaced(u.get("evidence_links")),
                u.get("figures", ""),
            ]


CHUNK_ROWS = 500  # rows written per chunk sent: a few tens of kB, not one write per row


def csv_lines(rows: Iterable[list[Any]]) -> str:
    """CSV lines, every cell neutralised against formula injection (a leading quote before
    = + - @ tab CR)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_head(columns: Sequence[tuple[str, StrOrPromise]]) -> str:
    """The header line, preceded by a byte order mark (Excel reads UTF-8 right)."""
    return "\ufeff" + csv_lines([[name for name, _help in columns]])


def stream_csv(columns: Sequence[tuple[str, StrOrPromise]], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """A CSV download as UTF-8 bytes, a chunk of rows at a time."""
    return stream_texts(csv_head(columns), (csv_lines([row]) for row in rows), "")


def stream_texts(head: str, texts: Iterable[str], tail: str, separator: str = "") -> Iterator[bytes]:
    """head, the texts (with separator between them), tail: as UTF-8 bytes, a chunk at a time."""
    parts = [head]
    between = ""
    for n, text in enumerate(texts, start=1):
        parts.append(between + text)
        between = separator
        if n % CHUNK_ROWS == 0:
            yield "".join(parts).encode()
            parts = []
    parts.append(tail)
    yield "".join(parts).encode()


# --- rendered once, in the read model -----------------------------------------------------------


def rendered_signatories(pledge_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """pledge id -> (its line of signatories.csv, its object in signatories.json), in English
    whatever the active language (a download is a stable file): three queries."""
    with translation.override("en"):
        return {
            record["id"]: (csv_lines(signatory_rows([record])), json.dumps(record, ensure_ascii=False))
            for record in signatory_records(pledge_ids=pledge_ids)
        }


def rendered_reports(pledge_ids: Iterable[int]) -> list[tuple[dict[str, Any], str, str]]:
    """(record, its lines of reports.csv, its object in reports.json) of these pledges'
    public reports, in English: one query."""
    with translation.override("en"):
        return [
            (record, csv_lines(report_rows([record])), json.dumps(record, ensure_ascii=False))
            for record in report_records(pledge_ids=pledge_ids)
        ]


# --- JSON -----------------------------------------------------------------------------------


def iterate(queryset: QuerySet[_M], chunk_size: int = 500) -> Iterator[_M]:
    """Rows in chunks: prefetches run once per chunk, memory stays flat."""
    return queryset.iterator(chunk_size=chunk_size)


def stream_json(count: int, records: Iterable[str], *, generated_at: datetime | None = None) -> Iterator[bytes]:
    """``{"generated_at", "licence", "count", "results": [...]}`` as UTF-8 bytes, written
    as it goes, a chunk of records (JSON texts) at a time."""
    head = {
        "generated_at": _iso(generated_at or timezone.now()),
        "licence": licence(),
        "count": count,
    }
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "results": [\n'
    return stream_texts(opening, records, "\n]}\n" if count else "]}\n", separator=",\n")


def dated_filename(kind: str, extension: str, campaign: Campaign | None, on: date) -> str:
    prefix = campaign.slug if campaign is not None else "cities-for-migration"
    return f"{prefix}-{kind}-{on.isoformat()}.{extension}"


# --- what the open data page says ---------------------------------------------------------------

DOWNLOAD_DESCRIPTIONS = [
    (
        "signatories",
        _("Signatories"),
        _(
            "One row per verified pledge, and per pledge withdrawn after it was verified (with the day it was "
            "withdrawn): the city, its identifiers and position, the signatory, the statement, the commitments "
            "chosen and how the city reports."
        ),
    ),
    (
        "commitments",
        _("Commitments"),
        _(
            "The commitments a city can take on, with their theme, their links to the Sustainable Development "
            "Goals, the Global Compact for Migration and the New Urban Agenda, in English, French and Spanish."
        ),
    ),
    (
        "reports",
        _("Progress reports"),
        _(
            "One row per commitment of each submitted progress report, as last submitted: status, what was done, "
            "evidence and figures. Drafts are never published."
        ),
    ),
]

API_ENDPOINTS = [
    ("/api/v1/signatories/", _("Signatories (verified and withdrawn pledges)."), "?country=BE&page_size=20"),
    ("/api/v1/signatories/{id}/", _("One signatory."), ""),
    ("/api/v1/campaigns/", _("Open and closed campaigns, with their reporting periods."), ""),
    ("/api/v1/commitments/", _("Commitments, in the language asked for."), "?required=true&lang=fr"),
    ("/api/v1/reports/", _("The latest submitted version of each progress report."), "?since=2025-01-01"),
    ("/api/v1/municipalities/directory/", _("The municipality directory, with filters."), "?has_signed=true"),
    ("/api/v1/municipalities/{id}/", _("One municipality and its public pledges."), ""),
    ("/api/v1/municipalities/", _("Autocomplete: up to 20 places whose name starts with the text."), "?search=Malines"),
]

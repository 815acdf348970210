"""CSV exports for the campaign team. Pure row-building: the views only wrap the bytes.

Column names are stable identifiers (English, snake_case) so that spreadsheets and scripts
built on an export keep working; cell values are neutralised against formula injection.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Prefetch

from pledges.models import Pledge, PledgeCommitment, ProgressUpdate

# A spreadsheet treats a cell starting with one of these as a formula (tab and carriage
# return too, as OWASP advises).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

PLEDGE_HEADER = [
    "municipality",
    "country",
    "geonames_id",
    "status",
    "signatory_name",
    "signatory_title",
    "signed_on",
    "verified_at",
    "number_of_commitments",
    "commitment_codes",
]

REPORT_HEADER = [
    "municipality",
    "country",
    "period",
    "report_status",
    "submitted_at",
    "late",
    "version",
    "commitment_code",
    "progress_status",
    "narrative",
    "evidence_links",
    "figures",
]


_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def neutralise(value) -> str | int | float:
    """A cell a spreadsheet shows as typed: formulas are defused with a leading quote.
    Numbers stay numbers (a negative longitude is no formula). Text comes first: downloads
    call this for millions of cells."""
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] in _TRIGGERS else value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text[:1] in _TRIGGERS:
        return "'" + text
    return text


def _row(values: Iterable) -> list:
    return [neutralise(v) for v in values]


def pledge_rows(campaign) -> Iterable[list]:
    """One row per pledge of the campaign, whatever its status, by municipality name."""
    pledges = (
        Pledge.objects.filter(campaign=campaign)
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "chosen",
                queryset=PledgeCommitment.objects.select_related("commitment").order_by(
                    "commitment__order", "commitment__code"
                ),
            )
        )
        .order_by("municipality__name", "pk")
    )
    for pledge in pledges:
        codes = [pc.commitment.code for pc in pledge.chosen.all()]
        yield _row(
            [
                pledge.municipality.name,
                pledge.municipality.country,
                pledge.municipality.geonames_id,
                pledge.status,
                pledge.signatory_name,
                pledge.signatory_title,
                pledge.signed_on,
                pledge.verified_at,
                len(codes),
                " ".join(codes),
            ]
        )


def report_rows(campaign) -> Iterable[list]:
    """One row per commitment of each report of the campaign (drafts included: the status says)."""
    updates = (
        ProgressUpdate.objects.filter(report__pledge__campaign=campaign)
        .select_related("report__pledge__municipality", "report__period", "chosen__commitment")
        .order_by(
            "report__pledge__municipality__name",
            "report__period__opens",
            "chosen__commitment__order",
            "chosen__commitment__code",
            "pk",
        )
    )
    for update in updates:
        report = update.report
        yield _row(
            [
                report.pledge.municipality.name,
                report.pledge.municipality.country,
                report.period.label,
                report.status,
                report.submitted_at,
                report.is_late,
                report.version,
                update.chosen.commitment.code,
                update.status,
                update.narrative,
                " ".join(update.evidence_links or []),
                update.figures,
            ]
        )


def to_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def filename(campaign, kind: str, on: date) -> str:
    return f"{campaign.slug}-{kind}-{on.isoformat()}.csv"

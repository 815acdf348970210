"""Keeps the read model (models.PublicSignatory) in step with the write model.

Each function recomputes the rows of some pledges from the truth, in a fixed number of
queries whatever their number, and inside the caller's transaction: a pledge verified,
withdrawn, a report submitted, a municipality or campaign edited moves its rows in the
same commit (the signal receivers at the bottom are connected in apps.py). Rows whose
reporting state changes by the calendar alone (a due date passing) are refreshed by
`refresh_due`, which the beat schedule runs every hour.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.geo import continent_of, local_date
from accounts.models import Municipality
from accounts.names import normalize
from accounts.place_names import data_country_name
from campaign.models import Campaign, Commitment, ReportingPeriod
from campaign.public import map_data, opendata
from campaign.public.cache import bump_public_version
from campaign.public.models import PublicReport, PublicSignatory, SignatoryCommitment, SignatoryReport
from campaign.writes import after_writes
from pledges import rules
from pledges.models import DelayRequest, Pledge, PledgeCommitment, ProgressReport, ReportVersion

CHUNK = 2000
UPDATED_FIELDS = [
    f.name for f in PublicSignatory._meta.concrete_fields if not f.primary_key
]  # every column but the key


def _rows(
    pledge_ids: list[int], now: datetime
) -> tuple[list[PublicSignatory], list[SignatoryCommitment], list[SignatoryReport]]:
    """The read model's rows of these pledges (those that are public): their signatory rows
    and the commitment and report rows of the verified ones."""
    pledges = list(
        rules.public_pledges()
        .filter(pk__in=pledge_ids)
        .values(
            "pk",
            "status",
            "campaign_id",
            "campaign__slug",
            "municipality_id",
            "signed_on",
            "verified_at",
            "withdrawn_at",
            "municipality__name",
            "municipality__slug",
            "municipality__country",
            "municipality__kind",
            "municipality__population",
            "municipality__latitude",
            "municipality__longitude",
            "municipality__time_zone",
        )
    )
    if not pledges:
        return [], [], []
    ids = [p["pk"] for p in pledges]
    due_dates: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for pk, campaign_id, due in ReportingPeriod.objects.filter(
        campaign_id__in={p["campaign_id"] for p in pledges}
    ).values_list("pk", "campaign_id", "due"):
        due_dates[campaign_id].append((pk, due))
    campaign_codes: dict[int, list[str]] = defaultdict(list)  # in the campaign's order: the map's bits
    for campaign_id, code in (
        Commitment.objects.filter(campaign_id__in={p["campaign_id"] for p in pledges})
        .order_by("order", "code")
        .values_list("campaign_id", "code")
    ):
        campaign_codes[campaign_id].append(code)
    reports: dict[int, dict[int, tuple[bool, datetime | None]]] = defaultdict(dict)
    for pledge_id, period_id, late, submitted_at in ProgressReport.objects.filter(
        pledge_id__in=ids,
        status__in=rules.SUBMITTED_REPORT_STATUSES,  # waiting for review too: lateness is the city's
    ).values_list("pledge_id", "period_id", "is_late", "submitted_at"):
        reports[pledge_id][period_id] = (late, submitted_at)
    granted: dict[int, dict[int, date]] = defaultdict(dict)  # pledge -> period -> day granted (rules.due_date)
    for (pledge_id, period_id), day in rules.granted_due_dates(ids).items():
        granted[pledge_id][period_id] = day
    latest: dict[int, tuple[date, dict[str, str]]] = {}
    for pledge_id, due, content in (
        rules.latest_published_versions()  # what the reports say: published versions only
        .filter(report__pledge_id__in=ids)
        .values_list("report__pledge_id", "report__period__due", "content")
    ):
        if pledge_id not in latest or due > latest[pledge_id][0]:
            statuses = {
                str(u["commitment_id"]): u["status"]
                for u in (content or {}).get("updates", [])
                if u.get("commitment_id") and u.get("status")
            }
            latest[pledge_id] = (due, statuses)
    codes: dict[int, list[str]] = defaultdict(list)
    chosen: dict[int, list[int]] = defaultdict(list)
    for pledge_id, commitment_id, code in (
        PledgeCommitment.objects.filter(pledge_id__in=ids)
        .order_by("commitment__order", "commitment__code")
        .values_list("pledge_id", "commitment_id", "commitment__code")
    ):
        codes[pledge_id].append(code)
        chosen[pledge_id].append(commitment_id)

    rows = []
    for p in pledges:
        zone = p["municipality__time_zone"] or "UTC"
        today = local_date(now, zone)
        joined = rules.joined_on(p["verified_at"], zone)
        submitted = reports.get(p["pk"], {})
        campaign_due = due_dates.get(p["campaign_id"], [])
        country = (p["municipality__country"] or "").upper()
        withdrawn = p["status"] == Pledge.Status.WITHDRAWN
        rows.append(
            PublicSignatory(
                pledge_id=p["pk"],
                campaign_id=p["campaign_id"],
                municipality_id=p["municipality_id"],
                campaign_slug=p["campaign__slug"],
                status=p["status"],
                name=p["municipality__name"],
                sort_name=normalize(p["municipality__name"])[:200],
                slug=p["municipality__slug"],
                country=country,
                country_sort=normalize(data_country_name(country))[:100],  # language-neutral (pages: their own)
                continent=continent_of(country),
                kind=p["municipality__kind"],
                population=p["municipality__population"],
                latitude=p["municipality__latitude"],
                longitude=p["municipality__longitude"],
                time_zone=zone,
                signed_on=p["signed_on"] or joined,
                verified_at=p["verified_at"] or now,  # public pledges are verified: never None
                joined_on=joined or today,
                withdrawn_at=p["withdrawn_at"] if withdrawn else None,
                commitment_count=len(codes.get(p["pk"], [])),
                commitment_codes=codes.get(p["pk"], []),
                commitment_mask=map_data.commitment_mask(codes.get(p["pk"], []), campaign_codes[p["campaign_id"]]),
                reporting_state=rules.reporting_state(
                    due_dates=campaign_due,
                    submitted={period: late for period, (late, _at) in submitted.items()},
                    today=today,
                    joined=joined,
                    withdrawn=withdrawn,
                    granted=granted.get(p["pk"]),
                ),
                reports_submitted=len(submitted),
                reports_late=sum(1 for late, _at in submitted.values() if late),
                last_report_at=max((at for _late, at in submitted.values() if at), default=None),
                state_changes_at=None
                if withdrawn
                else rules.state_changes_at(
                    due_dates=campaign_due, today=today, joined=joined, time_zone=zone, granted=granted.get(p["pk"])
                ),
            )
        )
    commitments = []
    for row in rows:
        if row.status != Pledge.Status.VERIFIED:
            continue
        statuses = latest.get(row.pledge_id, (None, {}))[1]
        for commitment_id in dict.fromkeys([*chosen.get(row.pledge_id, []), *map(int, statuses)]):
            commitments.append(
                SignatoryCommitment(
                    signatory_id=row.pledge_id,
                    campaign_id=row.campaign_id,
                    commitment_id=commitment_id,
                    chosen=commitment_id in chosen.get(row.pledge_id, []),
                    status=statuses.get(str(commitment_id), ""),
                )
            )
    due_of = {pk: due for dues in due_dates.values() for pk, due in dues}
    signatory_reports = [
        SignatoryReport(
            signatory_id=row.pledge_id,
            campaign_id=row.campaign_id,
            period_id=period_id,
            is_late=late,
            time_zone=row.time_zone,
            owed=rules.owes(due_of[period_id], row.joined_on),
        )
        for row in rows
        if row.status == Pledge.Status.VERIFIED
        for period_id, (late, _at) in reports.get(row.pledge_id, {}).items()
        if period_id in due_of
    ]
    return rows, commitments, signatory_reports


def refresh_pledges(pledge_ids: Iterable[int], *, now: datetime | None = None) -> None:
    """Make the rows of these pledges what the write model says: made, changed, or removed
    when a pledge is no longer public."""
    now = now or timezone.now()
    ids = sorted(set(pledge_ids))
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            rows, commitments, signatory_reports = _rows(chunk, now)
            kept = {row.pledge_id for row in rows}
            PublicSignatory.objects.filter(pledge_id__in=set(chunk) - kept).delete()
            PublicSignatory.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["pledge"], update_fields=UPDATED_FIELDS
            )
            SignatoryCommitment.objects.filter(signatory_id__in=kept).delete()
            SignatoryCommitment.objects.bulk_create(commitments, batch_size=CHUNK)
            SignatoryReport.objects.filter(signatory_id__in=kept).delete()
            SignatoryReport.objects.bulk_create(signatory_reports, batch_size=CHUNK)
            _render_downloads(rows)


def _render_downloads(rows: list[PublicSignatory]) -> None:
    """The download texts of these rows and of their reports, read back from the rows just
    kept (opendata.py renders them as it always has): four queries and two writes."""
    ids = [row.pledge_id for row in rows]
    rendered = opendata.rendered_signatories(ids)
    for row in rows:
        row.csv_row, row.json_record = rendered.get(row.pledge_id, ("", ""))
    PublicSignatory.objects.bulk_update(rows, ["csv_row", "json_record"], batch_size=CHUNK)
    campaign_of = {row.pledge_id: row.campaign_id for row in rows}
    PublicReport.objects.filter(signatory_id__in=ids).delete()
    PublicReport.objects.bulk_create(
        [
            PublicReport(
                report_id=record["id"],
                signatory_id=record["pledge"],
                campaign_id=campaign_of[record["pledge"]],
                period_due=date.fromisoformat(record["period"]["due"]),
                name=record["municipality"]["name"],
                campaign_slug=record["campaign"],
                csv_rows=csv_rows,
                json_record=json_record,
            )
            for record, csv_rows, json_record in opendata.rendered_reports(ids)
        ],
        batch_size=CHUNK,
    )


def rebuild(*, now: datetime | None = None) -> int:
    """Every row again from scratch. Returns how many public signatories there are."""
    with transaction.atomic():
        PublicSignatory.objects.all().delete()
        refresh_pledges(rules.public_pledges().values_list("pk", flat=True), now=now)
        return PublicSignatory.objects.count()


def refresh_due(*, now: datetime | None = None) -> int:
    """The rows whose reporting state may have changed since, because a due date passed."""
    now = now or timezone.now()
    ids = list(PublicSignatory.objects.filter(state_changes_at__lte=now).values_list("pledge_id", flat=True))
    refresh_pledges(ids, now=now)
    if ids:
        bump_public_version()  # bulk writes send no signal: the finished pages must turn too
    return len(ids)


# --- receivers: the write model changed (connected in apps.py) --------------------------------
# Each asks for the refresh of the pledges it touches through after_writes: at once outside a
# write batch, once for the whole change inside one (the services open one). A campaign or a
# municipality names its pledges when it is saved, so that they join the same refresh.


def on_pledge_saved(sender: Any, instance: Pledge, **kwargs: Any) -> None:
    after_writes(refresh_pledges, [instance.pk])


def on_pledge_part_saved(sender: Any, instance: PledgeCommitment | ProgressReport, **kwargs: Any) -> None:
    after_writes(refresh_pledges, [instance.pledge_id])


def on_delay_request_saved(sender: Any, instance: DelayRequest, **kwargs: Any) -> None:
    """A granted request for more time moves the pledge's due date (rules.due_date); a
    request waiting, refused or withdrawn changes nothing the public sees."""
    if instance.status == DelayRequest.Status.GRANTED:
        after_writes(refresh_pledges, [instance.pledge_id])
        bump_public_version()


def on_report_version_saved(sender: Any, instance: ReportVersion, **kwargs: Any) -> None:
    after_writes(refresh_pledges, [instance.report.pledge_id])


def on_municipality_saved(sender: Any, instance: Municipality, **kwargs: Any) -> None:
    after_writes(refresh_pledges, Pledge.objects.filter(municipality_id=instance.pk).values_list("pk", flat=True))


def on_campaign_saved(sender: Any, instance: Campaign, **kwargs: Any) -> None:
    after_writes(refresh_pledges, Pledge.objects.filter(campaign_id=instance.pk).values_list("pk", flat=True))


def on_campaign_part_saved(sender: Any, instance: Commitment | ReportingPeriod, **kwargs: Any) -> None:
    after_writes(refresh_pledges, Pledge.objects.filter(campaign_id=instance.campaign_id).values_list("pk", flat=True))

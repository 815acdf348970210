"""Read-side helpers for reports and the staff work queue. Nothing here changes state.

Every function runs a fixed number of queries, whatever the number of rows: the staff
pages list hundreds of cities.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from accounts.geo import local_today
from accounts.models import Membership, Municipality, MunicipalityRequest
from campaign.models import ReportingPeriod

from . import rules
from .models import Pledge, PledgeCommitment, ProgressReport
from .services import report_correction_deadline

# --- an official's reports --------------------------------------------------------------


@dataclass
class PeriodRow:
    """One reporting period as an official of a pledge sees it."""

    period: ReportingPeriod
    state: str  # "upcoming", "open" or "past"
    report: ProgressReport | None
    correction_deadline: date
    today: date
    owed: bool = True  # False for a period already due when the pledge was verified

    @property
    def can_open(self) -> bool:
        # A period already due when the pledge was verified is not owed: nothing to file,
        # though a report filed before this rule stays readable.
        return (self.owed or self.report is not None) and self.state != "upcoming"

    @property
    def is_submitted(self) -> bool:
        return bool(self.report and self.report.status == ProgressReport.Status.SUBMITTED)

    @property
    def is_draft(self) -> bool:
        return bool(self.report and self.report.status == ProgressReport.Status.DRAFT)

    @property
    def is_correctable(self) -> bool:
        return self.is_submitted and self.today <= self.correction_deadline

    @property
    def is_read_only(self) -> bool:
        return self.is_submitted and not self.is_correctable

    @property
    def is_overdue(self) -> bool:
        return self.owed and self.state == "past" and not self.is_submitted


def pledge_period_rows(pledge: Pledge) -> list[PeriodRow]:
    """Each of the campaign's periods, in order, with the pledge's report for it if any."""
    today = local_today(pledge.municipality)
    joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
    reports = {r.period_id: r for r in ProgressReport.objects.filter(pledge=pledge)}
    return [
        PeriodRow(
            period=period,
            state=period.status_on(today),
            report=reports.get(period.pk),
            correction_deadline=report_correction_deadline(period),
            today=today,
            owed=joined is None or rules.owes(period.due, joined),
        )
        for period in ReportingPeriod.objects.filter(campaign_id=pledge.campaign_id).order_by("opens")
    ]


# --- the staff work queue ---------------------------------------------------------------


def pending_municipality_requests():
    """Requests for places missing from the directory, oldest first."""
    return (
        MunicipalityRequest.objects.filter(status=MunicipalityRequest.Status.REQUESTED)
        .select_related("requested_by")
        .order_by("created_at", "pk")
    )


def pending_memberships():
    """Requests waiting for a decision. ``evidence_confirmed``: the evidence address is, now,
    one of the requester's confirmed addresses (requests made before that was required, or
    whose address was removed since, show as unconfirmed)."""
    confirmed = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("evidence_email"), verified=True
    )
    return (
        Membership.objects.filter(status=Membership.Status.REQUESTED)
        .select_related("user", "municipality")
        .annotate(evidence_confirmed=Exists(confirmed))
        .order_by("requested_at", "pk")
    )


def submitted_pledges(*, campaign=None, country: str = ""):
    pledges = (
        Pledge.objects.filter(status=Pledge.Status.SUBMITTED)
        .select_related("campaign", "municipality", "created_by")
        .annotate(n_commitments=Count("chosen", distinct=True))
        .order_by("submitted_at", "pk")
    )
    if campaign is not None:
        pledges = pledges.filter(campaign=campaign)
    if country:
        pledges = pledges.filter(municipality__country=country.upper())
    return pledges


def pledge_for_staff(pk: int):
    """Everything the staff detail page shows, in a handful of queries."""
    return (
        Pledge.objects.select_related("campaign", "municipality", "created_by", "verified_by")
        .prefetch_related(
            Prefetch(
                "chosen",
                queryset=PledgeCommitment.objects.select_related("commitment").order_by(
                    "commitment__order", "commitment__code"
                ),
            ),
            "events__actor",
            "events__report__period",
        )
        .get(pk=pk)
    )


@dataclass
class OverdueRow:
    pledge: Pledge
    period: ReportingPeriod
    days_overdue: int
    report: ProgressReport | None
    official_emails: list[str] = field(default_factory=list)
    officials: list[tuple[str, str]] = field(default_factory=list)  # (name or "", email), for the staff page

    @property
    def report_state(self) -> str:
        return "draft" if self.report else "not_started"


def overdue_reports(*, campaign=None, period=None, country: str = "") -> list[OverdueRow]:
    """Verified pledges whose report for a period is not submitted although the period is due.

    A period is overdue for a city once the due date has passed in the city's own time
    zone; days overdue count from the due date. A period that was already due when the
    pledge was verified is not owed (the city joined later; it may still report on it).
    Sorted by most overdue first.
    """
    # The database narrows by the UTC date plus one day (no time zone is further ahead);
    # each city's own date decides below.
    cutoff = timezone.now().date() + timedelta(days=1)
    pledges = Pledge.objects.filter(status=Pledge.Status.VERIFIED).select_related("campaign", "municipality")
    periods = ReportingPeriod.objects.filter(due__lt=cutoff).order_by("due", "pk")
    if campaign is not None:
        pledges = pledges.filter(campaign=campaign)
        periods = periods.filter(campaign=campaign)
    if period is not None:
        pledges = pledges.filter(campaign_id=period.campaign_id)
        periods = periods.filter(pk=period.pk)
    if country:
        pledges = pledges.filter(municipality__country=country.upper())
    pledges = list(pledges)
    if not pledges:
        return []
    campaign_ids = {p.campaign_id for p in pledges}
    periods_by_campaign: dict[int, list[ReportingPeriod]] = {}
    for p in periods.filter(campaign_id__in=campaign_ids):
        periods_by_campaign.setdefault(p.campaign_id, []).append(p)
    if not periods_by_campaign:
        return []
    reports = {
        (r.pledge_id, r.period_id): r
        for r in ProgressReport.objects.filter(
            pledge__in=[p.pk for p in pledges],
            period__in=[p.pk for ps in periods_by_campaign.values() for p in ps],
        )
    }
    emails: dict[int, list[str]] = {}
    officials: dict[int, list[tuple[str, str]]] = {}
    for municipality_id, email, name in (
        Membership.objects.filter(
            municipality_id__in={p.municipality_id for p in pledges}, status=Membership.Status.APPROVED
        )
        .order_by("user__email")
        .values_list("municipality_id", "user__email", "user__full_name")
    ):
        emails.setdefault(municipality_id, []).append(email)
        officials.setdefault(municipality_id, []).append((name, email))

    rows = []
    for pledge in pledges:
        today = local_today(pledge.municipality)
        joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
        for p in periods_by_campaign.get(pledge.campaign_id, []):
            if p.due >= today or not rules.owes(p.due, joined):
                continue
            report = reports.get((pledge.pk, p.pk))
            if report is not None and report.status == ProgressReport.Status.SUBMITTED:
                continue
            rows.append(
                OverdueRow(
                    pledge=pledge,
                    period=p,
                    days_overdue=(today - p.due).days,
                    report=report,
                    official_emails=emails.get(pledge.municipality_id, []),
                    officials=officials.get(pledge.municipality_id, []),
                )
            )
    rows.sort(key=lambda r: (-r.days_overdue, r.pledge.municipality.name, r.period.pk))
    return rows


def pledge_countries() -> list[str]:
    """ISO codes of the countries that have at least one pledge, for filters."""
    return list(
        Municipality.objects.filter(pledges__isnull=False)
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )


def queue_counts() -> dict[str, int]:
    return {
        "memberships": Membership.objects.filter(status=Membership.Status.REQUESTED).count(),
        "municipality_requests": MunicipalityRequest.objects.filter(
            status=MunicipalityRequest.Status.REQUESTED
        ).count(),
        "pledges": Pledge.objects.filter(status=Pledge.Status.SUBMITTED).count(),
        "overdue": len(overdue_reports()),
    }

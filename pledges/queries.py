"""Read-side helpers for reports and the staff work queue. Nothing here changes state.

Every function runs a fixed number of queries, whatever the number of rows: the staff
pages list hundreds of cities.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from accounts.geo import local_today
from accounts.models import Membership, Municipality, MunicipalityRequest
from campaign.models import ReportingPeriod

from . import rules
from .models import DelayRequest, Pledge, PledgeCommitment, ProgressReport
from .reports.review import pending_versions
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
    due: date | None = None  # when it is due for this pledge (rules.due_date); None: the period's
    delay: DelayRequest | None = None  # the latest request for more time, if any

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

    @property
    def is_delayed(self) -> bool:
        """A granted request moved the due date."""
        return self.due is not None and self.due != self.period.due

    @property
    def delay_pending(self) -> bool:
        return bool(self.delay and self.delay.status == DelayRequest.Status.PENDING)

    @property
    def can_ask_for_more_time(self) -> bool:
        """Where the report index offers to ask for more time (pledges/delays.py decides)."""
        latest = rules.latest_due_date(self.period.due)
        return (
            self.owed
            and self.state != "upcoming"
            and not self.is_submitted
            and not self.delay_pending
            and (self.due or self.period.due) < latest
            and self.today < latest
        )


def pledge_period_rows(pledge: Pledge) -> list[PeriodRow]:
    """Each of the campaign's periods, in order, with the pledge's report for it if any, the
    day it is due for the pledge and its latest request for more time (four queries)."""
    today = local_today(pledge.municipality)
    joined = rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
    reports = {r.period_id: r for r in ProgressReport.objects.filter(pledge=pledge)}
    granted = rules.granted_due_dates([pledge.pk])
    delays: dict[int, DelayRequest] = {}
    for delay in DelayRequest.objects.filter(pledge=pledge).order_by("requested_at", "pk"):
        delays[delay.period_id] = delay  # the latest
    rows = []
    for period in ReportingPeriod.objects.filter(campaign_id=pledge.campaign_id).order_by("opens"):
        due = rules.due_date(period.due, granted.get((pledge.pk, period.pk)))
        rows.append(
            PeriodRow(
                period=period,
                state=rules.period_status(opens=period.opens, due=due, today=today),
                report=reports.get(period.pk),
                correction_deadline=report_correction_deadline(period, due=due),
                today=today,
                owed=joined is None or rules.owes(period.due, joined),
                due=due,
                delay=delays.get(period.pk),
            )
        )
    return rows


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
    due: date | None = None  # when it was due for the pledge (rules.due_date: a granted delay counts)
    official_emails: list[str] = field(default_factory=list)
    officials: list[tuple[str, str]] = field(default_factory=list)  # (name or "", email), for the staff page

    @property
    def report_state(self) -> str:
        return "draft" if self.report else "not_started"


def overdue_reports(*, campaign=None, period=None, country: str = "") -> list[OverdueRow]:
    """Verified pledges whose report for a period is not submitted although the period is due.

    A period is overdue for a city once its due date for the pledge (rules.due_date: a day
    granted on a request for more time counts) has passed in the city's own time zone; days
    overdue count from that date. A period that was already due when the
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
    granted = rules.granted_due_dates([p.pk for p in pledges])
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
            due = rules.due_date(p.due, granted.get((pledge.pk, p.pk)))
            if due >= today or not rules.owes(p.due, joined):
                continue
            report = reports.get((pledge.pk, p.pk))
            if report is not None and report.status in rules.SUBMITTED_REPORT_STATUSES:
                continue
            rows.append(
                OverdueRow(
                    pledge=pledge,
                    period=p,
                    days_overdue=(today - due).days,
                    report=report,
                    due=due,
                    official_emails=emails.get(pledge.municipality_id, []),
                    officials=officials.get(pledge.municipality_id, []),
                )
            )
    rows.sort(key=lambda r: (-r.days_overdue, r.pledge.municipality.name, r.period.pk))
    return rows


def pending_delay_requests():
    """Requests for more time waiting for a decision, oldest first, with the pledge's city,
    campaign, period and asker (one query)."""
    return (
        DelayRequest.objects.filter(status=DelayRequest.Status.PENDING)
        .select_related("pledge__municipality", "pledge__campaign", "period", "requested_by")
        .order_by("requested_at", "pk")
    )


@dataclass
class DelayRow:
    request: DelayRequest
    current_due: date  # the day the period is due for the pledge now (rules.due_date)


def delay_rows(requests) -> list[DelayRow]:
    """Each request with the day its period is due for the pledge now (one query for all)."""
    requests = list(requests)
    granted = rules.granted_due_dates({r.pledge_id for r in requests})
    return [
        DelayRow(request=r, current_due=rules.due_date(r.period.due, granted.get((r.pledge_id, r.period_id))))
        for r in requests
    ]


def pledge_countries() -> list[str]:
    """ISO codes of the countries that have at least one pledge, for filters."""
    return list(
        Municipality.objects.filter(pledges__isnull=False)
        .values_list("country", flat=True)
        .distinct()
        .order_by("country")
    )


def count_in_one_query(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset has, in one SELECT of COUNT subqueries (the work queue's
    tabs count several queues on every page)."""
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets.values():
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        # Django's compiler wrote ``sql`` (no user input); its values travel as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(querysets, row, strict=True)}


def queue_counts() -> dict[str, int]:
    counts = count_in_one_query(
        {
            "memberships": Membership.objects.filter(status=Membership.Status.REQUESTED),
            "municipality_requests": MunicipalityRequest.objects.filter(status=MunicipalityRequest.Status.REQUESTED),
            "pledges": Pledge.objects.filter(status=Pledge.Status.SUBMITTED),
            "delays": DelayRequest.objects.filter(status=DelayRequest.Status.PENDING),
            "reviews": pending_versions(),
        }
    )
    counts["overdue"] = len(overdue_reports())
    return counts

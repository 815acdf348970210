"""What the public sees and what a city owes: each rule once. Every surface asks here: the
map, the list, the profiles, the dashboard, the counter and embeds, the API and downloads,
the read model that serves them, and the officials' report pages, reminders and calendar.

- **Public campaigns**: open and closed ones (``campaign.models.public_campaigns``).
- **Public pledges**: verified ones, and withdrawn ones that had been verified, of a public
  campaign. A withdrawn pledge stays on the record, marked withdrawn with its date (profile,
  API, downloads); drafts, submitted and rejected pledges never show. Of the public pledges,
  the **signatories** counted and drawn on the list, the map, the dashboard and the counter
  are the verified ones.
- **"Today" for a city**: the date in its own time zone (``accounts.geo.local_today``).
- **What a pledge owes**: a report for each period of its campaign due on or after the day it
  joined (was verified), in the city's time. A period already due that day is not owed: no
  report is asked, no reminder sent, nothing is late.
- **When a period is due for a pledge**: the period's due date, or the later day a campaign
  admin granted the city when it asked for more time (``pledges/delays.py``; the latest
  granted request wins): ``due_date`` and, for many pledges in one query,
  ``granted_due_dates``. The late state, the reminders, the calendar, the staff's overdue
  list and the public reporting state all follow it; what a pledge *owes* still follows the
  period's own due date.
- **What is late**: a report submitted after its period's due date for the pledge in the
  city's time, and an owed period past that date with no submitted report.
- **A pledge's reporting state**: ``late`` when an owed period past due has no report or a
  late one; ``on_time`` when it owes past periods all reported on time, or has published a
  report; ``none`` otherwise; ``withdrawn`` for a withdrawn pledge.
- **A submitted report**: one the city has submitted (``SUBMITTED_REPORT_STATUSES``), whether
  the campaign team has published it, is still reading it or asked for changes: lateness,
  reminders and the reporting state are about the city. **What a report says in public** is
  its latest *published* version only (``latest_published_versions``): a version waiting for
  review, or sent back for changes, is never shown.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from accounts.geo import local_date, zone_named
from campaign.models import public_campaigns
from pledges.models import DelayRequest, Pledge, ProgressReport, ReportVersion

PUBLIC_PLEDGE_STATUSES = (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)

ON_TIME, LATE, NONE, WITHDRAWN = "on_time", "late", "none", "withdrawn"

# A city may ask for a due date at most this many days after the period's own due date.
DELAY_MAX_DAYS = 180
REPORTING_STATES = (ON_TIME, LATE, NONE, WITHDRAWN)


def public_pledges() -> QuerySet[Pledge]:
    """Verified pledges, and withdrawn ones that had been verified, of public campaigns."""
    return Pledge.objects.filter(
        status__in=PUBLIC_PLEDGE_STATUSES, verified_at__isnull=False, campaign__in=public_campaigns()
    )


SUBMITTED_REPORT_STATUSES = (ProgressReport.Status.SUBMITTED, ProgressReport.Status.CHANGES_REQUESTED)


def latest_published_versions() -> QuerySet[ReportVersion]:
    """Each report's latest published version (none for a report never published): what
    the public may read of it. One query with its subquery, whatever the number."""
    latest = (
        ReportVersion.objects.filter(report=OuterRef("report"), published_at__isnull=False)
        .order_by("-number")
        .values("number")[:1]
    )
    return ReportVersion.objects.filter(published_at__isnull=False, number=Subquery(latest))


def signatories() -> QuerySet[Pledge]:
    """The public pledges that count as signatories: the verified ones."""
    return public_pledges().filter(status=Pledge.Status.VERIFIED)


def is_public(pledge: Pledge) -> bool:
    return (
        pledge.status in PUBLIC_PLEDGE_STATUSES
        and pledge.verified_at is not None
        and pledge.campaign.status in pledge.campaign.PUBLIC_STATUSES
    )


def joined_on(verified_at: datetime | None, time_zone: str | None) -> date | None:
    """The day, in the city's time, a pledge was verified: when it joined the campaign."""
    return local_date(verified_at, time_zone) if verified_at else None


def owes(due: date, joined: date | None) -> bool:
    """Whether a pledge that joined on ``joined`` owes the report of a period due on ``due``.
    Before it is verified (``joined`` None) a pledge owes nothing yet, but may prepare."""
    return joined is not None and due >= joined


def owed_filter(joined_field: str, due: date | F) -> Q:
    """owes() as a filter on rows whose joined day is the column ``joined_field``: those
    that owe the period due on ``due`` (a date, or a column). A null joined day owes
    nothing, as in SQL a comparison with null is never true."""
    return Q(**{f"{joined_field}__lte": due})


def due_date(period_due: date, granted_due: date | None) -> date:
    """The day a period's report is due for one pledge: the period's due date, or the later
    day granted to the city (a period moved later than a grant keeps its own date)."""
    return max(period_due, granted_due) if granted_due else period_due


def latest_due_date(period_due: date) -> date:
    """The latest day a city may ask for: DELAY_MAX_DAYS after the period's own due date."""
    return period_due + timedelta(days=DELAY_MAX_DAYS)


def granted_due_dates(pledge_ids: Iterable[int] | QuerySet) -> dict[tuple[int, int], date]:
    """(pledge id, period id) -> the day granted by the latest granted request for more
    time, for many pledges in one query. Pairs with no granted request are absent."""
    ids = pledge_ids if isinstance(pledge_ids, QuerySet) else list(pledge_ids)
    granted: dict[tuple[int, int], date] = {}
    for pledge_id, period_id, day in (
        DelayRequest.objects.filter(pledge_id__in=ids, status=DelayRequest.Status.GRANTED)
        .order_by("decided_at", "pk")
        .values_list("pledge_id", "period_id", "requested_due")
    ):
        granted[(pledge_id, period_id)] = day  # the latest decision wins
    return granted


def pledge_due_date(pledge_id: int, period: Any) -> date:
    """``due_date`` of one pledge's period (one query)."""
    return due_date(period.due, granted_due_dates([pledge_id]).get((pledge_id, period.pk)))


def period_status(*, opens: date, due: date, today: date) -> str:
    """ "upcoming", "open" or "past" for a period that opens on ``opens`` and is due for the
    pledge on ``due`` (``due_date``), on the city's ``today``."""
    if today < opens:
        return "upcoming"
    return "open" if today <= due else "past"


def is_late(submitted_at: datetime, due: date, time_zone: str | None) -> bool:
    """A report submitted after its due date, in the city's time."""
    return local_date(submitted_at, time_zone) > due


def reporting_state(
    *,
    due_dates: Iterable[tuple[int, date]],
    submitted: Mapping[int, bool],
    today: date,
    joined: date | None,
    withdrawn: bool = False,
    granted: Mapping[int, date] | None = None,
) -> str:
    """One pledge's state. ``due_dates``: (period id, due date) of its campaign's periods;
    ``submitted``: period id -> whether its submitted report was late; ``today`` and
    ``joined`` in the city's time; ``granted``: period id -> the day granted to the pledge."""
    if withdrawn:
        return WITHDRAWN
    granted = granted or {}
    owed_and_past = [pk for pk, due in due_dates if due_date(due, granted.get(pk)) < today and owes(due, joined)]
    if any(submitted.get(pk, True) for pk in owed_and_past):
        return LATE
    if owed_and_past or submitted:
        return ON_TIME
    return NONE


def state_changes_at(
    *,
    due_dates: Iterable[tuple[int, date]],
    today: date,
    joined: date | None,
    time_zone: str,
    granted: Mapping[int, date] | None = None,
) -> datetime | None:
    """The next moment the reporting state may change with no change of data: the end of
    the next owed due date (``due_date``: a granted day counts), in the city's time (None
    when no owed period is still ahead). ``due_dates`` and ``granted`` as for reporting_state."""
    granted = granted or {}
    effective = [(due_date(due, granted.get(pk)), due) for pk, due in due_dates]
    ahead = [day for day, due in effective if day >= today and owes(due, joined)]
    if not ahead:
        return None
    return datetime.combine(min(ahead) + timedelta(days=1), time(0), tzinfo=zone_named(time_zone))

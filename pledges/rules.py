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
- **What is late**: a report submitted after its period's due date in the city's time, and
  an owed period past due with no submitted report.
- **A pledge's reporting state**: ``late`` when an owed period past due has no report or a
  late one; ``on_time`` when it owes past periods all reported on time, or has published a
  report; ``none`` otherwise; ``withdrawn`` for a withdrawn pledge.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q, QuerySet

from accounts.geo import local_date, zone_named
from campaign.models import public_campaigns
from pledges.models import Pledge

PUBLIC_PLEDGE_STATUSES = (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)

ON_TIME, LATE, NONE, WITHDRAWN = "on_time", "late", "none", "withdrawn"
REPORTING_STATES = (ON_TIME, LATE, NONE, WITHDRAWN)


def public_pledges() -> QuerySet[Pledge]:
    """Verified pledges, and withdrawn ones that had been verified, of public campaigns."""
    return Pledge.objects.filter(
        status__in=PUBLIC_PLEDGE_STATUSES, verified_at__isnull=False, campaign__in=public_campaigns()
    )


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
) -> str:
    """One pledge's state. ``due_dates``: (period id, due date) of its campaign's periods;
    ``submitted``: period id -> whether its submitted report was late; ``today`` and
    ``joined`` in the city's time."""
    if withdrawn:
        return WITHDRAWN
    owed_and_past = [pk for pk, due in due_dates if due < today and owes(due, joined)]
    if any(submitted.get(pk, True) for pk in owed_and_past):
        return LATE
    if owed_and_past or submitted:
        return ON_TIME
    return NONE


def state_changes_at(*, due_dates: Iterable[date], today: date, joined: date | None, time_zone: str) -> datetime | None:
    """The next moment the reporting state may change with no change of data: the end of
    the next owed due date, in the city's time (None when no owed period is still ahead)."""
    ahead = [due for due in due_dates if due >= today and owes(due, joined)]
    if not ahead:
        return None
    return datetime.combine(min(ahead) + timedelta(days=1), time(0), tzinfo=zone_named(time_zone))

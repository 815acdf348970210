"""The reminder engine: which reporting reminders are due when, claimed once, sent once.

Entry points (the Celery tasks in pledges/tasks.py and `manage.py send_due_reminders` call
these and nothing else):

- `due_reminders(now)`: what is due at `now`, claimed or not (read only; `--dry-run`).
- `scan_due_reminders(now, dispatch)`: claims what is due, recovers stale claims and hands
  each claimed row to `dispatch` after commit (by default the `send_reminder` task).
- `deliver_reminder(log_id, now)`: sends one claimed reminder (the `send_reminder` task).
- `send_daily_digests(now, dispatch)` and `deliver_digest(log_id, now)`: the same for the
  campaign admins' daily digest.

What is due
-----------

For each OPEN campaign, each of its reporting periods, each VERIFIED pledge of the campaign
that owes a report for the period (a period already due on the day the pledge was verified
is not owed, as in pledges/queries.py) and has not SUBMITTED it, and each offset in
`campaign.reminder_offsets` (negative: days before the due date, positive: days after), a
reminder of kind "before_<n>" or "overdue_<n>" goes to every approved, active official of
the municipality. Its moment is 09:00 in the municipality's own time zone on the day
due + offset (REMINDER_LOCAL_HOUR): Tokyo hears at 00:00 UTC, São Paulo at 12:00 UTC.

The due date is the period's for the pledge (pledges.rules.due_date): when a campaign admin
grants more time, the reminders follow the granted day. Each kind is still sent once per
period and official (the log's key): a "7 days left" sent for the old date is not sent
again, so moving the date later leaves the kinds not sent yet to fire against the new date.

A reminder stays due from its moment until the first of:

- the moment of the pledge's next reminder for the period, which supersedes it (a scan
  that was down for three weeks sends "7 days left", not also the stale "30 days left");
- for a "before" reminder, the end of the due date in the city's time zone: once the date
  has passed, "n days left" would be false, and the overdue reminders take over;
- the catch-up window, REMINDER_CATCH_UP_DAYS (7) after its moment. A beat or worker that
  was down for up to a week catches up once; beyond that the notice is considered stale and
  dropped, so that switching reminders on for an old campaign does not flood inboxes.

Reminders whose moment came before the pledge was verified are not sent: reminders begin
with verification (the "verified" email already tells the city what to do next).

Exactly once
------------

1. Claim. The scan inserts one `ReminderLog` row per (pledge, period, kind, recipient) with
   status "claimed" and a token unique to that scan, using INSERT ... ON CONFLICT DO
   NOTHING (`bulk_create(ignore_conflicts=True)`), then reads back the rows carrying its
   token: those, and only those, are its to send. Two beats, a redelivered scan or two
   concurrent `send_due_reminders` runs claim each reminder once (on PostgreSQL the second
   insert waits on the unique index for the first transaction and then does nothing).
2. Send. The `send_reminder` task locks the row (SELECT ... FOR UPDATE SKIP LOCKED: a
   second worker handling the same row skips it instead of waiting), returns if it is no
   longer "claimed", re-checks that the reminder is still relevant (report not submitted
   in between, official still approved...; otherwise "cancelled"), and in ONE transaction
   records the email delivery (`queue_email(..., category="reminder",
   idempotency_key="reminder:<row id>")`) and marks the row "sent". The delivery row is
   the outbox: campaign/delivery.py hands it to SMTP after commit, with its own retries.
3. Recover. A task killed after the claim and before that commit (worker lost, broker
   restarted, database down) leaves the row "claimed" with no delivery. Each scan picks
   the claimed rows older than REMINDER_STALE_CLAIM_MINUTES (15), bumps their attempt
   count and claim time and hands them out again; after REMINDER_MAX_ATTEMPTS (5) the row
   is marked "failed" and staff see it in the admin.

At least once or at most once? At this layer, exactly once: marking the row sent and
recording the delivery commit together, so there is no window in which one happened
without the other, and the idempotency key makes even a second `queue_email` for the same
row a no-op. A lost task is recovered (at least once), a duplicated task finds the row
sent (at most once). What remains is the SMTP layer's own window, described in
campaign/delivery.py: a crash after the SMTP server accepted the message and before the
delivery row was marked sent can deliver that one message twice. We accept that rather than
risk losing a reminder (the alternative, marking sent before the SMTP handoff, turns every
such crash into a silently missing reminder).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation

from accounts.access import campaign_admins, is_campaign_admin
from accounts.geo import zone_named
from accounts.models import Membership
from accounts.services import name_for
from campaign.models import Campaign, ReportingPeriod
from campaign.outbox.emails import queue_email

from . import rules
from .models import DigestLog, Pledge, ProgressReport, ReminderLog
from .queries import overdue_reports, pending_delay_requests, pending_memberships, submitted_pledges

log = logging.getLogger(__name__)

REMINDER_LOCAL_HOUR = int(getattr(settings, "REMINDER_LOCAL_HOUR", 9))
CATCH_UP = timedelta(days=int(getattr(settings, "REMINDER_CATCH_UP_DAYS", 7)))
STALE_CLAIM = timedelta(minutes=float(getattr(settings, "REMINDER_STALE_CLAIM_MINUTES", 15)))
MAX_ATTEMPTS = int(getattr(settings, "REMINDER_MAX_ATTEMPTS", 5))
# The digest goes out once a day from this UTC hour (the beat runs it at 07:00 UTC).
DIGEST_TOP_ITEMS = 5
MAX_ERROR_LENGTH = 2000

REMINDER_TEMPLATE = "reminder"
DIGEST_TEMPLATE = "digest"

Dispatch = Callable[[int], None]


# --- kinds, zones and moments -------------------------------------------------------------


def kind_for_offset(offset: int) -> str:
    """-7 → "before_7", 30 → "overdue_30"."""
    if offset == 0:
        raise ValueError("A reminder offset cannot be zero")
    return f"before_{-offset}" if offset < 0 else f"overdue_{offset}"


def offset_for_kind(kind: str) -> int:
    phase, _sep, days = kind.partition("_")
    if phase not in ("before", "overdue") or not days.isdigit():
        raise ValueError(f"Unknown reminder kind {kind!r}")
    return -int(days) if phase == "before" else int(days)


def zone_of(municipality) -> ZoneInfo:
    return zone_named(municipality.time_zone)


def reminder_moment(due: date, offset: int, zone: ZoneInfo) -> datetime:
    """09:00 local on due + offset, as an aware datetime (compare it with any aware datetime)."""
    return datetime.combine(due + timedelta(days=offset), time(REMINDER_LOCAL_HOUR), tzinfo=zone)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def _offsets(campaign: Campaign) -> list[int]:
    values = campaign.reminder_offsets if isinstance(campaign.reminder_offsets, list) else []
    return sorted({o for o in values if isinstance(o, int) and not isinstance(o, bool) and o != 0})


def current_offset(*, due: date, offsets: list[int], zone: ZoneInfo, now: datetime, not_before: datetime | None):
    """The one offset whose reminder is due at `now` for this due date, or None (see the
    module docstring: superseded by the next one, before-reminders end with the due date,
    the catch-up window, nothing from before `not_before`)."""
    chosen = None
    for index, offset in enumerate(offsets):
        moment = reminder_moment(due, offset, zone)
        if moment > now:
            break
        following = offsets[index + 1] if index + 1 < len(offsets) else None
        if following is not None and reminder_moment(due, following, zone) <= now:
            continue  # superseded
        if now >= moment + CATCH_UP:
            continue  # stale
        if offset < 0 and now >= end_of_day(due, zone):
            continue  # "n days left" is no longer true
        if not_before is not None and moment < not_before:
            continue  # before the pledge was verified
        chosen = offset
    return chosen


# --- what is due ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    pledge: Pledge
    period: ReportingPeriod
    kind: str
    recipient_id: int
    recipient_email: str
    moment: datetime
    due: date | None = None  # the period's due date for the pledge (rules.due_date)

    @property
    def key(self) -> tuple[int, int, str, int]:
        return (self.pledge.pk, self.period.pk, self.kind, self.recipient_id)


def _official_recipients(municipality_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    recipients: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            municipality_id__in=set(municipality_ids), status=Membership.Status.APPROVED, user__is_active=True
        )
        .order_by("user__email")
        .values_list("municipality_id", "user_id", "user__email")
        .distinct()
    )
    for municipality_id, user_id, email in rows:
        recipients[municipality_id].append((user_id, email))
    return recipients


def due_reminders(now: datetime | None = None, *, include_claimed: bool = False) -> list[DueReminder]:
    """Every reminder due at `now`, one per recipient. Unless `include_claimed`, the ones
    already in the log (claimed, sent, failed or cancelled) are left out. Read only; a
    fixed number of queries whatever the number of pledges."""
    now = now or timezone.now()
    utc_today = now.astimezone(ZoneInfo("UTC")).date()
    # The database narrows by dates (a day of slack for time zones), each city's clock decides.
    span = timedelta(days=366) + CATCH_UP + timedelta(days=2)
    delayed = timedelta(days=rules.DELAY_MAX_DAYS)  # a granted day lies at most this far after the period's
    campaigns = {c.pk: c for c in Campaign.objects.filter(status=Campaign.Status.OPEN)}
    campaigns = {pk: c for pk, c in campaigns.items() if _offsets(c)}
    if not campaigns:
        return []
    periods: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(
        campaign_id__in=campaigns, due__gte=utc_today - span - delayed, due__lte=utc_today + span
    ).order_by("due", "pk"):
        periods[period.campaign_id].append(period)
    if not periods:
        return []
    pledges = list(
        Pledge.objects.filter(campaign_id__in=periods, status=Pledge.Status.VERIFIED)
        .select_related("campaign", "municipality")
        .order_by("pk")
    )
    if not pledges:
        return []
    submitted = set(
        ProgressReport.objects.filter(
            pledge__in=pledges,
            period__in=[p for ps in periods.values() for p in ps],
            status__in=rules.SUBMITTED_REPORT_STATUSES,
        ).values_list("pledge_id", "period_id")
    )
    recipients = _official_recipients(p.municipality_id for p in pledges)
    granted = rules.granted_due_dates([p.pk for p in pledges])

    found: list[DueReminder] = []
    for pledge in pledges:
        people = recipients.get(pledge.municipality_id)
        if not people:
            continue
        zone = zone_of(pledge.municipality)
        verified_at = pledge.verified_at
        joined = rules.joined_on(verified_at, pledge.municipality.time_zone)
        offsets = _offsets(campaigns[pledge.campaign_id])
        for period in periods[pledge.campaign_id]:
            if (pledge.pk, period.pk) in submitted or not rules.owes(period.due, joined):
                continue
            due = rules.due_date(period.due, granted.get((pledge.pk, period.pk)))
            offset = current_offset(due=due, offsets=offsets, zone=zone, now=now, not_before=verified_at)
            if offset is None:
                continue
            moment = reminder_moment(due, offset, zone)
            kind = kind_for_offset(offset)
            for user_id, email in people:
                found.append(DueReminder(pledge, period, kind, user_id, email, moment, due))
    if found and not include_claimed:
        taken = set(
            ReminderLog.objects.filter(pledge__in={d.pledge.pk for d in found}).values_list(
                "pledge_id", "period_id", "kind", "recipient_id"
            )
        )
        found = [d for d in found if d.key not in taken]
    return found


# --- claiming and scanning ------------------------------------------------------------------


def claim(due: list[DueReminder], *, now: datetime | None = None) -> list[ReminderLog]:
    """Insert a claimed row for each reminder; return the rows this call inserted. A
    reminder claimed before (by anyone) is not returned: ON CONFLICT DO NOTHING."""
    if not due:
        return []
    now = now or timezone.now()
    token = uuid.uuid4().hex
    ReminderLog.objects.bulk_create(
        [
            ReminderLog(
                pledge_id=d.pledge.pk,
                period_id=d.period.pk,
                kind=d.kind,
                recipient_id=d.recipient_id,
                status=ReminderLog.Status.CLAIMED,
                due_at=d.moment,
                claimed_at=now,
                claim_token=token,
            )
            for d in due
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return list(ReminderLog.objects.filter(claim_token=token).order_by("pk"))


def _reclaim_stale(model, *, now: datetime, limit: int = 500) -> tuple[list[int], list[int]]:
    """Claimed rows whose send never finished: hand them out again, or give up. Rows a
    sender holds locked right now are skipped (SKIP LOCKED)."""
    requeued, given_up = [], []
    stale = (
        model.objects.select_for_update(skip_locked=True)
        .filter(status=model.Status.CLAIMED, sent_at__isnull=True, claimed_at__lt=now - STALE_CLAIM)
        .order_by("claimed_at", "pk")[:limit]
    )
    for row in stale:
        if row.attempts >= MAX_ATTEMPTS:
            row.status = model.Status.FAILED
            row.error = f"Not sent after {row.attempts} attempts: each sending task was lost."
            row.save(update_fields=["status", "error"])
            given_up.append(row.pk)
        else:
            row.attempts += 1
            row.claimed_at = now
            row.save(update_fields=["attempts", "claimed_at"])
            requeued.append(row.pk)
    return requeued, given_up


def _hand_out(ids: list[int], dispatch: Dispatch) -> None:
    for pk in ids:
        # robust: a broker that is down leaves the row claimed; a later scan recovers it.
        transaction.on_commit(lambda pk=pk: dispatch(pk), robust=True)


@dataclass
class ScanResult:
    claimed: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    given_up: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"claimed": len(self.claimed), "requeued": len(self.requeued), "given_up": len(self.given_up)}


def scan_due_reminders(now: datetime | None = None, *, dispatch: Dispatch) -> ScanResult:
    """Claim what is due and what was lost, and hand each row to `dispatch` after commit.

    The beat task passes the `send_reminder` task's `delay` (which Celery runs in-process
    when there is no broker); `send_due_reminders` sends the rows itself."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = claim(due_reminders(now), now=now)
        requeued, given_up = _reclaim_stale(ReminderLog, now=now)
        result = ScanResult(claimed=[r.pk for r in rows], requeued=requeued, given_up=given_up)
        _hand_out(result.claimed + result.requeued, dispatch)
    if result.claimed or result.requeued or result.given_up:
        log.info("reminder scan: %s", result.as_dict())
    return result


# --- sending one reminder -----------------------------------------------------------------


def _language_of(user) -> str:
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _why_not_due(row: ReminderLog, now: datetime) -> str:
    """Empty when the reminder should still go out; else why not (recorded on the row)."""
    pledge = row.pledge
    if pledge.status != Pledge.Status.VERIFIED:
        return f"The pledge is {pledge.status}."
    if pledge.campaign.status != Campaign.Status.OPEN:
        return "The campaign is not open."
    if ProgressReport.objects.filter(
        pledge=pledge, period=row.period, status__in=rules.SUBMITTED_REPORT_STATUSES
    ).exists():
        return "The report was submitted."
    if (
        not row.recipient.is_active
        or not Membership.objects.filter(
            user_id=row.recipient_id, municipality_id=pledge.municipality_id, status=Membership.Status.APPROVED
        ).exists()
    ):
        return "The recipient no longer acts for the municipality."
    zone = zone_of(pledge.municipality)
    if offset_for_kind(row.kind) < 0 and now >= end_of_day(rules.pledge_due_date(pledge.pk, row.period), zone):
        return "The due date has passed."
    if now >= row.due_at + CATCH_UP:
        return "Too late: the catch-up window has passed."
    return ""


def reminder_context(row: ReminderLog, now: datetime) -> dict:
    """The JSON-serialisable context of the reminder email, in the recipient's language."""
    pledge, period = row.pledge, row.period
    language = _language_of(row.recipient)
    zone = zone_of(pledge.municipality)
    due = rules.pledge_due_date(pledge.pk, period)
    days = (due - now.astimezone(zone).date()).days
    report = ProgressReport.objects.filter(pledge=pledge, period=period).only("status").first()
    with translation.override(language):
        period_label = str(period.label)
        campaign_title = str(pledge.campaign.title)
        due_display = formats.date_format(due, "DATE_FORMAT")
    return {
        "kind": row.kind,
        "phase": "before" if offset_for_kind(row.kind) < 0 else "overdue",
        "municipality": name_for(pledge.municipality, language),
        "period": period_label,
        "campaign_title": campaign_title,
        "due_date": due.isoformat(),
        "due_date_display": due_display,
        "days_left": max(days, 0),
        "days_overdue": max(-days, 0),
        "has_draft": report is not None,
        "pledge_id": pledge.pk,
        "period_id": period.pk,
        "language": language,
    }


def deliver_reminder(log_id: int, now: datetime | None = None) -> str:
    """Send one claimed reminder. Returns the row's status afterwards, or "busy" when another
    worker holds it, or "missing". Safe to call any number of times."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ReminderLog.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("pledge__campaign", "pledge__municipality", "period", "recipient")
            .filter(pk=log_id)
            .first()
        )
        if row is None:
            return "busy" if ReminderLog.objects.filter(pk=log_id).exists() else "missing"
        if row.status != ReminderLog.Status.CLAIMED or row.sent_at is not None:
            return row.status
        reason = _why_not_due(row, now)
        if reason:
            row.status = ReminderLog.Status.CANCELLED
            row.error = reason
            row.save(update_fields=["status", "error"])
            return row.status
        try:
            with transaction.atomic():
                queue_email(
                    template=REMINDER_TEMPLATE,
                    to_user_id=row.recipient_id,
                    context=reminder_context(row, now),
                    category="reminder",
                    idempotency_key=row.idempotency_key,
                )
        except Exception as error:  # a bug or bad data: retrying the same row will not help
            log.exception("reminder %s could not be queued", row.pk)
            row.status = ReminderLog.Status.FAILED
            row.error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
            row.save(update_fields=["status", "error"])
            return row.status
        row.status = ReminderLog.Status.SENT
        row.sent_at = now
        row.error = ""
        row.save(update_fields=["status", "sent_at", "error"])
        return row.status


# --- the campaign admins' daily digest ----------------------------------------------------


def waiting_work() -> dict:
    """What waits for the campaign team: counts and the oldest items of each kind."""
    memberships = pending_memberships()
    pledges = submitted_pledges()
    overdue = overdue_reports()
    delays = pending_delay_requests()
    return {
        "memberships_count": memberships.count(),
        "memberships": list(memberships[:DIGEST_TOP_ITEMS]),
        "pledges_count": pledges.count(),
        "pledges": list(pledges[:DIGEST_TOP_ITEMS]),
        "overdue_count": len(overdue),
        "overdue": overdue[:DIGEST_TOP_ITEMS],
        "delays_count": delays.count(),
        "delays": list(delays[:DIGEST_TOP_ITEMS]),
    }


def waiting_total(work: dict) -> int:
    return work["memberships_count"] + work["pledges_count"] + work["overdue_count"] + work.get("delays_count", 0)


def digest_context(work: dict, *, language: str, day: date) -> dict:
    with translation.override(language):
        return {
            "language": language,
            "day_display": formats.date_format(day, "DATE_FORMAT"),
            "total": waiting_total(work),
            "memberships_count": work["memberships_count"],
            "memberships": [
                {
                    "person": m.user.get_full_name(),
                    "municipality": m.municipality.name,
                    "requested_on": formats.date_format(m.requested_at.date(), "DATE_FORMAT"),
                }
                for m in work["memberships"]
            ],
            "pledges_count": work["pledges_count"],
            "pledges": [
                {
                    "municipality": p.municipality.name,
                    "campaign": str(p.campaign.title),
                    "submitted_on": formats.date_format(p.submitted_at.date(), "DATE_FORMAT") if p.submitted_at else "",
                }
                for p in work["pledges"]
            ],
            "overdue_count": work["overdue_count"],
            "overdue": [
                {"municipality": r.pledge.municipality.name, "period": str(r.period.label), "days": r.days_overdue}
                for r in work["overdue"]
            ],
            "delays_count": work.get("delays_count", 0),
            "delays": [
                {
                    "municipality": d.pledge.municipality.name,
                    "period": str(d.period.label),
                    "date": formats.date_format(d.requested_due, "DATE_FORMAT"),
                }
                for d in work.get("delays", [])
            ],
        }


def digest_recipients():
    """The campaign team as the access layer defines it: staff without a second factor, when
    one is required, are not sent the private names and pledges the digest lists."""
    return campaign_admins()


def send_daily_digests(now: datetime | None = None, *, dispatch: Dispatch) -> ScanResult:
    """Claim today's (UTC) digest for each active campaign admin, if anything waits; hand the
    claimed rows to `dispatch` after commit. Nothing is claimed when nothing waits."""
    now = now or timezone.now()
    day = now.astimezone(ZoneInfo("UTC")).date()
    with transaction.atomic():
        requeued, given_up = _reclaim_stale(DigestLog, now=now)
        claimed: list[int] = []
        if waiting_total(waiting_work()):
            token = uuid.uuid4().hex
            DigestLog.objects.bulk_create(
                [
                    DigestLog(recipient_id=pk, day=day, claimed_at=now, claim_token=token)
                    for pk in digest_recipients().values_list("pk", flat=True)
                ],
                ignore_conflicts=True,
            )
            claimed = list(DigestLog.objects.filter(claim_token=token).order_by("pk").values_list("pk", flat=True))
        result = ScanResult(claimed=claimed, requeued=requeued, given_up=given_up)
        _hand_out(result.claimed + result.requeued, dispatch)
    return result


def deliver_digest(log_id: int, now: datetime | None = None) -> str:
    """Send one claimed digest with the work waiting now. Same protocol as `deliver_reminder`."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            DigestLog.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=log_id)
            .first()
        )
        if row is None:
            return "busy" if DigestLog.objects.filter(pk=log_id).exists() else "missing"
        if row.status != DigestLog.Status.CLAIMED or row.sent_at is not None:
            return row.status
        recipient = row.recipient
        work = waiting_work()
        still_admin = is_campaign_admin(recipient)
        if not still_admin or not waiting_total(work):
            row.status = DigestLog.Status.CANCELLED
            row.error = "Nothing waits any more." if still_admin else "The recipient is no longer a campaign admin."
            row.save(update_fields=["status", "error"])
            return row.status
        queue_email(
            template=DIGEST_TEMPLATE,
            to_user_id=recipient.pk,
            context=digest_context(work, language=_language_of(recipient), day=row.day),
            category="digest",
            idempotency_key=row.idempotency_key,
        )
        row.status = DigestLog.Status.SENT
        row.sent_at = now
        row.save(update_fields=["status", "sent_at"])
        return row.status

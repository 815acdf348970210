"""Celery tasks of pledges: the reminder engine (logic in reminders.py) and the announcement
fan-out (logic in announcements/fanout.py). Tasks load ids and call that logic.

Beat (django-celery-beat's database scheduler; migration 0003 registers both) runs
`scan_due_reminders` every ten minutes and `send_daily_digest` at 07:00 UTC. No task is
scheduled with a long ETA: the scan decides each time what is due, so a beat that was down
catches up at its next run (within the catch-up window).

Without a broker (no REDIS_URL) Celery runs these in-process, and
`manage.py send_due_reminders` does the same work for a cron job.
"""

import logging

from celery import group, shared_task
from django.conf import settings

from pledges import reminders
from pledges.announcements import fanout
from pledges.models import Announcement
from pledges.reports import uploads

log = logging.getLogger(__name__)

ANNOUNCEMENT_BATCH_SIZE = int(getattr(settings, "ANNOUNCEMENT_BATCH_SIZE", 50))


@shared_task(acks_late=True, ignore_result=True)
def scan_due_reminders():
    """Claim every reminder due now (and the lost ones) and queue one `send_reminder` each."""
    return reminders.scan_due_reminders(dispatch=send_reminder.delay).as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder(log_id: int):
    """Send one claimed reminder (a `ReminderLog` id). Running it twice sends once."""
    return reminders.deliver_reminder(log_id)


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digest():
    """Claim today's digest for each campaign admin, if anything waits, and queue `send_digest`."""
    return reminders.send_daily_digests(dispatch=send_digest.delay).as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_digest(log_id: int):
    """Send one claimed digest (a `DigestLog` id). Running it twice sends once."""
    return reminders.deliver_digest(log_id)


@shared_task(acks_late=True)
def announcement_fan_out(announcement_id: int):
    """Split the recipients of an announcement into batches, one task each."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None or announcement.status == Announcement.Status.DRAFT:
        return 0
    ids = fanout.announcement_recipient_ids(announcement.campaign_id)
    fanout.record_total(announcement, len(ids))
    batches = [ids[i : i + ANNOUNCEMENT_BATCH_SIZE] for i in range(0, len(ids), ANNOUNCEMENT_BATCH_SIZE)]
    if batches:
        group(announcement_send_batch.s(announcement_id, batch) for batch in batches).apply_async()
    return len(batches)


@shared_task(acks_late=True, ignore_result=True)
def resume_stalled_announcements():
    """Start again the fan-out of announcements whose task was never run (broker down when
    it was queued): batches create no duplicate deliveries, so resuming is safe."""
    ids = fanout.stalled_announcement_ids()
    for announcement_id in ids:
        log.warning("announcement %s stalled while sending: its fan-out starts again", announcement_id)
        announcement_fan_out.delay(announcement_id)
    return len(ids)


@shared_task(acks_late=True)
def announcement_send_batch(announcement_id: int, user_ids: list[int]):
    """Queue one delivery per recipient; re-running the batch creates no duplicates."""
    return fanout.queue_announcement_batch(announcement_id, user_ids)


@shared_task(acks_late=True, ignore_result=True)
def check_report_upload(upload_id: int):
    """Check an uploaded report spreadsheet row by row and apply it when every row is valid
    (pledges/reports/uploads.py). Running it twice checks once."""
    upload = uploads.upload_check(upload_id)
    return upload.status if upload else None

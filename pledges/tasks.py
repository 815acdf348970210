"""Celery tasks of the reminder engine. The logic is in pledges/reminders.py.

Beat (django-celery-beat's database scheduler; migration 0003 registers both) runs
`scan_due_reminders` every ten minutes and `send_daily_digest` at 07:00 UTC. No task is
scheduled with a long ETA: the scan decides each time what is due, so a beat that was down
catches up at its next run (within the catch-up window).

Without a broker (no REDIS_URL) Celery runs these in-process, and
`manage.py send_due_reminders` does the same work for a cron job.
"""

import logging

from celery import shared_task

from . import reminders

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def scan_due_reminders():
    """Claim every reminder due now (and the lost ones) and queue one `send_reminder` each."""
    return reminders.scan_due_reminders().as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder(log_id: int):
    """Send one claimed reminder (a `ReminderLog` id). Running it twice sends once."""
    return reminders.deliver_reminder(log_id)


@shared_task(acks_late=True, ignore_result=True)
def send_daily_digest():
    """Claim today's digest for each campaign admin, if anything waits, and queue `send_digest`."""
    return reminders.send_daily_digests().as_dict()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_digest(log_id: int):
    """Send one claimed digest (a `DigestLog` id). Running it twice sends once."""
    return reminders.deliver_digest(log_id)

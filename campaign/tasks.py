"""Celery tasks of the campaign app: sending each email, the stale-delivery sweep and the
announcement fan-out. The work is in campaign/delivery.py and campaign/announcements.py."""

import logging

from celery import group, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from . import delivery as delivery_lib

log = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = int(getattr(settings, "EMAIL_MAX_RETRIES", 6))
ANNOUNCEMENT_BATCH_SIZE = int(getattr(settings, "ANNOUNCEMENT_BATCH_SIZE", 50))


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=EMAIL_MAX_RETRIES)
def send_email(self, delivery_id: int):
    """Send one `EmailDelivery`. Safe to run twice: a sent row is skipped.

    acks_late: a worker killed mid-send leaves the message unacknowledged and the broker
    hands it to another worker (see delivery.py for the one duplicate window this leaves).
    """
    final = self.request.retries >= self.max_retries
    try:
        outcome = delivery_lib.deliver(delivery_id, final_attempt=final)
    except (OperationalError, InterfaceError) as error:
        # The database is down or locked: nothing was recorded (the transaction rolled
        # back), so try again later; after the last retry the row stays "queued" and the
        # stale-delivery sweep picks it up.
        if self.request.is_eager or final:
            raise
        raise self.retry(exc=error, countdown=delivery_lib.retry_countdown(self.request.retries)) from error
    if outcome.retry:
        if self.request.is_eager:
            # No broker to wait with: the row stays "retrying" and the stale-delivery
            # sweep (or `manage.py send_queued_emails`) sends it later.
            return outcome.status
        raise self.retry(countdown=delivery_lib.retry_countdown(self.request.retries), max_retries=self.max_retries)
    return outcome.status


@shared_task(bind=True, acks_late=True, max_retries=EMAIL_MAX_RETRIES)
def send_templated_email(self, *, template, to_user_id=None, to_email="", context=None):
    """Messages queued before deliveries were recorded: record one now and send it."""
    from django.db import transaction

    from .emails import queue_email

    with transaction.atomic():
        queue_email(template=template, to_user_id=to_user_id, to_email=to_email, context=context or {})


@shared_task(acks_late=True)
def requeue_stale_deliveries():
    count = delivery_lib.requeue_stale()
    if count:
        log.info("handed %s stale email deliveries to the workers again", count)
    return count


@shared_task(acks_late=True)
def announcement_fan_out(announcement_id: int):
    """Split the recipients of an announcement into batches, one task each."""
    from .announcements import announcement_recipient_ids, record_total
    from .models import Announcement

    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None or announcement.status == Announcement.Status.DRAFT:
        return 0
    ids = announcement_recipient_ids(announcement.campaign_id)
    record_total(announcement, len(ids))
    batches = [ids[i : i + ANNOUNCEMENT_BATCH_SIZE] for i in range(0, len(ids), ANNOUNCEMENT_BATCH_SIZE)]
    if batches:
        group(announcement_send_batch.s(announcement_id, batch) for batch in batches).apply_async()
    return len(batches)


@shared_task(acks_late=True)
def announcement_send_batch(announcement_id: int, user_ids: list[int]):
    """Queue one delivery per recipient; re-running the batch creates no duplicates."""
    from .announcements import queue_announcement_batch

    return queue_announcement_batch(announcement_id, user_ids)

"""Celery tasks of the outbox: sending each email and the stale-delivery sweep.
The work is in delivery.py."""

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from campaign.outbox import delivery as delivery_lib

log = logging.getLogger(__name__)

EMAIL_MAX_RETRIES = int(getattr(settings, "EMAIL_MAX_RETRIES", 6))


# Celery ships no types, so to mypy its decorator makes the tasks untyped (hence the ignores).
@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=EMAIL_MAX_RETRIES)  # type: ignore[untyped-decorator]
def send_email(self: Any, delivery_id: int) -> str:
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


@shared_task(acks_late=True)  # type: ignore[untyped-decorator]
def requeue_stale_deliveries(limit: int = 500) -> int:
    """Hand again to Celery the rows whose task may have been lost. Sending a row twice is
    harmless: `deliver()` locks it and finds it sent. Returns how many."""
    ids = delivery_lib.stale_delivery_ids(limit=limit)
    for pk in ids:
        send_email.delay(pk)
    if ids:
        log.info("handed %s stale email deliveries to the workers again", len(ids))
    return len(ids)

"""Every email the product sends goes through here.

`queue_email` is called inside a service's transaction. It records an `EmailDelivery` row
in that transaction and hands the row to Celery only once the transaction commits, so a
rolled-back change sends nothing. The task (delivery.py explains the whole path:
opt-outs, retries, the duplicate window) renders the templates in the recipient's
preferred language:

    templates/emails/<name>_subject.txt
    templates/emails/<name>_message.txt
    templates/emails/<name>_message.html   (optional; may extend emails/base_message.html)

Categories: "transactional" mail (accounts, membership answers, pledge decisions, reports
received) always goes out. "reminder", "digest" and "announcement" mail is non-essential:
it carries List-Unsubscribe headers and a visible unsubscribe link, and is not sent to a
user who opted out of its category. Non-essential mail goes to users, never to bare
addresses, since only a user can opt out.
"""

import logging
import uuid
from typing import Any

from django.db import transaction

from campaign.outbox.models import EmailCategory, EmailDelivery
from campaign.outbox.tasks import send_email

log = logging.getLogger(__name__)


def queue_email(
    *,
    template: str,
    to_user_id: int | None = None,
    to_email: str = "",
    context: dict[str, Any] | None = None,
    category: str = "transactional",
    idempotency_key: str = "",
    group_key: str = "",
) -> EmailDelivery:
    """Send `template` to a user (in their language) or to a bare address, after commit.

    The context must be JSON-serialisable: it is stored on the delivery row. Pass an
    `idempotency_key` (such as "reminder:<ReminderLog pk>") when the same message may be
    queued twice: the second call finds the first row and sends nothing new. Returns the
    `EmailDelivery`.
    """

    if category not in EmailCategory.values:
        raise ValueError(f"Unknown email category {category!r}")
    if not to_user_id and not to_email:
        raise ValueError("queue_email needs to_user_id or to_email")
    if not to_user_id and category != EmailCategory.TRANSACTIONAL:
        raise ValueError(f"{category} mail goes to users, who can opt out; a bare address cannot")
    key = idempotency_key or f"uuid:{uuid.uuid4().hex}"
    delivery, created = EmailDelivery.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient_id": to_user_id,
            "to_email": to_email,
            "template": template,
            "category": category,
            "context": context or {},
            "group_key": group_key,
        },
    )
    if created or delivery.status == EmailDelivery.Status.QUEUED:
        # A row still queued from an earlier call may have lost its task: handing it over
        # again is safe, as the task sends a row only once.
        # robust: with the broker down the request still succeeds; the row stays queued
        # and the stale-delivery sweep hands it over later.
        transaction.on_commit(lambda: send_email.delay(delivery.pk), robust=True)
    return delivery

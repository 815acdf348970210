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
user who opted out of its category. Non-essential mail goes to users, who can opt out here,
or to a bare address whose sender keeps its own list and gives its own one-click
unsubscribe address (``unsubscribe_url``: a city's followers, who have no account); the
headers and the visible link then point there.
"""

import logging
import uuid
from typing import Any

from django.db import transaction

from campaign.outbox.delivery import SENDER_UNSUBSCRIBE_KEY
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
    unsubscribe_url: str = "",
) -> EmailDelivery:
    """Send `template` to a user (in their language) or to a bare address, after commit.

    The context must be JSON-serialisable: it is stored on the delivery row. Pass an
    `idempotency_key` (such as "reminder:<ReminderLog pk>") when the same message may be
    queued twice: the second call finds the first row and sends nothing new. Returns the
    `EmailDelivery`.

    `unsubscribe_url`: for non-essential mail to a bare address, the sender's own address
    where one click (RFC 8058 POST, without a CSRF token) takes the address off its list.
    It is kept in the context as ``list_unsubscribe_url``.
    """

    if category not in EmailCategory.values:
        raise ValueError(f"Unknown email category {category!r}")
    if not to_user_id and not to_email:
        raise ValueError("queue_email needs to_user_id or to_email")
    if unsubscribe_url and to_user_id:
        raise ValueError("a user unsubscribes through the outbox's own link; unsubscribe_url is for bare addresses")
    if not to_user_id and category != EmailCategory.TRANSACTIONAL and not unsubscribe_url:
        raise ValueError(f"{category} mail goes to users, who can opt out; a bare address cannot")
    if unsubscribe_url and category == EmailCategory.TRANSACTIONAL:
        raise ValueError("transactional mail cannot be unsubscribed from")
    context = dict(context or {})
    if unsubscribe_url:
        context[SENDER_UNSUBSCRIBE_KEY] = unsubscribe_url
    key = idempotency_key or f"uuid:{uuid.uuid4().hex}"
    delivery, created = EmailDelivery.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "recipient_id": to_user_id,
            "to_email": to_email,
            "template": template,
            "category": category,
            "context": context,
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

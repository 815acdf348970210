"""How every email is delivered: one `EmailDelivery` row per message, sent by a Celery task.

The path of a message
---------------------

1. A service calls `campaign.outbox.emails.queue_email(...)` inside its transaction. That creates
   an `EmailDelivery` row (status "queued") with a unique idempotency key, and hands
   `send_email(delivery_id)` to Celery with `transaction.on_commit`: a rolled-back change
   leaves no row and sends nothing.
2. The task (`campaign.outbox.tasks.send_email`, `acks_late`) calls `deliver()` here, which locks the
   row, skips it if it is already sent, suppressed or failed, suppresses it if the recipient
   opted out of its category, renders it in the recipient's language, sends it through
   Django's email backend and marks it sent, all in one transaction.
3. Temporary SMTP failures (4xx replies, a dropped connection, a timeout) leave the row
   "retrying" and the task retries with exponential backoff (`retry_countdown`); permanent
   ones (5xx) mark it "failed" and stop. Staff see both at /<lang>/staff/announcements/deliveries/
   and in the admin, and can send a failed message again.
4. `requeue_stale()` (task `campaign.outbox.tasks.requeue_stale_deliveries`, on the beat schedule
   every ten minutes, or `manage.py send_queued_emails`) hands again to Celery the rows that
   stayed "queued" because the broker was down at commit time, and the "retrying" rows
   whose retry was lost. Sending a row twice is harmless: `deliver()` locks it and finds it sent.

At most once? Nearly. The row is locked from before the SMTP conversation until the
transaction that marks it sent commits, so two workers running the same delivery (a
redelivered task, a re-run batch, the sweep) send it once: the second waits for the lock and
finds "sent". The remaining duplicate window is a crash after the SMTP server accepted the
message and before that transaction committed (worker killed, database connection lost):
the row is still "queued", the broker redelivers the unacknowledged task, and the recipient
gets the message a second time. Closing it would need the SMTP server to deduplicate (we
send a stable `X-Campaign-Delivery` header and Message-ID per attempt, not per delivery).

Running a worker against a given SMTP server (for integration and fault tests)
------------------------------------------------------------------------------

The backend comes from EMAIL_URL (django-environ), for example an aiosmtpd sink::

    python -m aiosmtpd -n -l 127.0.0.1:8025 &        # prints every message it receives
    export REDIS_URL=redis://127.0.0.1:6379/14 DATABASE_URL=postgres://postgres@127.0.0.1:5432/pledges_it
    export EMAIL_URL=smtp://127.0.0.1:8025           # smtp+tls://user:pass@host:587 for STARTTLS
    celery -A campaign worker -l info --concurrency 2
    celery -A campaign beat -l info                  # the stale-delivery sweep and the reminder scan

Timings, from the environment (campaign/settings.py): EMAIL_RETRY_BASE_SECONDS (60),
EMAIL_MAX_RETRIES (6, read when the worker starts), EMAIL_STALE_QUEUED_MINUTES (10),
EMAIL_STALE_RETRYING_MINUTES (90); for a fault test, EMAIL_RETRY_BASE_SECONDS=1 makes the
retries come within seconds. Each message carries `X-Campaign-Delivery: <row id>`, so a
test can match what the SMTP sink received with the rows. A test can make the
SMTP server answer 451 or 550 (aiosmtpd handler returning that status from handle_DATA or
handle_RCPT) and watch the row go "retrying" then "sent", or "failed" at once.
"""

from __future__ import annotations

import logging
import random
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from campaign.outbox import rendering
from campaign.outbox.models import OPTIONAL_EMAIL_CATEGORIES, EmailCategory, EmailDelivery, EmailOptOut
from campaign.outbox.signals import delivery_settled

log = logging.getLogger(__name__)

if TYPE_CHECKING:

    class Recipient(Protocol):
        """What the outbox reads of a user (the model lives in accounts, a layer above)."""

        @property
        def pk(self) -> Any: ...
        @property
        def email(self) -> str: ...
        @property
        def preferred_language(self) -> str: ...
        @property
        def is_active(self) -> bool: ...
        @property
        def salutation_name(self) -> str: ...  # "" without a name: the greeting is then neutral


# The salt keeps its first name so that links already sent keep working.
UNSUBSCRIBE_SALT = "campaign.emails.unsubscribe"
# The context key of a sender's own unsubscribe address, for non-essential mail to a bare
# address (emails.queue_email's ``unsubscribe_url``).
SENDER_UNSUBSCRIBE_KEY = "list_unsubscribe_url"
OPTIONAL_CATEGORY_VALUES = frozenset(c.value for c in OPTIONAL_EMAIL_CATEGORIES)
TERMINAL_STATUSES = (EmailDelivery.Status.SENT, EmailDelivery.Status.SUPPRESSED, EmailDelivery.Status.FAILED)
MAX_ERROR_LENGTH = 2000


def retry_base_seconds() -> float:
    return float(getattr(settings, "EMAIL_RETRY_BASE_SECONDS", 60))


def max_retries() -> int:
    return int(getattr(settings, "EMAIL_MAX_RETRIES", 6))


def retry_countdown(retries: int, *, base: float | None = None) -> float:
    """Seconds before retry number `retries` + 1: base * 2**retries plus up to one base of jitter.

    With the defaults (60 s, 6 retries) the last retry comes about an hour after the first
    attempt, and no countdown exceeds Redis's visibility timeout (3600 s), past which Redis
    would hand a waiting task to a second worker.
    """
    base = retry_base_seconds() if base is None else base
    delay: float = base * 2**retries  # int ** int is Any to mypy (a negative power is a float)
    return delay + random.uniform(0, base)  # noqa: S311 - jitter, not a secret


# --- opt-outs and unsubscribe tokens ----------------------------------------------------


def is_optional(category: str | None) -> bool:
    return category in OPTIONAL_CATEGORY_VALUES


def has_opted_out(user_id: int | None, category: str) -> bool:
    if not user_id or not is_optional(category):
        return False
    return EmailOptOut.objects.filter(user_id=user_id, category=category).exists()


def unsubscribe_token(user_id: int, category: str) -> str:
    """A signed, salted token naming the user and the category; it does not expire, as the
    link in an old message must still work."""
    if not is_optional(category):
        raise ValueError(f"{category!r} mail cannot be unsubscribed from")
    return signing.dumps({"u": user_id, "c": category}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, category), or signing.BadSignature for a tampered or foreign token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not is_optional(data.get("c")):
        raise signing.BadSignature("Unexpected unsubscribe token content")
    return data["u"], data["c"]


def unsubscribe_url(user_id: int, category: str) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("unsubscribe:confirm", args=[unsubscribe_token(user_id, category)])


def preferences_url(language: str) -> str:
    site_url: str = settings.SITE_URL
    with translation.override(language):
        return site_url + reverse("email_preferences")


# --- building the message ---------------------------------------------------------------


def resolve_recipient(delivery: EmailDelivery) -> tuple[Recipient | None, str, str]:
    """(user or None, address, language) as they are now: an address may have changed since queueing."""
    language = delivery.context.get("language") or settings.LANGUAGE_CODE
    user: Recipient | None = None
    address = delivery.to_email
    if delivery.recipient_id:
        user = get_user_model().objects.filter(pk=delivery.recipient_id).first()
        if user is not None:
            address = user.email
            language = user.preferred_language or language
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return user, address, language


def _footer(kind: str, language: str, context: dict[str, Any]) -> str:
    with translation.override(language):
        return render_to_string(f"emails/includes/unsubscribe_footer.{kind}", context)


def _with_footer_html(html: str, footer: str, url: str) -> str:
    if escape(url) in html or url in html:
        return html  # the layout already shows it (templates extending emails/base_message.html)
    closing = html.lower().rfind("</body>")
    if closing == -1:
        return html + footer
    return html[:closing] + footer + html[closing:]


def build_message(
    delivery: EmailDelivery, *, user: Recipient | None, address: str, language: str
) -> EmailMultiAlternatives:
    """Render the delivery's templates in `language`; headers and footer for non-essential mail."""
    context = dict(delivery.context)
    if user is not None:
        context = {"recipient_name": user.salutation_name, **context}
    context["language"] = language
    headers = {"X-Campaign-Delivery": str(delivery.pk)}
    sender_url = str(context.get(SENDER_UNSUBSCRIBE_KEY) or "") if user is None else ""
    optional = is_optional(delivery.category) and (user is not None or bool(sender_url))
    if optional:
        if user is not None:
            url = unsubscribe_url(user.pk, delivery.category)
            context["preferences_url"] = preferences_url(language)
        else:
            # A bare address on its sender's own list: the sender's link, no preferences page.
            url = sender_url
            context["own_list"] = True
        context.update(
            unsubscribe_url=url,
            email_category=delivery.category,
            email_category_label=_category_label(delivery.category, language),
        )
        # RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Auto-Submitted"] = "auto-generated"
    # Looked up on the module so that tests can spy on rendering.
    subject, text, html = rendering.render_email(template=delivery.template, language=language, context=context)
    if optional:
        footer_text = _footer("txt", language, context)
        if context["unsubscribe_url"] not in text:
            text = text.rstrip("\n") + "\n\n" + footer_text
        if html:
            html = _with_footer_html(html, _footer("html", language, context), context["unsubscribe_url"])
    message = EmailMultiAlternatives(subject=subject, body=text, to=[address], headers=headers)
    if html:
        message.attach_alternative(html, "text/html")
    return message


def _category_label(category: str, language: str) -> str:
    with translation.override(language):
        return str(EmailCategory(category).label)


# --- classifying failures ---------------------------------------------------------------


def is_temporary(error: BaseException) -> bool:
    """True for failures worth retrying: 4xx replies, dropped connections, timeouts."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        # -1: smtplib's code for a reply it could not read, as good as a dropped connection.
        return error.smtp_code == -1 or 400 <= error.smtp_code < 500
    # TimeoutError is socket.timeout.
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False  # SMTPNotSupportedError and other protocol errors: retrying will not help
    # Other OSErrors are network trouble: unreachable host, DNS failure.
    return isinstance(error, OSError)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


# --- sending ----------------------------------------------------------------------------


@dataclass
class Outcome:
    status: str
    retry: bool = False
    error: str = ""


def deliver(delivery_id: int, *, final_attempt: bool = False) -> Outcome:
    """Send one delivery once. `final_attempt`: a temporary failure is then recorded as failed."""
    with transaction.atomic():
        # The lock is held while the message is sent; see the module docstring.
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            log.warning("email delivery %s no longer exists", delivery_id)
            return Outcome(status="missing")
        if delivery.status in TERMINAL_STATUSES:
            return Outcome(status=delivery.status)
        user, address, language = resolve_recipient(delivery)
        delivery.language = language
        if delivery.recipient_id and user is None:
            return _finish(delivery, EmailDelivery.Status.FAILED, "The recipient's account no longer exists.")
        if is_optional(delivery.category) and (has_opted_out(delivery.recipient_id, delivery.category)):
            return _finish(delivery, EmailDelivery.Status.SUPPRESSED, "")
        if is_optional(delivery.category) and user is not None and not user.is_active:
            return _finish(delivery, EmailDelivery.Status.SUPPRESSED, "The recipient's account is inactive.")
        if not address:
            return _finish(delivery, EmailDelivery.Status.FAILED, "No address to send to.")
        delivery.to_email = address
        delivery.attempts += 1
        try:
            message = build_message(delivery, user=user, address=address, language=language)
        except Exception as error:
            log.exception("email delivery %s (%s) could not be rendered", delivery.pk, delivery.template)
            return _finish(delivery, EmailDelivery.Status.FAILED, describe(error))
        try:
            message.send()
        except Exception as error:
            if is_temporary(error) and not final_attempt:
                log.warning("email delivery %s: temporary failure, will retry: %s", delivery.pk, describe(error))
                delivery.status = EmailDelivery.Status.RETRYING
                delivery.last_error = describe(error)
                delivery.save(update_fields=["status", "last_error", "attempts", "language", "to_email", "updated_at"])
                return Outcome(status=delivery.status, retry=True, error=delivery.last_error)
            note = describe(error)
            if is_temporary(error):
                note = f"Gave up after {delivery.attempts} attempts. {note}"[:MAX_ERROR_LENGTH]
            log.error("email delivery %s failed: %s", delivery.pk, note)
            return _finish(delivery, EmailDelivery.Status.FAILED, note)
        delivery.sent_at = timezone.now()
        log.info("sent %s (delivery %s) to %s", delivery.template, delivery.pk, address)
        return _finish(delivery, EmailDelivery.Status.SENT, "")


def _finish(delivery: EmailDelivery, status: str, error: str) -> Outcome:
    delivery.status = status
    if error or status == EmailDelivery.Status.FAILED:
        delivery.last_error = error
    delivery.save()
    # robust: a listener's failure is logged; the delivery stays settled.
    transaction.on_commit(lambda: delivery_settled.send_robust(sender=EmailDelivery, delivery=delivery))
    return Outcome(status=status, error=error)


def stale_delivery_ids(*, limit: int = 500) -> list[int]:
    """The rows whose task may have been lost: queued or retrying for too long."""
    now = timezone.now()
    queued_before = now - timedelta(minutes=float(getattr(settings, "EMAIL_STALE_QUEUED_MINUTES", 10)))
    retrying_before = now - timedelta(minutes=float(getattr(settings, "EMAIL_STALE_RETRYING_MINUTES", 90)))
    stale = Q(status=EmailDelivery.Status.QUEUED, updated_at__lt=queued_before) | Q(
        status=EmailDelivery.Status.RETRYING, updated_at__lt=retrying_before
    )
    return list(EmailDelivery.objects.filter(stale).order_by("pk").values_list("pk", flat=True)[:limit])

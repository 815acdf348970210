"""Announcements: the campaign team writes to every approved official of the campaign's
submitted and verified signatories.

An announcement is written in one language, chosen by its author (the `language` field);
each recipient's message is wrapped (greeting, footer, unsubscribe link) in their own
language, and the announcement's text carries a `lang` attribute so that screen readers
pronounce it right. Writing separate French and Spanish versions means sending separate
announcements.

`announcement_send` marks the draft "sending" and, after commit, starts the fan-out task,
which splits the recipients into batches of ANNOUNCEMENT_BATCH_SIZE (50); each batch task
queues one `EmailDelivery` per recipient with the idempotency key
"announcement:<id>:<user id>", so a batch that runs twice sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_campaign_admin
from accounts.models import Membership, User
from campaign.models import Campaign
from campaign.outbox import delivery
from campaign.outbox.models import EmailCategory, EmailDelivery
from campaign.outbox.tasks import send_email
from pledges.announcements.fanout import (
    ANNOUNCEMENT_TEMPLATE,
    RECIPIENT_PLEDGE_STATUSES,
    announcement_context,
    announcement_recipients,
)
from pledges.models import Announcement, Pledge
from pledges.tasks import announcement_fan_out

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _clean(subject: str, body: str, language: str) -> tuple[str, str]:
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Write a subject.")
    if not body:
        errors["body"] = _("Write a message.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose one of the site's languages.")
    if errors:
        raise ValidationError(errors)
    return subject, body


def announcement_create(*, actor: User, campaign: Campaign, language: str, subject: str, body: str) -> Announcement:
    require_campaign_admin(actor)
    subject, body = _clean(subject, body, language)
    return Announcement.objects.create(campaign=campaign, language=language, subject=subject, body=body, author=actor)


def announcement_update(
    *, actor: User, announcement: Announcement, language: str, subject: str, body: str
) -> Announcement:
    require_campaign_admin(actor)
    subject, body = _clean(subject, body, language)
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.DRAFT:
            raise ValidationError(_("This announcement has already been sent; it can no longer be changed."))
        announcement.language, announcement.subject, announcement.body = language, subject, body
        announcement.save(update_fields=["language", "subject", "body", "updated_at"])
    return announcement


def announcement_send(*, actor: User, announcement: Announcement) -> Announcement:
    """Send a draft to every recipient, in batches, once."""
    require_campaign_admin(actor)
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.DRAFT:
            raise ValidationError(_("This announcement has already been sent."))
        total = announcement_recipients(announcement.campaign_id).count()
        if total == 0:
            raise ValidationError(_("This campaign has no approved officials of submitted or verified pledges yet."))
        announcement.status = Announcement.Status.SENDING
        announcement.total = total
        announcement.send_started_at = timezone.now()
        announcement.sent_by = actor
        announcement.save(update_fields=["status", "total", "send_started_at", "sent_by", "updated_at"])
        pk = announcement.pk
        transaction.on_commit(lambda: announcement_fan_out.delay(pk), robust=True)
    return announcement


def _delivery_counts(announcement: Announcement) -> dict[str, int]:
    return EmailDelivery.objects.filter(group_key=announcement.delivery_group).aggregate(
        created=Count("pk"),
        queued=Count("pk", filter=Q(status=EmailDelivery.Status.QUEUED)),
        retrying=Count("pk", filter=Q(status=EmailDelivery.Status.RETRYING)),
        sent=Count("pk", filter=Q(status=EmailDelivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=EmailDelivery.Status.FAILED)),
        suppressed=Count("pk", filter=Q(status=EmailDelivery.Status.SUPPRESSED)),
    )


def announcement_progress(announcement: Announcement) -> dict[str, Any]:
    """Where the sending stands, counted from the delivery rows. Reads only: the stored
    status and counts are kept by `announcement_record_progress`."""
    announcement.refresh_from_db(fields=["status", "total"])
    counts = _delivery_counts(announcement)
    total = max(announcement.total, counts["created"])
    done = counts["sent"] + counts["failed"] + counts["suppressed"]
    finished = announcement.status == Announcement.Status.SENT or (
        announcement.status == Announcement.Status.SENDING and bool(total) and done >= total
    )
    return {
        "status": Announcement.Status.SENT if finished else announcement.status,
        "total": total,
        "queued": counts["queued"] + max(total - counts["created"], 0),
        "retrying": counts["retrying"],
        "sent": counts["sent"],
        "failed": counts["failed"],
        "suppressed": counts["suppressed"],
        "done": done,
        "percent": round(100 * done / total) if total else 100,
        "finished": finished,
    }


@transaction.atomic
def announcement_record_progress(*, announcement_id: int) -> None:
    """Store the counts, and "sent" once every delivery has settled. Called each time one
    of the announcement's deliveries settles (the outbox's `delivery_settled` signal)."""
    announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if announcement is None or announcement.status != Announcement.Status.SENDING:
        return
    progress = announcement_progress(announcement)
    changes = {"sent_count": progress["sent"], "failed_count": progress["failed"]}
    if progress["finished"]:
        changes["status"] = Announcement.Status.SENT
    Announcement.objects.filter(pk=announcement.pk).update(**changes, updated_at=timezone.now())


def on_delivery_settled(sender: object, *, delivery: EmailDelivery, **kwargs: Any) -> None:
    announcement_id = Announcement.id_of_delivery_group(delivery.group_key)
    if announcement_id is not None:
        announcement_record_progress(announcement_id=announcement_id)


def attach_announcements(deliveries: Iterable[EmailDelivery]) -> None:
    """Set `.announcement` on each delivery of an announcement (None on the others), in one query."""
    deliveries = list(deliveries)
    ids = {Announcement.id_of_delivery_group(d.group_key) for d in deliveries} - {None}
    by_id = Announcement.objects.in_bulk(ids)
    for row in deliveries:
        # An attribute the model does not declare, for the template: setattr says so to mypy.
        setattr(row, "announcement", by_id.get(Announcement.id_of_delivery_group(row.group_key)))  # noqa: B010


def announcement_signatories(campaign_id: int) -> QuerySet[Pledge]:
    """The submitted and verified pledges whose officials receive the announcement, with how many."""
    return (
        Pledge.objects.filter(campaign_id=campaign_id, status__in=RECIPIENT_PLEDGE_STATUSES)
        .select_related("municipality")
        .annotate(
            n_officials=Count(
                "municipality__memberships",
                filter=Q(
                    municipality__memberships__status=Membership.Status.APPROVED,
                    municipality__memberships__user__is_active=True,
                ),
                distinct=True,
            )
        )
        .order_by("municipality__name")
    )


def announcement_preview(
    announcement: Announcement, *, user: User, language: str
) -> tuple[StrOrPromise, StrOrPromise, str, dict[str, Any]]:
    """(subject, text, html, headers) as `user` would receive it in `language`; nothing is sent."""
    draft = EmailDelivery(
        template=ANNOUNCEMENT_TEMPLATE,
        category=EmailCategory.ANNOUNCEMENT,
        context=announcement_context(announcement),
        recipient=user,
    )
    message = delivery.build_message(draft, user=user, address=user.email, language=language)
    # build_message attaches the HTML part as a str; the stubs allow any attachment content.
    html = cast(str, next((content for content, mimetype in message.alternatives if mimetype == "text/html"), ""))
    return message.subject, message.body, html, message.extra_headers


def delivery_requeue(*, actor: User, delivery: EmailDelivery) -> EmailDelivery:
    """Send a failed (or still retrying) message again, for example after fixing the mail server."""
    require_campaign_admin(actor)
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status not in (EmailDelivery.Status.FAILED, EmailDelivery.Status.RETRYING):
            raise ValidationError(_("Only failed or retrying messages can be sent again."))
        previous = delivery.last_error
        delivery.status = EmailDelivery.Status.QUEUED
        delivery.last_error = _("Sent again by %(admin)s. Previous error: %(error)s") % {
            "admin": actor.email,
            "error": previous,
        }
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        pk = delivery.pk
        transaction.on_commit(lambda: send_email.delay(pk), robust=True)
    return delivery

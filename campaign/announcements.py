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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import is_campaign_admin

from .emails import queue_email
from .models import Announcement, Campaign, EmailCategory, EmailDelivery

RECIPIENT_PLEDGE_STATUSES = ("submitted", "verified")
ANNOUNCEMENT_TEMPLATE = "announcement"


def _require_admin(actor):
    if not is_campaign_admin(actor):
        raise PermissionDenied(_("Only campaign admins can write announcements."))


def announcement_recipients(campaign_id: int):
    """Active users approved for a municipality whose pledge to this campaign is submitted or verified."""
    from accounts.models import Membership, User

    return (
        User.objects.filter(
            is_active=True,
            memberships__status=Membership.Status.APPROVED,
            memberships__municipality__pledges__campaign_id=campaign_id,
            memberships__municipality__pledges__status__in=RECIPIENT_PLEDGE_STATUSES,
        )
        .distinct()
        .order_by("pk")
    )


def announcement_recipient_ids(campaign_id: int) -> list[int]:
    return list(announcement_recipients(campaign_id).values_list("pk", flat=True))


def _clean(subject: str, body: str, language: str) -> tuple[str, str]:
    from django.conf import settings

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


def announcement_create(*, actor, campaign: Campaign, language: str, subject: str, body: str) -> Announcement:
    _require_admin(actor)
    subject, body = _clean(subject, body, language)
    return Announcement.objects.create(campaign=campaign, language=language, subject=subject, body=body, author=actor)


def announcement_update(*, actor, announcement: Announcement, language: str, subject: str, body: str) -> Announcement:
    _require_admin(actor)
    subject, body = _clean(subject, body, language)
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        if announcement.status != Announcement.Status.DRAFT:
            raise ValidationError(_("This announcement has already been sent; it can no longer be changed."))
        announcement.language, announcement.subject, announcement.body = language, subject, body
        announcement.save(update_fields=["language", "subject", "body", "updated_at"])
    return announcement


def announcement_send(*, actor, announcement: Announcement) -> Announcement:
    """Send a draft to every recipient, in batches, once."""
    _require_admin(actor)
    from .tasks import announcement_fan_out

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


def record_total(announcement: Announcement, total: int) -> None:
    """The fan-out's own count of recipients, which may differ from the count at sending."""
    Announcement.objects.filter(pk=announcement.pk).update(total=total, updated_at=timezone.now())
    if total == 0:
        Announcement.objects.filter(pk=announcement.pk).update(status=Announcement.Status.SENT)


def announcement_context(announcement: Announcement) -> dict:
    return {
        "announcement_id": announcement.pk,
        "subject": announcement.subject,
        "body": announcement.body,
        "announcement_language": announcement.language,
        "campaign_title": str(announcement.campaign),
    }


def queue_announcement_batch(announcement_id: int, user_ids: list[int]) -> int:
    """Queue one delivery per user. Returns how many rows were new."""
    announcement = Announcement.objects.select_related("campaign").filter(pk=announcement_id).first()
    if announcement is None or announcement.status == Announcement.Status.DRAFT:
        return 0
    context = announcement_context(announcement)
    existing = set(
        EmailDelivery.objects.filter(announcement_id=announcement_id, recipient_id__in=user_ids).values_list(
            "recipient_id", flat=True
        )
    )
    with transaction.atomic():
        for user_id in user_ids:
            queue_email(
                template=ANNOUNCEMENT_TEMPLATE,
                to_user_id=user_id,
                context=context,
                category=EmailCategory.ANNOUNCEMENT,
                idempotency_key=f"announcement:{announcement_id}:{user_id}",
                announcement_id=announcement_id,
            )
    return len(set(user_ids) - existing)


def announcement_progress(announcement: Announcement) -> dict:
    """Counts from the delivery rows; stores them on the announcement and marks it sent when done."""
    announcement.refresh_from_db(fields=["status", "total", "sent_count", "failed_count"])
    counts = EmailDelivery.objects.filter(announcement=announcement).aggregate(
        created=Count("pk"),
        queued=Count("pk", filter=Q(status=EmailDelivery.Status.QUEUED)),
        retrying=Count("pk", filter=Q(status=EmailDelivery.Status.RETRYING)),
        sent=Count("pk", filter=Q(status=EmailDelivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=EmailDelivery.Status.FAILED)),
        suppressed=Count("pk", filter=Q(status=EmailDelivery.Status.SUPPRESSED)),
    )
    total = max(announcement.total, counts["created"])
    done = counts["sent"] + counts["failed"] + counts["suppressed"]
    waiting = total - done
    status = announcement.status
    if status == Announcement.Status.SENDING and total and waiting == 0:
        status = Announcement.Status.SENT
    changes = {}
    if (announcement.sent_count, announcement.failed_count) != (counts["sent"], counts["failed"]):
        changes.update(sent_count=counts["sent"], failed_count=counts["failed"])
    if status != announcement.status:
        changes["status"] = status
    if changes:
        Announcement.objects.filter(pk=announcement.pk).update(**changes, updated_at=timezone.now())
        for field, value in changes.items():
            setattr(announcement, field, value)
    return {
        "status": status,
        "total": total,
        "queued": counts["queued"] + max(total - counts["created"], 0),
        "retrying": counts["retrying"],
        "sent": counts["sent"],
        "failed": counts["failed"],
        "suppressed": counts["suppressed"],
        "done": done,
        "percent": round(100 * done / total) if total else 100,
        "finished": status == Announcement.Status.SENT,
    }


def announcement_signatories(campaign_id: int):
    """The submitted and verified pledges whose officials receive the announcement, with how many."""
    from accounts.models import Membership
    from pledges.models import Pledge

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


def announcement_preview(announcement: Announcement, *, user, language: str):
    """(subject, text, html, headers) as `user` would receive it in `language`; nothing is sent."""
    from . import delivery

    draft = EmailDelivery(
        template=ANNOUNCEMENT_TEMPLATE,
        category=EmailCategory.ANNOUNCEMENT,
        context=announcement_context(announcement),
        recipient=user,
    )
    message = delivery.build_message(draft, user=user, address=user.email, language=language)
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    return message.subject, message.body, html, message.extra_headers

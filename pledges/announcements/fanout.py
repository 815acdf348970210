"""The work of sending an announcement, as the Celery tasks do it: who receives it, and
one queued delivery per recipient. The services that start it are in services.py."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, User
from campaign.outbox.emails import queue_email
from campaign.outbox.models import EmailCategory, EmailDelivery
from pledges.models import Announcement

RECIPIENT_PLEDGE_STATUSES = ("submitted", "verified")


ANNOUNCEMENT_TEMPLATE = "announcement"


def announcement_recipients(campaign_id: int) -> QuerySet[User]:
    """Active users approved for a municipality whose pledge to this campaign is submitted or verified."""
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


# An announcement still "sending" this long after it was sent, with fewer deliveries than
# recipients, lost its fan-out task (the broker was down when it was queued, or the task
# was lost): the sweep starts it again.
STALLED_AFTER = timedelta(minutes=10)


def stalled_announcement_ids(now: datetime | None = None) -> list[int]:
    """Announcements whose sending stalled (a handful at most: one query each is fine)."""
    now = now or timezone.now()
    sending = Announcement.objects.filter(
        status=Announcement.Status.SENDING, send_started_at__lt=now - STALLED_AFTER
    ).order_by("pk")
    return [a.pk for a in sending if EmailDelivery.objects.filter(group_key=a.delivery_group).count() < a.total]


def record_total(announcement: Announcement, total: int) -> None:
    """The fan-out's own count of recipients, which may differ from the count at sending."""
    Announcement.objects.filter(pk=announcement.pk).update(total=total, updated_at=timezone.now())
    if total == 0:
        Announcement.objects.filter(pk=announcement.pk).update(status=Announcement.Status.SENT)


def announcement_context(announcement: Announcement) -> dict[str, Any]:
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
        EmailDelivery.objects.filter(group_key=announcement.delivery_group, recipient_id__in=user_ids).values_list(
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
                group_key=announcement.delivery_group,
            )
    return len(set(user_ids) - existing)

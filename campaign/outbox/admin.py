"""The outbox in the admin: for the record, read-only (campaign/admin_base.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaign.admin_base import ReadOnlyAdmin

from .models import EmailDelivery, EmailOptOut


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    """Rows are written by queue_email and the send task. Staff send a failed message again
    from /staff/announcements/deliveries/, through the staff desk's service."""

    list_display = ["created_at", "to_email", "template", "category", "status", "attempts", "sent_at", "short_error"]
    list_filter = ["status", "category", "template", "language"]
    search_fields = ["to_email", "recipient__email", "recipient__full_name", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [
        "idempotency_key",
        "recipient",
        "to_email",
        "template",
        "category",
        "language",
        "status",
        "attempts",
        "last_error",
        "group_key",
        "context",
        "created_at",
        "updated_at",
        "sent_at",
    ]

    @admin.display(description=_("last error"))
    def short_error(self, obj: EmailDelivery) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error


@admin.register(EmailOptOut)
class EmailOptOutAdmin(ReadOnlyAdmin):
    """Only the recipient changes their choice: on the preferences page or by a link."""

    list_display = ["user", "category", "source", "created_at"]
    list_filter = ["category", "source"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "category", "source", "created_at"]

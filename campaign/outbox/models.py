"""The outbox: every email the product sends, one `EmailDelivery` row per message, and
the categories a recipient may opt out of.

It knows nothing of pledges or campaigns: senders hand it a template, a recipient, a JSON
context and an idempotency key (see emails.py). The tables keep their first names
(campaign_emaildelivery, campaign_emailoptout) from when this lived in the campaign app.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailCategory(models.TextChoices):
    """Why a message is sent. Transactional mail always goes out; the others can be stopped."""

    TRANSACTIONAL = "transactional", _("Account and pledge messages")
    REMINDER = "reminder", _("Reporting reminders")
    DIGEST = "digest", _("Progress digests")
    ANNOUNCEMENT = "announcement", _("Campaign announcements")


# Categories a recipient may opt out of, in the order the preferences page lists them.
OPTIONAL_EMAIL_CATEGORIES = (EmailCategory.REMINDER, EmailCategory.DIGEST, EmailCategory.ANNOUNCEMENT)


class EmailDelivery(models.Model):
    """One message to one recipient: queued by `queue_email`, sent by the Celery task.

    The idempotency key is unique: a redelivered task, a re-run announcement batch or a
    reminder scan that runs twice finds the existing row and does not send again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed (opted out)")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="email_deliveries",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("address"), max_length=254, blank=True)
    template = models.CharField(_("template"), max_length=100, db_index=True)
    category = models.CharField(
        _("category"), max_length=16, choices=EmailCategory.choices, default=EmailCategory.TRANSACTIONAL
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Deliveries that belong together, such as one announcement ("announcement:12"): the
    # sender counts its progress by this key. The outbox does not know what it means.
    group_key = models.CharField(_("group"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        db_table = "campaign_emaildelivery"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="campaign_delivery_status"),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.to_email or self.recipient_id} ({self.status})"


class EmailOptOut(models.Model):
    """A user who does not want a category of non-essential mail."""

    class Source(models.TextChoices):
        LINK = "link", _("Unsubscribe link")
        ONE_CLICK = "one_click", _("One-click unsubscribe from the mail program")
        PREFERENCES = "preferences", _("Email preferences page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs", verbose_name=_("user")
    )
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=[(c.value, c.label) for c in OPTIONAL_EMAIL_CATEGORIES],
    )
    source = models.CharField(_("how"), max_length=16, choices=Source.choices, default=Source.LINK)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("email opt-out")
        verbose_name_plural = _("email opt-outs")
        db_table = "campaign_emailoptout"
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="campaign_email_opt_out_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ✕ {self.get_category_display()}"

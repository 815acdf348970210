"""Pledges, the commitments each city chose, progress reports and their history.

State changes go through pledges/services.py; these classes only describe the data.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaign.storage import get_private_storage

from .validators import validate_statement


def resolution_upload_to(instance, filename):
    # The stored name never reuses the uploaded one: it is not trusted.
    return f"resolutions/{instance.municipality_id}/{uuid.uuid4().hex}.pdf"


class Pledge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("campaign")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("municipality")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signatory's title"), max_length=200, blank=True, help_text=_("Usually the mayor or the governor.")
    )
    council_decision_date = models.DateField(_("date of the council decision"), null=True, blank=True)
    resolution = models.FileField(
        _("council resolution (PDF)"),
        storage=get_private_storage,
        upload_to=resolution_upload_to,
        blank=True,
        max_length=300,
    )
    statement = models.TextField(
        _("public statement"),
        blank=True,
        validators=[validate_statement],
        help_text=_("A few sentences shown on the city's public page."),
    )
    # The language the statement is written in, recorded when it is written (the page then
    # marks it with lang="…"); blank for a language the site does not offer, marked unknown.
    statement_language = models.CharField(
        _("language of the statement"),
        # A language code CLDR knows ("ar", "nl", "pt-br"): a statement is often written in the
        # city's own language, which need not be a site language. "" when it is not known.
        max_length=16,
        blank=True,
        default="",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "municipality"], name="one_pledge_per_municipality_campaign"),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self):
        return f"{self.municipality} – {self.campaign}"

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)


class PledgeCommitment(models.Model):
    """A commitment the city chose, with the target it sets itself."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="chosen", verbose_name=_("pledge"))
    commitment = models.ForeignKey(
        "campaign.Commitment", on_delete=models.PROTECT, related_name="chosen_by", verbose_name=_("commitment")
    )
    target = models.TextField(_("the city's target"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)

    class Meta:
        verbose_name = _("chosen commitment")
        verbose_name_plural = _("chosen commitments")
        constraints = [models.UniqueConstraint(fields=["pledge", "commitment"], name="commitment_once_per_pledge")]

    def __str__(self):
        return f"{self.pledge} – {self.commitment}"


class ProgressReport(models.Model):
    """One report per pledge and reporting period, covering every chosen commitment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        # A campaign admin asked for changes before the submitted version goes public: the
        # city edits and submits again.
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reports", verbose_name=_("pledge"))
    period = models.ForeignKey(
        "campaign.ReportingPeriod", on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False, help_text=_("First submitted after the period's due date."))
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["period__due"]
        constraints = [models.UniqueConstraint(fields=["pledge", "period"], name="one_report_per_pledge_period")]

    def __str__(self):
        return f"{self.pledge} – {self.period}"


class ProgressUpdate(models.Model):
    """Where the city stands on one chosen commitment in one report."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="updates", verbose_name=_("report")
    )
    chosen = models.ForeignKey(
        PledgeCommitment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("chosen commitment")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    narrative = models.TextField(_("what was done"), blank=True)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    figures = models.TextField(
        _("figures"), blank=True, help_text=_("Optional numbers, e.g. people reached or budget spent.")
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [models.UniqueConstraint(fields=["report", "chosen"], name="one_update_per_commitment")]

    def __str__(self):
        return f"{self.report} – {self.chosen.commitment}"


class ReportVersion(models.Model):
    """A frozen copy of a report each time it is submitted: corrections never erase.

    The public sees a report's latest *published* version. When its campaign reviews reports
    (``Campaign.reports_need_review``) a version waits for a campaign admin, who publishes
    it or asks for changes; otherwise it is published when submitted.
    """

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="versions", verbose_name=_("report")
    )
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    content = models.JSONField(_("content"))
    review = models.CharField(
        _("review"), max_length=20, choices=Review.choices, default=Review.PUBLISHED, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("changes asked for"), blank=True)

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="unique_report_version")]

    def __str__(self):
        return f"{self.report} v{self.number}"


class PledgeEvent(models.Model):
    """History of a pledge and its reports: who did what, when. Shown to admins."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft started")
        SAVED = "saved", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REPORT_SAVED = "report_saved", _("Report draft saved")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_CORRECTED = "report_corrected", _("Report corrected")
        DOCUMENT_DOWNLOADED = "document_downloaded", _("Resolution downloaded")
        REPORT_PUBLISHED = "report_published", _("Report published")
        REPORT_CHANGES_ASKED = "report_changes_asked", _("Changes asked for")
        REPORT_UPLOADED = "report_uploaded", _("Report uploaded as a spreadsheet")
        EVIDENCE_ADDED = "evidence_added", _("Evidence file added")
        EVIDENCE_REMOVED = "evidence_removed", _("Evidence file removed")
        DELAY_REQUESTED = "delay_requested", _("More time asked for")
        DELAY_GRANTED = "delay_granted", _("More time granted")
        DELAY_REFUSED = "delay_refused", _("More time refused")
        DELAY_WITHDRAWN = "delay_withdrawn", _("Request for more time withdrawn")
        MEANS_SAVED = "means_saved", _("Means of implementation saved")
        TARGETS_SAVED = "targets_saved", _("Baselines and targets saved")
        INDICATOR_ADDED = "indicator_added", _("Own indicator added")
        INDICATOR_CHANGED = "indicator_changed", _("Own indicator changed")
        INDICATOR_REMOVED = "indicator_removed", _("Own indicator removed")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events", verbose_name=_("pledge"))
    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("report")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pledge event")
        verbose_name_plural = _("pledge history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["pledge", "created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} – {self.pledge}"


def evidence_upload_to(instance, filename):
    # The stored name never reuses the uploaded one (shown to readers as original_name).
    extension = instance.extension or "bin"
    return f"evidence/{instance.pledge_id}/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(models.Model):
    """A file that shows the work on one commitment of one report: private to the city and
    the campaign team until a version of the report that lists it is published."""

    update = models.ForeignKey(
        "ProgressUpdate", on_delete=models.CASCADE, related_name="evidence_files", verbose_name=_("progress update")
    )
    # Kept beside the update for the storage path and for access checks without joins.
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="+", verbose_name=_("pledge"))
    file = models.FileField(_("file"), storage=get_private_storage, upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=8, editable=False)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.original_name


class DelayRequest(models.Model):
    """An official asks for a later due date for one period; a campaign admin decides. A
    granted date is the period's due date for that pledge (pledges/rules.py: due_date)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    pledge = models.ForeignKey(
        Pledge, on_delete=models.CASCADE, related_name="delay_requests", verbose_name=_("pledge")
    )
    period = models.ForeignKey(
        "campaign.ReportingPeriod", on_delete=models.CASCADE, related_name="delay_requests", verbose_name=_("period")
    )
    requested_due = models.DateField(_("new due date asked for"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("request for more time")
        verbose_name_plural = _("requests for more time")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "period"],
                condition=models.Q(status="pending"),
                name="one_pending_delay_per_period",
                violation_error_message=_("A request for more time is already waiting for this period."),
            ),
        ]

    def __str__(self):
        return f"{self.pledge} – {self.period} → {self.requested_due}"


class ReportUpload(models.Model):
    """A spreadsheet an official uploaded to fill in a period's report. It is checked in the
    background (progress shown while it runs) and applied only when every row is valid."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied to the report")
        FAILED = "failed", _("Could not be read")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="uploads", verbose_name=_("pledge"))
    period = models.ForeignKey(
        "campaign.ReportingPeriod", on_delete=models.CASCADE, related_name="+", verbose_name=_("period")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    file = models.FileField(_("file"), storage=get_private_storage, upload_to="uploads/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)  # csv or xlsx
    language = models.CharField(_("language"), max_length=8)  # the uploader's: errors are written in it
    action = models.CharField(max_length=8, default="save")  # save or submit once valid
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row": n, "column": "…", "message": "…"}]
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("report spreadsheet")
        verbose_name_plural = _("report spreadsheets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.pledge} – {self.period} ({self.original_name})"


class Follower(models.Model):
    """Someone who asked for email updates on a city's reports: double opt-in, one-click
    unsubscribe. The token is the secret of both links."""

    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="followers", verbose_name=_("municipality")
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=8)
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["municipality", "email"], name="follow_once_per_address")]

    def __str__(self):
        return f"{self.email} → {self.municipality}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


# --- Reminders and calendar feeds (pledges/reminders.py, pledges/calendar.py) ---------------


class ReminderLog(models.Model):
    """One reminder to one official for one pledge, period and kind, sent at most once.

    The row is the claim: the reminder scan inserts it (status "claimed") before anything is
    sent, and the unique constraint makes a second scan, a redelivered task or a retried
    task find it taken. The send task then marks it "sent" in the same transaction that
    records the email delivery (see pledges/reminders.py for the whole protocol).
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, not sent yet")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("No longer due")

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reminder_logs", verbose_name=_("pledge"))
    period = models.ForeignKey(
        "campaign.ReportingPeriod", on_delete=models.CASCADE, related_name="reminder_logs", verbose_name=_("period")
    )
    kind = models.CharField(
        _("kind"), max_length=20, help_text=_("before_7: 7 days before the due date; overdue_7: 7 days after.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_logs", verbose_name=_("recipient")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CLAIMED, db_index=True)
    due_at = models.DateTimeField(
        _("due at"), help_text=_("09:00 in the municipality's time zone on the reminder's day.")
    )
    claimed_at = models.DateTimeField(_("claimed"))
    claim_token = models.CharField(max_length=32, db_index=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders sent")
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "period", "kind", "recipient"], name="reminder_once_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.kind} – {self.pledge} – {self.recipient} ({self.get_status_display()})"

    @property
    def idempotency_key(self) -> str:
        """The key of the email delivery this reminder became (campaign.EmailDelivery)."""
        return f"reminder:{self.pk}"


class DigestLog(models.Model):
    """The daily digest of waiting work for one campaign admin: at most one per admin per day."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed, not sent yet")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Nothing waited any more")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs", verbose_name=_("recipient")
    )
    day = models.DateField(_("day"), help_text=_("The UTC date the digest is for."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(_("claimed"))
    claim_token = models.CharField(max_length=32, db_index=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests sent")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_admin_per_day")]

    def __str__(self):
        return f"{self.day} – {self.recipient} ({self.get_status_display()})"

    @property
    def idempotency_key(self) -> str:
        return f"digest:{self.pk}"


class PledgeCalendar(models.Model):
    """The secret address of a pledge's calendar of reporting deadlines (an .ics feed)."""

    pledge = models.OneToOneField(Pledge, on_delete=models.CASCADE, related_name="calendar", verbose_name=_("pledge"))
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.pledge} (calendar)"


class Announcement(models.Model):
    """A message from the campaign team to every approved official of the campaign's
    submitted and verified signatories. Written in one language, chosen by its author."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.PROTECT, related_name="announcements", verbose_name=_("campaign")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the subject and message are written in."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Plain text. Blank lines separate paragraphs."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        db_table = "campaign_announcement"

    def __str__(self):
        return self.subject

    DELIVERY_GROUP_PREFIX = "announcement:"

    @property
    def delivery_group(self) -> str:
        """The outbox's group key of this announcement's deliveries."""
        return f"{self.DELIVERY_GROUP_PREFIX}{self.pk}"

    @classmethod
    def id_of_delivery_group(cls, group_key: str) -> int | None:
        prefix, _sep, pk = (group_key or "").partition(":")
        return int(pk) if f"{prefix}:" == cls.DELIVERY_GROUP_PREFIX and pk.isdigit() else None

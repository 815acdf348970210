"""Local actions and peer learning.

- ``LocalAction``: what a municipality does, written in one language, with translations
  (``LocalActionTranslation``), files (``LocalActionFile``, images re-encoded, PDFs checked)
  and results (``LocalActionResult``, indicator values). It goes draft → submitted →
  published by a campaign admin, or returned with a reason.
- ``ActionSearchTerm``: the searchable words of a *published* action, in every language it
  is written or translated in (normalised as accounts/names.py does), for the library's
  indexed prefix search.
- ``ExchangeRequest``: another municipality asks to learn from an action; contacts are
  revealed to both sides only once the author's officials accept.
- ``Partnership``: two municipalities declare a tie that both confirm.
- ``PeerReview`` and ``PeerReviewFeedback``: a reviewing municipality reads a reviewed
  pledge's report for a period and gives feedback per commitment; the reviewed city answers;
  the review is public only when both sides agree.
- ``CampaignEvent``: the campaign's milestones and events (home page, iCalendar feed).
- ``HistoryEntry``: every change of all the above.

Writes go through pledges/learning/services (one module per kind); who may do what is in
pledges/learning/access.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import validate_gcm_objectives, validate_sdg_targets
from campaign.storage import get_private_storage
from pledges.monitoring.models import VALUE_DECIMALS, VALUE_DIGITS

LANGUAGE_MAX_LENGTH = 8  # a BCP 47 tag as the site uses them: "fr", "pt-br"


class CampaignEvent(models.Model):
    """A milestone or event of the campaign: a conference, a forum, a deadline."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        FORUM = "forum", _("Forum")
        MEETING = "meeting", _("Meeting or workshop")
        MILESTONE = "milestone", _("Milestone")

    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CONFERENCE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Empty for a one-day event."))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("City and country, or “online”."))
    url = models.URLField(_("link"), blank=True)
    is_public = models.BooleanField(_("shown to the public"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["campaign", "is_public", "starts_on"], name="learning_event_public")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="learning_event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_on})"


class LocalAction(models.Model):
    """One action of one municipality, in the language it was written in."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned for changes")

    class Audience(models.TextChoices):
        ALL_RESIDENTS = "all_residents", _("All residents")
        WOMEN = "women", _("Women and girls")
        CHILDREN = "children", _("Children")
        UNACCOMPANIED_MINORS = "unaccompanied_minors", _("Unaccompanied minors")
        UNDOCUMENTED = "undocumented", _("People without papers")
        ASYLUM_SEEKERS = "asylum_seekers", _("Asylum seekers and refugees")
        LABOUR_MIGRANTS = "labour_migrants", _("Migrant workers")
        RETURNEES = "returnees", _("Returning migrants")
        OLDER_PEOPLE = "older_people", _("Older people")
        DISABLED_PEOPLE = "disabled_people", _("People with disabilities")
        LGBTIQ = "lgbtiq", _("LGBTIQ people")
        DIASPORA = "diaspora", _("Diaspora")

    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="local_actions", verbose_name=_("campaign")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, related_name="local_actions", verbose_name=_("municipality")
    )
    language = models.CharField(
        _("language"), max_length=LANGUAGE_MAX_LENGTH, help_text=_("The language it is written in.")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, help_text=_("Two or three sentences."))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ONGOING)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    commitments = models.ManyToManyField(
        "campaign.Commitment", related_name="local_actions", blank=True, verbose_name=_("commitments it serves")
    )
    gcm_objectives = models.JSONField(
        _("Global Compact for Migration objectives"),
        default=list,
        blank=True,
        validators=[validate_gcm_objectives],
        help_text=_("Objective numbers, 1 to 23, e.g. 15, 16"),
    )
    sdg_targets = models.JSONField(
        _("SDG targets"), default=list, blank=True, validators=[validate_sdg_targets], help_text=_("e.g. 10.7, 11.1")
    )
    audiences = models.JSONField(_("people it is for"), default=list, blank=True)  # Audience values
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True)
    funding_sources = models.TextField(_("funding sources"), blank=True, help_text=_("One a line."))
    partners = models.TextField(_("partners"), blank=True, help_text=_("One a line."))
    results = models.TextField(_("results"), blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)  # web addresses, http(s) only
    contact_role = models.CharField(
        _("public contact"),
        max_length=200,
        help_text=_("A role or an office, such as “Integration office”: never a person’s own address."),
    )
    event = models.ForeignKey(
        CampaignEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_actions",
        verbose_name=_("presented at"),
    )

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("local action")
        verbose_name_plural = _("local actions")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "published_at"], name="learning_action_published"),
            models.Index(fields=["municipality", "state"], name="learning_action_city_state"),
            models.Index(fields=["campaign", "state"], name="learning_action_campaign"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="learning_action_ends_after_start",
                violation_error_message=_("An action cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class LocalActionTranslation(models.Model):
    """The action's texts in another site language, added by the city's officials."""

    action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, related_name="translations", verbose_name=_("local action")
    )
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX_LENGTH)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    results = models.TextField(_("results"), blank=True)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("translation of a local action")
        verbose_name_plural = _("translations of local actions")
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "language"],
                name="learning_translation_one_per_language",
                violation_error_message=_("This action already has a translation in this language."),
            )
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"


def action_file_upload_to(instance, filename):
    # Never the uploaded name (kept as original_name): our own, under the action.
    extension = instance.extension or "bin"
    return f"actions/{instance.action_id}/{uuid.uuid4().hex}.{extension}"


class LocalActionFile(models.Model):
    """An image (re-encoded, metadata stripped) or a PDF (checked) of an action. Kept in
    private storage; the public downloads it only while the action is published."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")

    action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, related_name="files", verbose_name=_("local action")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("file"), storage=get_private_storage, upload_to=action_file_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # For an image: what it shows, for readers who cannot see it.
    alt_text = models.CharField(_("description of the image"), max_length=300, blank=True)
    content_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(max_length=8, editable=False)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("file of a local action")
        verbose_name_plural = _("files of local actions")
        ordering = ["order", "uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.original_name


class LocalActionResult(models.Model):
    """A result of the action as the value of an indicator (of a commitment it serves)."""

    action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, related_name="indicator_results", verbose_name=_("local action")
    )
    indicator = models.ForeignKey(
        "monitoring.Indicator", on_delete=models.CASCADE, related_name="action_results", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("result of a local action")
        verbose_name_plural = _("results of local actions")
        ordering = ["indicator__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "indicator"],
                name="learning_result_one_per_indicator",
                violation_error_message=_("This action already gives a value for this indicator."),
            )
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class ActionSearchTerm(models.Model):
    """One normalised word of a published action, in one of the languages it is written or
    translated in: the library's search is an indexed prefix match on ``term`` (the shape of
    accounts.MunicipalityName, for the same reasons)."""

    action = models.ForeignKey(LocalAction, on_delete=models.CASCADE, related_name="search_terms", db_index=False)
    term = models.CharField(max_length=100)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "term"], name="learning_term_unique")]
        indexes = [models.Index(fields=["term"], name="learning_term_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return self.term


class ExchangeRequest(models.Model):
    """Another municipality asks to learn from an action. Each side's contact is shown to
    the other only once the request is accepted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, related_name="exchanges", verbose_name=_("local action")
    )
    requester = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="exchanges_asked",
        verbose_name=_("municipality asking"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    message = models.TextField(_("message"))
    # The contact each side gives, shown to the other side only after acceptance.
    requester_contact_name = models.CharField(_("contact name"), max_length=200)
    requester_contact_role = models.CharField(_("contact role"), max_length=200, blank=True)
    requester_contact_email = models.EmailField(_("contact email"))
    author_contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    author_contact_role = models.CharField(_("contact role"), max_length=200, blank=True)
    author_contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange request")
        verbose_name_plural = _("exchange requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="learning_exchange_rate"),
            models.Index(fields=["action", "status"], name="learning_exchange_action"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "requester"],
                condition=Q(status="pending"),
                name="learning_exchange_one_pending",
                violation_error_message=_("Your municipality already asked to learn from this action."),
            )
        ]

    def __str__(self):
        return f"{self.requester_id} → {self.action_id} ({self.status})"


class Partnership(models.Model):
    """A tie between two municipalities, proposed by one, confirmed by the other."""

    class Kind(models.TextChoices):
        DEPARTURE_ARRIVAL = "departure_arrival", _("City of departure and city of arrival")
        TWINNING = "twinning", _("Twinning")
        COOPERATION = "cooperation", _("Decentralised cooperation")
        MUTUAL_AID = "mutual_aid", _("Mutual aid network")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("campaign")
    )
    proposer = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="partnerships_proposed",
        verbose_name=_("proposed by"),
    )
    partner = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="partnerships_received",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["campaign", "status"], name="learning_partnership_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(proposer=models.F("partner")),
                name="learning_partnership_two_cities",
                violation_error_message=_("A partnership joins two different municipalities."),
            )
        ]

    def __str__(self):
        return f"{self.proposer_id} – {self.partner_id} ({self.kind})"


class PeerReview(models.Model):
    """A reviewing municipality reads a reviewed pledge's report for one period."""

    class Status(models.TextChoices):
        PAIRED = "paired", _("Paired, feedback not given yet")
        FEEDBACK_GIVEN = "feedback_given", _("Feedback given, waiting for the answer")
        ANSWERED = "answered", _("Answered, waiting for both sides to agree")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    period = models.ForeignKey(
        "campaign.ReportingPeriod", on_delete=models.CASCADE, related_name="peer_reviews", verbose_name=_("period")
    )
    reviewed = models.ForeignKey(
        "pledges.Pledge", on_delete=models.CASCADE, related_name="peer_reviews", verbose_name=_("reviewed pledge")
    )
    reviewer = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        related_name="peer_reviews_given",
        verbose_name=_("reviewing municipality"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PAIRED)
    due_on = models.DateField(_("feedback due on"))
    summary = models.TextField(_("overall feedback"), blank=True)
    answer_summary = models.TextField(_("overall answer"), blank=True)
    # Each side's agreement to publish; a change of any text clears both.
    reviewer_agreed_at = models.DateTimeField(null=True, blank=True)
    reviewer_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_agreed_at = models.DateTimeField(null=True, blank=True)
    reviewed_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("paired by")
    )
    created_at = models.DateTimeField(_("paired"), auto_now_add=True)

    class Meta:
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="learning_review_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "reviewed", "reviewer"],
                condition=~Q(status="cancelled"),
                name="learning_review_one_pairing",
                violation_error_message=_("These two municipalities are already paired for this period."),
            )
        ]

    def __str__(self):
        return f"{self.reviewer_id} reviews {self.reviewed_id} ({self.period_id})"


class PeerReviewFeedback(models.Model):
    """The reviewer's feedback on one commitment of the reviewed pledge, and the answer."""

    review = models.ForeignKey(
        PeerReview, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("peer review")
    )
    chosen = models.ForeignKey(
        "pledges.PledgeCommitment", on_delete=models.CASCADE, related_name="+", verbose_name=_("commitment")
    )
    feedback = models.TextField(_("feedback"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("peer review feedback")
        verbose_name_plural = _("peer review feedback")
        ordering = ["chosen__commitment__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "chosen"], name="learning_feedback_one_per_commitment")
        ]

    def __str__(self):
        return f"{self.review_id}/{self.chosen_id}"


class HistoryEntry(models.Model):
    """One change of a local action, an exchange, a partnership, a peer review or an event."""

    class Verb(models.TextChoices):
        ACTION_CREATED = "action_created", _("Action created")
        ACTION_EDITED = "action_edited", _("Action edited")
        ACTION_SUBMITTED = "action_submitted", _("Action submitted for review")
        ACTION_PUBLISHED = "action_published", _("Action published")
        ACTION_RETURNED = "action_returned", _("Action returned for changes")
        ACTION_UNPUBLISHED = "action_unpublished", _("Action taken off the library")
        ACTION_DELETED = "action_deleted", _("Draft action deleted")
        TRANSLATION_SAVED = "translation_saved", _("Translation saved")
        TRANSLATION_REMOVED = "translation_removed", _("Translation removed")
        FILE_ADDED = "file_added", _("File added")
        FILE_REMOVED = "file_removed", _("File removed")
        RESULT_SAVED = "result_saved", _("Result saved")
        RESULT_REMOVED = "result_removed", _("Result removed")
        EXCHANGE_ASKED = "exchange_asked", _("Asked to learn from an action")
        EXCHANGE_ACCEPTED = "exchange_accepted", _("Exchange accepted")
        EXCHANGE_DECLINED = "exchange_declined", _("Exchange declined")
        EXCHANGE_WITHDRAWN = "exchange_withdrawn", _("Exchange request withdrawn")
        PARTNERSHIP_PROPOSED = "partnership_proposed", _("Partnership proposed")
        PARTNERSHIP_CONFIRMED = "partnership_confirmed", _("Partnership confirmed")
        PARTNERSHIP_DECLINED = "partnership_declined", _("Partnership declined")
        PARTNERSHIP_ENDED = "partnership_ended", _("Partnership ended")
        REVIEW_PAIRED = "review_paired", _("Peer review paired")
        REVIEW_CANCELLED = "review_cancelled", _("Peer review cancelled")
        REVIEW_FEEDBACK_SAVED = "review_feedback_saved", _("Peer review feedback saved")
        REVIEW_FEEDBACK_GIVEN = "review_feedback_given", _("Peer review feedback given")
        REVIEW_ANSWERED = "review_answered", _("Peer review answered")
        REVIEW_AGREED = "review_agreed", _("Agreed to publish the peer review")
        REVIEW_PUBLISHED = "review_published", _("Peer review published")
        REVIEW_REMINDED = "review_reminded", _("Reviewers reminded")

    verb = models.CharField(_("what"), max_length=24, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    # The municipality whose record this is (the action's, the asking one's, the reviewed one's).
    municipality = models.ForeignKey(
        "accounts.Municipality", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    local_action = models.ForeignKey(
        LocalAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    exchange = models.ForeignKey(
        ExchangeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    peer_review = models.ForeignKey(
        PeerReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="history"
    )
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history of local actions and peer learning")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_verb_display()} ({self.at:%Y-%m-%d})"

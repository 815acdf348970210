"""Peer review (Metropolis's mechanism): a campaign admin pairs a reviewing municipality with
a reviewed pledge for a reporting period; the reviewer's officials read the submitted report
and write feedback on each chosen commitment; the reviewed city answers; the review is
published only once both sides agree. Any change of feedback or answer after an agreement
clears both agreements.

PAIRED → FEEDBACK_GIVEN → ANSWERED → PUBLISHED; CANCELLED by a campaign admin any time before
publication.

Each function checks who may act, runs in one transaction with the review locked, records
the history and queues its emails on commit; views, the seed and tasks all call these.
"""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.access import can_act_for, require_campaign_admin, require_official
from accounts.models import Membership, Municipality
from accounts.services import name_for
from campaign.models import ReportingPeriod
from campaign.outbox.emails import queue_email
from campaign.outbox.models import EmailDelivery
from campaign.writes import write_batch
from pledges import rules as pledge_rules
from pledges.models import Pledge, ProgressReport

from ..history import record
from ..models import HistoryEntry, PeerReview, PeerReviewFeedback

PAIRED_TEMPLATE = "learning_review_paired"
GIVEN_TEMPLATE = "learning_review_given"
REMINDER_TEMPLATE = "learning_review_reminder"
PUBLISHED_TEMPLATE = "learning_review_published"
MAX_TEXT_LENGTH = 10_000
DEFAULT_DUE_DAYS = 30
REMIND_DAYS_BEFORE = 7
OPEN_STATUSES = (PeerReview.Status.PAIRED, PeerReview.Status.FEEDBACK_GIVEN, PeerReview.Status.ANSWERED)

REVIEWER, REVIEWED = "reviewer", "reviewed"


def _lock(review: PeerReview) -> PeerReview:
    return (
        PeerReview.objects.select_for_update()
        .select_related("period__campaign", "reviewed__municipality", "reviewed__campaign", "reviewer")
        .get(pk=review.pk)
    )


def _clean_text(text: str | None, field: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Keep this text under %(count)d characters.") % {"count": MAX_TEXT_LENGTH}, code="max_length"
                )
            }
        )
    return text


def _record(verb: str, actor: Any, review: PeerReview, **detail: Any) -> None:
    record(verb, actor=actor, municipality_id=review.reviewed.municipality_id, peer_review=review, **detail)


def _clear_agreements(review: PeerReview) -> bool:
    """Both sides' agreement to publish go; True if there was one."""
    had = bool(review.reviewer_agreed_at or review.reviewed_agreed_at)
    review.reviewer_agreed_at = review.reviewed_agreed_at = None
    review.reviewer_agreed_by = review.reviewed_agreed_by = None
    return had


# --- who may be paired ---------------------------------------------------------------------


def reviewable_pledges(period: ReportingPeriod):
    """Public pledges of the period's campaign whose report for the period is submitted."""
    submitted = ProgressReport.objects.filter(period=period, status__in=pledge_rules.SUBMITTED_REPORT_STATUSES).values(
        "pledge_id"
    )
    return (
        pledge_rules.public_pledges()
        .filter(campaign_id=period.campaign_id, pk__in=submitted)
        .select_related("municipality", "campaign")
        .order_by("municipality__name", "pk")
    )


def possible_reviewers(period: ReportingPeriod):
    """Municipalities with a public pledge in the period's campaign."""
    ids = pledge_rules.public_pledges().filter(campaign_id=period.campaign_id).values("municipality_id")
    return Municipality.objects.filter(pk__in=ids).order_by("name", "pk")


def default_due_on(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_DUE_DAYS)


# --- the campaign admin pairs, or cancels ------------------------------------------------------


@write_batch()
def review_pair(
    *, actor: Any, period: ReportingPeriod, reviewed: Pledge | None, reviewer: Municipality | None, due_on: date | None
) -> PeerReview:
    """Pair ``reviewer`` with the ``reviewed`` pledge for ``period``: one feedback row per
    chosen commitment of the pledge; the reviewer's officials are told by email."""
    require_campaign_admin(actor)
    errors: dict[str, ValidationError] = {}
    if reviewed is None:
        errors["reviewed"] = ValidationError(_("Choose the pledge to review."), code="required")
    elif not reviewable_pledges(period).filter(pk=reviewed.pk).exists():
        errors["reviewed"] = ValidationError(
            _("Choose a public pledge of this campaign whose report for this period is submitted."),
            code="not_reviewable",
        )
    if reviewer is None:
        errors["reviewer"] = ValidationError(_("Choose the reviewing municipality."), code="required")
    elif reviewed is not None and reviewer.pk == reviewed.municipality_id:
        errors["reviewer"] = ValidationError(_("A municipality cannot review its own pledge."), code="self")
    elif not possible_reviewers(period).filter(pk=reviewer.pk).exists():
        errors["reviewer"] = ValidationError(
            _("Choose a municipality with a public pledge in this campaign."), code="not_signatory"
        )
    elif (
        reviewed is not None
        and PeerReview.objects.filter(period=period, reviewed=reviewed, reviewer=reviewer)
        .exclude(status=PeerReview.Status.CANCELLED)
        .exists()
    ):
        errors["reviewer"] = ValidationError(
            _("These two municipalities are already paired for this period."), code="duplicate"
        )
    if due_on is None:
        errors["due_on"] = ValidationError(_("Give the date the feedback is due."), code="required")
    elif due_on < timezone.localdate():
        errors["due_on"] = ValidationError(_("The due date cannot be in the past."), code="past")
    if errors:
        raise ValidationError(errors)
    assert reviewed is not None and reviewer is not None and due_on is not None  # for mypy: checked above

    review = PeerReview.objects.create(
        period=period, reviewed=reviewed, reviewer=reviewer, due_on=due_on, paired_by=actor
    )
    PeerReviewFeedback.objects.bulk_create(
        [PeerReviewFeedback(review=review, chosen=chosen) for chosen in reviewed.chosen.all()]
    )
    review = _lock(review)
    _record(HistoryEntry.Verb.REVIEW_PAIRED, actor, review, reviewer_id=reviewer.pk, due_on=due_on.isoformat())
    _email(review, review.reviewer_id, PAIRED_TEMPLATE)
    return review


@write_batch()
def review_cancel(*, actor: Any, review: PeerReview) -> PeerReview:
    require_campaign_admin(actor)
    review = _lock(review)
    if review.status not in OPEN_STATUSES:
        raise ValidationError(_("A published or cancelled review cannot be cancelled."), code="state")
    review.status = PeerReview.Status.CANCELLED
    review.save()
    _record(HistoryEntry.Verb.REVIEW_CANCELLED, actor, review)
    return review


# --- the reviewer writes and gives the feedback ---------------------------------------------


def _feedback_rows(review: PeerReview) -> dict[int, PeerReviewFeedback]:
    return {row.chosen_id: row for row in review.feedback.select_for_update()}


@write_batch()
def feedback_save(*, actor: Any, review: PeerReview, feedback: dict[int, str], summary: str = "") -> PeerReview:
    """Save the reviewer's texts (chosen commitment id → feedback, and the overall feedback).
    A draft while PAIRED (the reviewed city does not see it); once given, a correction, which
    clears both agreements to publish. ``review.agreements_cleared`` says whether it did."""
    require_official(actor, review.reviewer_id)
    review = _lock(review)
    if review.status not in OPEN_STATUSES:
        raise ValidationError(_("This review is closed: its feedback can no longer change."), code="state")
    summary = _clean_text(summary, "summary")
    rows = _feedback_rows(review)
    now = timezone.now()
    changed = summary != review.summary
    for chosen_id, text in feedback.items():
        row = rows.get(int(chosen_id))
        if row is None:
            raise ValidationError(_("This commitment is not part of the reviewed pledge."), code="unknown")
        text = _clean_text(text, f"feedback_{row.chosen_id}")
        if text != row.feedback:
            row.feedback, row.written_by, row.written_at = text, actor, now
            row.save(update_fields=["feedback", "written_by", "written_at"])
            changed = True
    review.summary = summary
    review.agreements_cleared = False  # type: ignore[attr-defined]
    if changed:
        review.agreements_cleared = _clear_agreements(review)  # type: ignore[attr-defined]
        review.save()
        _record(
            HistoryEntry.Verb.REVIEW_FEEDBACK_SAVED,
            actor,
            review,
            after_given=review.status != PeerReview.Status.PAIRED,
        )
    return review


@write_batch()
def feedback_give(*, actor: Any, review: PeerReview) -> PeerReview:
    """PAIRED → FEEDBACK_GIVEN, once at least one commitment's feedback or the overall
    feedback is written; the reviewed city's officials are told by email."""
    require_official(actor, review.reviewer_id)
    review = _lock(review)
    if review.status != PeerReview.Status.PAIRED:
        raise ValidationError(_("This feedback has already been given."), code="state")
    if not review.summary and not review.feedback.exclude(feedback="").exists():
        raise ValidationError(
            {
                "summary": ValidationError(
                    _("Write feedback on at least one commitment, or an overall feedback, before giving it."),
                    code="empty",
                )
            }
        )
    review.status = PeerReview.Status.FEEDBACK_GIVEN
    review.feedback_given_at = timezone.now()
    review.save()
    _record(HistoryEntry.Verb.REVIEW_FEEDBACK_GIVEN, actor, review)
    _email(review, review.reviewed.municipality_id, GIVEN_TEMPLATE)
    return review


# --- the reviewed city answers -----------------------------------------------------------------


@write_batch()
def review_answer(*, actor: Any, review: PeerReview, answers: dict[int, str], summary: str = "") -> PeerReview:
    """The reviewed city's answers (chosen commitment id → answer, and the overall answer):
    FEEDBACK_GIVEN/ANSWERED → ANSWERED. A change clears both agreements to publish
    (``review.agreements_cleared``)."""
    require_official(actor, review.reviewed.municipality_id)
    review = _lock(review)
    if review.status not in (PeerReview.Status.FEEDBACK_GIVEN, PeerReview.Status.ANSWERED):
        raise ValidationError(_("This review cannot be answered now."), code="state")
    summary = _clean_text(summary, "answer_summary")
    rows = _feedback_rows(review)
    now = timezone.now()
    changed = summary != review.answer_summary
    for chosen_id, text in answers.items():
        row = rows.get(int(chosen_id))
        if row is None:
            raise ValidationError(_("This commitment is not part of the reviewed pledge."), code="unknown")
        text = _clean_text(text, f"answer_{row.chosen_id}")
        if text != row.answer:
            row.answer, row.answered_by, row.answered_at = text, actor, now
            row.save(update_fields=["answer", "answered_by", "answered_at"])
            changed = True
    if not summary and not any(row.answer for row in rows.values()):
        raise ValidationError(
            {
                "answer_summary": ValidationError(
                    _("Answer at least one commitment's feedback, or write an overall answer."), code="empty"
                )
            }
        )
    review.answer_summary = summary
    review.agreements_cleared = False  # type: ignore[attr-defined]
    first = review.status == PeerReview.Status.FEEDBACK_GIVEN
    if changed or first:
        review.agreements_cleared = _clear_agreements(review)  # type: ignore[attr-defined]
        review.status = PeerReview.Status.ANSWERED
        review.answered_at = now
        review.save()
        _record(HistoryEntry.Verb.REVIEW_ANSWERED, actor, review, first=first)
    return review


# --- both sides agree to publish -----------------------------------------------------------------


def sides_of(user: Any, review: PeerReview) -> set[str]:
    """The sides of the review the user acts for (REVIEWER, REVIEWED, or both)."""
    sides = set()
    if can_act_for(user, review.reviewer_id):
        sides.add(REVIEWER)
    if can_act_for(user, review.reviewed.municipality_id):
        sides.add(REVIEWED)
    return sides


@write_batch()
def review_agree(*, actor: Any, review: PeerReview) -> PeerReview:
    """The actor's side agrees to publish the answered review; when both sides have agreed,
    it is PUBLISHED (shown on the reviewed city's profile)."""
    review = _lock(review)
    sides = sides_of(actor, review)
    if not sides:
        raise PermissionDenied(_("You do not act for this municipality."))
    if review.status != PeerReview.Status.ANSWERED:
        raise ValidationError(_("Both sides can agree to publish once the feedback is answered."), code="state")
    now = timezone.now()
    if REVIEWER in sides and review.reviewer_agreed_at is None:
        review.reviewer_agreed_at, review.reviewer_agreed_by = now, actor
    if REVIEWED in sides and review.reviewed_agreed_at is None:
        review.reviewed_agreed_at, review.reviewed_agreed_by = now, actor
    _record(HistoryEntry.Verb.REVIEW_AGREED, actor, review, sides=sorted(sides))
    if review.reviewer_agreed_at and review.reviewed_agreed_at:
        review.status = PeerReview.Status.PUBLISHED
        review.published_at = now
        _record(HistoryEntry.Verb.REVIEW_PUBLISHED, actor, review)
        review.save()
        _email(review, review.reviewer_id, PUBLISHED_TEMPLATE)
        _email(review, review.reviewed.municipality_id, PUBLISHED_TEMPLATE)
    else:
        review.save()
    return review


# --- reminders -------------------------------------------------------------------------------------


@write_batch()
def remind_reviewers(*, today: date | None = None) -> int:
    """Each approved official of the reviewer of a review still PAIRED and due within
    REMIND_DAYS_BEFORE days (or overdue) gets one reminder, ever (the outbox's idempotency
    key keeps it once). Returns the number of reminders queued for the first time."""
    today = today or timezone.localdate()
    reviews = PeerReview.objects.filter(
        status=PeerReview.Status.PAIRED, due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE)
    ).select_related("period__campaign", "reviewed__municipality", "reviewed__campaign", "reviewer")
    sent = 0
    for review in reviews:
        reminded = review.history.filter(verb=HistoryEntry.Verb.REVIEW_REMINDED).exists()
        created = _email(review, review.reviewer_id, REMINDER_TEMPLATE, category="reminder", reminder=True)
        sent += created
        if created and not reminded:
            _record(HistoryEntry.Verb.REVIEW_REMINDED, None, review, officials=created)
    return sent


# --- emails ------------------------------------------------------------------------------------------


def officials_of(municipality_id: int):
    return (
        Membership.objects.filter(
            municipality_id=municipality_id, status=Membership.Status.APPROVED, user__is_active=True
        )
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )


def _email(
    review: PeerReview, municipality_id: int, template: str, *, category: str = "transactional", reminder: bool = False
) -> int:
    """``template`` to each approved official of the municipality, in their language (on
    commit). Returns how many deliveries were new."""
    languages = dict(settings.LANGUAGES)
    new = 0
    for user_id, preferred in officials_of(municipality_id):
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "review_id": review.pk,
                "reviewer": name_for(review.reviewer, language),
                "reviewed": name_for(review.reviewed.municipality, language),
                "campaign_title": str(review.period.campaign.title),
                "period": str(review.period.label),
                "due_display": formats.date_format(review.due_on, "DATE_FORMAT"),
            }
        key = f"peer-review-reminder:{review.pk}:{user_id}" if reminder else ""
        existed = bool(key) and _delivery_exists(key)
        queue_email(template=template, to_user_id=user_id, context=context, category=category, idempotency_key=key)
        new += not existed
    return new


def _delivery_exists(key: str) -> bool:
    return EmailDelivery.objects.filter(idempotency_key=key).exists()


def awaiting(user: Any) -> dict[str, int]:
    """What waits for the user's municipalities: reviews to give, to answer, to agree to."""
    if not getattr(user, "is_authenticated", False):
        return {"to_give": 0, "to_answer": 0, "to_agree": 0}
    ids = Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values("municipality_id")
    to_give = PeerReview.objects.filter(status=PeerReview.Status.PAIRED, reviewer_id__in=ids).count()
    to_answer = PeerReview.objects.filter(
        status=PeerReview.Status.FEEDBACK_GIVEN, reviewed__municipality_id__in=ids
    ).count()
    to_agree = PeerReview.objects.filter(
        Q(reviewer_id__in=ids, reviewer_agreed_at__isnull=True)
        | Q(reviewed__municipality_id__in=ids, reviewed_agreed_at__isnull=True),
        status=PeerReview.Status.ANSWERED,
    ).count()
    return {"to_give": to_give, "to_answer": to_answer, "to_agree": to_agree}

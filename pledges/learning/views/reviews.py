"""Officials' pages of peer review: the reviews their municipalities give and receive; one
review's page, where the reviewer reads the submitted report and writes feedback per
commitment, the reviewed city answers, and both sides agree to publish. Views stay thin:
pledges/learning/services/reviews.py checks, validates and records."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import municipalities_of, verified_email_required
from campaign.models import Commitment
from campaign.writes import write_batch
from pledges.models import ProgressUpdate, ReportVersion

from ..access import access_review_as_reviewed, access_review_as_reviewer
from ..forms.reviews import AnswerForm, FeedbackForm
from ..models import PeerReview, PeerReviewFeedback
from ..services import reviews as services


def _access_review(user: Any, review_id: int) -> tuple[PeerReview, set[str]]:
    """The review and the sides the user may act for on it (404 if none)."""
    sides: set[str] = set()
    review = None
    try:
        review = access_review_as_reviewer(user, review_id)
        sides.add(services.REVIEWER)
    except Http404:
        pass
    try:
        review = access_review_as_reviewed(user, review_id)
        sides.add(services.REVIEWED)
    except Http404:
        pass
    if review is None or review.status == PeerReview.Status.CANCELLED:
        raise Http404
    return review, sides


def _rows(review: PeerReview) -> list[PeerReviewFeedback]:
    return list(review.feedback.select_related("chosen__commitment").order_by("chosen__commitment__order", "pk"))


def _report_items(review: PeerReview) -> tuple[ReportVersion | None, dict[int, dict]]:
    """The latest submitted version of the reviewed report for the period, by commitment id."""
    version = (
        ReportVersion.objects.filter(report__pledge=review.reviewed, report__period=review.period)
        .order_by("-number")
        .first()
    )
    if version is None:
        return None, {}
    labels = dict(ProgressUpdate.Status.choices)
    commitments = {c.pk: c for c in Commitment.objects.filter(campaign_id=review.reviewed.campaign_id)}
    items = {}
    for item in version.content.get("updates", []):
        commitment_id = item.get("commitment_id")
        items[commitment_id] = {
            **item,
            "commitment": commitments.get(commitment_id),
            "status_label": labels.get(item.get("status"), item.get("status")),
        }
    return version, items


def _page(
    request: HttpRequest,
    review: PeerReview,
    sides: set[str],
    *,
    feedback_form: FeedbackForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = _rows(review)
    is_reviewer = services.REVIEWER in sides
    is_reviewed = services.REVIEWED in sides
    can_write_feedback = is_reviewer and review.status in services.OPEN_STATUSES
    can_answer = is_reviewed and review.status in (PeerReview.Status.FEEDBACK_GIVEN, PeerReview.Status.ANSWERED)
    if can_write_feedback and feedback_form is None:
        feedback_form = FeedbackForm(review=review, rows=rows)
    if can_answer and answer_form is None:
        answer_form = AnswerForm(review=review, rows=rows)
    version, items = _report_items(review) if is_reviewer else (None, {})
    agreed_by_me = (is_reviewer and review.reviewer_agreed_at) or (is_reviewed and review.reviewed_agreed_at)
    sections = [
        {
            "row": row,
            "item": items.get(row.chosen.commitment_id),
            "feedback_field": feedback_form[feedback_form.row_field(row)] if feedback_form else None,
            "answer_field": answer_form[answer_form.row_field(row)] if answer_form else None,
        }
        for row in rows
    ]
    return render(
        request,
        "learning/reviews/review.html",
        {
            "review": review,
            "sections": sections,
            "version": version,
            "is_reviewer": is_reviewer,
            "is_reviewed": is_reviewed,
            "feedback_form": feedback_form if can_write_feedback else None,
            "answer_form": answer_form if can_answer else None,
            "can_agree": review.status == PeerReview.Status.ANSWERED and not agreed_by_me,
            "show_feedback": review.status != PeerReview.Status.PAIRED,
        },
        status=status,
    )


def _cleared(request: HttpRequest, review: PeerReview) -> None:
    if getattr(review, "agreements_cleared", False):
        messages.warning(
            request, _("The texts changed, so both agreements to publish were cleared: both sides must agree again.")
        )


@verified_email_required
@require_GET
def reviews(request):
    cities = list(municipalities_of(request.user))
    ids = [c.pk for c in cities]
    related = ("period__campaign", "reviewed__municipality", "reviewer")
    given = (
        PeerReview.objects.filter(reviewer_id__in=ids)
        .exclude(status=PeerReview.Status.CANCELLED)
        .select_related(*related)
        .order_by("due_on", "pk")
    )
    received = (
        PeerReview.objects.filter(reviewed__municipality_id__in=ids)
        .exclude(status__in=(PeerReview.Status.CANCELLED, PeerReview.Status.PAIRED))
        .select_related(*related)
        .order_by("-feedback_given_at", "pk")
    )
    by_city = [
        {
            "municipality": city,
            "given": [r for r in given if r.reviewer_id == city.pk],
            "received": [r for r in received if r.reviewed.municipality_id == city.pk],
        }
        for city in cities
    ]
    return render(request, "learning/reviews/reviews.html", {"by_city": by_city})


@verified_email_required
@require_GET
def review(request, pk):
    review, sides = _access_review(request.user, pk)
    return _page(request, review, sides)


def _feedback_post(request: HttpRequest, pk: int, give: bool) -> HttpResponse:
    review = access_review_as_reviewer(request.user, pk)
    sides = _access_review(request.user, pk)[1]
    form = FeedbackForm(request.POST, review=review, rows=_rows(review))
    if form.is_valid():
        try:
            with write_batch():  # giving fails on empty feedback: nothing is saved then
                review = services.feedback_save(
                    actor=request.user, review=review, feedback=form.texts(), summary=form.cleaned_data["summary"]
                )
                if give:
                    review = services.feedback_give(actor=request.user, review=review)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            _cleared(request, review)
            if give:
                messages.success(request, _("Your feedback is given: the reviewed city's officials have been told."))
            else:
                messages.success(request, _("Your feedback is saved."))
            return redirect("learning:review", pk=review.pk)
    review.refresh_from_db()
    return _page(request, review, sides, feedback_form=form)


@verified_email_required
@require_POST
def review_feedback(request, pk):
    return _feedback_post(request, pk, give=False)


@verified_email_required
@require_POST
def review_give(request, pk):
    return _feedback_post(request, pk, give=True)


@verified_email_required
@require_POST
def review_answer(request, pk):
    review = access_review_as_reviewed(request.user, pk)
    sides = _access_review(request.user, pk)[1]
    form = AnswerForm(request.POST, review=review, rows=_rows(review))
    if form.is_valid():
        try:
            review = services.review_answer(
                actor=request.user, review=review, answers=form.texts(), summary=form.cleaned_data["answer_summary"]
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            _cleared(request, review)
            messages.success(request, _("Your answer is saved."))
            return redirect("learning:review", pk=review.pk)
    review.refresh_from_db()
    return _page(request, review, sides, answer_form=form)


@verified_email_required
@require_POST
def review_agree(request, pk):
    review, _sides = _access_review(request.user, pk)
    try:
        review = services.review_agree(actor=request.user, review=review)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if review.status == PeerReview.Status.PUBLISHED:
            messages.success(request, _("Both sides agreed: the peer review is published on the city's profile."))
        else:
            messages.success(
                request, _("Your agreement is recorded: the review is published once the other side agrees.")
            )
    return redirect("learning:review", pk=review.pk)


urlpatterns: list[URLPattern] = [
    path("reviews/", reviews, name="reviews"),
    path("reviews/<int:pk>/", review, name="review"),
    path("reviews/<int:pk>/feedback/", review_feedback, name="review_feedback"),
    path("reviews/<int:pk>/give/", review_give, name="review_give"),
    path("reviews/<int:pk>/answer/", review_answer, name="review_answer"),
    path("reviews/<int:pk>/agree/", review_agree, name="review_agree"),
]

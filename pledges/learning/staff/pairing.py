"""The campaign team's peer-review pages: the pairings by period with their status, pairing a
reviewing municipality with a reviewed pledge, cancelling a pairing. The rules are in
pledges/learning/services/reviews.py."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import staff_required
from campaign.models import ReportingPeriod

from ..access import access_review_for_staff
from ..forms.reviews import PairForm
from ..models import PeerReview
from ..services import reviews as services


@staff_required
def reviews(request):
    rows = list(
        PeerReview.objects.select_related("period__campaign", "reviewed__municipality", "reviewer").order_by(
            "period__campaign__slug", "-period__due", "period_id", "due_on", "pk"
        )
    )
    periods = [{"period": period, "reviews": list(items)} for period, items in groupby(rows, key=lambda r: r.period)]
    return render(request, "learning/staff/review_list.html", {"periods": periods})


def _period_of(data) -> ReportingPeriod | None:
    try:
        pk = int(data.get("period") or 0)
    except (TypeError, ValueError):
        return None
    return ReportingPeriod.objects.select_related("campaign").filter(pk=pk).first() if pk else None


@staff_required
@require_http_methods(["GET", "POST"])
def review_pair(request):
    if request.method == "POST":
        form = PairForm(request.POST)
        period = _period_of(request.POST)
        if form.is_valid():
            try:
                review = services.review_pair(
                    actor=request.user,
                    period=form.cleaned_data["period"],
                    reviewed=form.cleaned_data["reviewed"],
                    reviewer=form.cleaned_data["reviewer"],
                    due_on=form.cleaned_data["due_on"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        for error in errors:
                            form.add_error(name if name in form.fields else None, error)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(reviewer)s reviews %(reviewed)s for %(period)s; its officials have been told.")
                    % {
                        "reviewer": review.reviewer.name,
                        "reviewed": review.reviewed.municipality.name,
                        "period": review.period.label,
                    },
                )
                return redirect("learning_staff:reviews")
    else:
        period = _period_of(request.GET)
        form = PairForm(initial={"period": period} if period else None)
    form.narrow(period)
    return render(request, "learning/staff/review_pair.html", {"form": form, "period": period})


@staff_required
@require_POST
def review_cancel(request, pk):
    review = access_review_for_staff(pk)
    try:
        services.review_cancel(actor=request.user, review=review)
    except (PermissionDenied, ValidationError) as exc:
        for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
            messages.error(request, message)
    else:
        messages.success(request, _("The pairing is cancelled."))
    return redirect("learning_staff:reviews")


urlpatterns: list[URLPattern] = [
    path("reviews/", reviews, name="reviews"),
    path("reviews/pair/", review_pair, name="review_pair"),
    path("reviews/<int:pk>/cancel/", review_cancel, name="review_cancel"),
]

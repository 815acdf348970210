"""The work queue's "Reports to review" tab: submitted versions waiting for the campaign
team (campaigns with ``reports_need_review``), each with its content and what it changed in
the version before; publish it or ask for changes (pledges/reports/review.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from campaign.models import Commitment
from pledges import queries
from pledges.access import access_version_for_review
from pledges.evidence import files_of_report
from pledges.models import ProgressUpdate, ReportVersion
from pledges.reports import diff, review


class ChangesForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("What should change"),
        max_length=review.MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=gettext_lazy("The city's officials get it by email and see it on the report."),
        error_messages={"required": gettext_lazy("Say what should change: the city's officials will read it.")},
    )


def version_items(version: ReportVersion) -> list[dict]:
    """The version's content per commitment, as the review page shows it: one query."""
    content = version.content or {}
    commitments = Commitment.objects.in_bulk(
        [u.get("commitment_id") for u in content.get("updates", []) if u.get("commitment_id")]
    )
    labels = dict(ProgressUpdate.Status.choices)
    return [
        {
            **u,
            "commitment": commitments.get(u.get("commitment_id")),
            "status_label": labels.get(str(u.get("status") or ""), u.get("status", "")),
        }
        for u in content.get("updates", [])
        if isinstance(u, dict)
    ]


@staff_required
def report_reviews(request):
    return render(
        request,
        "staff/report_reviews.html",
        {"versions": list(review.pending_versions()), "counts": queries.queue_counts()},
    )


def _render_review(request, version, *, changes_form=None, status=200):
    previous, changes = diff.version_changes(version)
    files = files_of_report(version.report)
    return render(
        request,
        "staff/report_review.html",
        {
            "version": version,
            "report": version.report,
            "pledge": version.report.pledge,
            "period": version.report.period,
            "items": version_items(version),
            "previous": previous,
            "changes": changes,
            "still_stored": {f.pk for fs in files.values() for f in fs},
            "is_pending": version.review == ReportVersion.Review.PENDING and version.number == version.report.version,
            "changes_form": changes_form or ChangesForm(),
            "counts": queries.queue_counts(),
            "file_url_name": "reports:evidence_file",
        },
        status=status,
    )


@staff_required
def report_review(request, pk):
    return _render_review(request, access_version_for_review(pk))


@staff_required
@require_POST
def report_review_publish(request, pk):
    version = access_version_for_review(pk)
    try:
        review.report_publish(actor=request.user, version=version)
    except (PermissionDenied, ValidationError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return redirect("staff:report_review", pk=version.pk)
    messages.success(
        request,
        _("The report of %(municipality)s for %(period)s is published.")
        % {"municipality": version.report.pledge.municipality.name, "period": version.report.period.label},
    )
    return redirect("staff:report_reviews")


@staff_required
@require_POST
def report_review_ask_changes(request, pk):
    version = access_version_for_review(pk)
    form = ChangesForm(request.POST)
    if form.is_valid():
        try:
            review.report_ask_changes(actor=request.user, version=version, comment=form.cleaned_data["comment"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
                form.add_error("comment", exc.error_dict["comment"])
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The report of %(municipality)s is sent back; its officials have your comment.")
                % {"municipality": version.report.pledge.municipality.name},
            )
            return redirect("staff:report_reviews")
    version.refresh_from_db()
    return _render_review(request, version, changes_form=form, status=400)

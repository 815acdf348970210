"""Forms of peer review: the campaign team's pairing, the reviewer's feedback and the
reviewed city's answer (one textarea per chosen commitment and an overall text)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from campaign.models import ReportingPeriod
from pledges.models import Pledge

from ..models import PeerReview, PeerReviewFeedback
from ..services import reviews as services


class PairForm(forms.Form):
    """Pair a reviewer with a reviewed pledge for a period (the service checks the rules)."""

    period: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.select_related("campaign").order_by("campaign__slug", "due"),
        error_messages={"required": _("Choose the reporting period.")},
    )
    reviewed = forms.ModelChoiceField(
        label=_("Reviewed pledge"),
        queryset=Pledge.objects.select_related("municipality", "campaign").order_by("municipality__name"),
        help_text=_("A public pledge of the period's campaign whose report for the period is submitted."),
        required=False,
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewing municipality"),
        queryset=Municipality.objects.order_by("name"),
        help_text=_("Another municipality with a public pledge in the same campaign."),
        required=False,
    )
    due_on = forms.DateField(
        label=_("Feedback due on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        reviewed: Any = self.fields["reviewed"]
        reviewed.label_from_instance = lambda p: f"{p.municipality.name} – {p.campaign.title}"
        if not self.is_bound:
            self.fields["due_on"].initial = services.default_due_on()

    def narrow(self, period: ReportingPeriod | None) -> None:
        """Only the pledges and municipalities that can be paired for the period."""
        reviewed: Any = self.fields["reviewed"]
        reviewer: Any = self.fields["reviewer"]
        if period is None:
            reviewed.queryset = reviewed.queryset.none()
            reviewer.queryset = reviewer.queryset.none()
        else:
            reviewed.queryset = services.reviewable_pledges(period)
            reviewer.queryset = services.possible_reviewers(period)


class _TextsForm(forms.Form):
    """One textarea per feedback row and an overall one."""

    prefix_field = ""
    summary_field = ""
    summary_label: Any = ""

    def __init__(self, *args: Any, review: PeerReview, rows: list[PeerReviewFeedback], **kwargs: Any):
        self.review = review
        self.rows = rows
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[self.row_field(row)] = forms.CharField(
                label=f"{row.chosen.commitment.code} {row.chosen.commitment.title}",
                required=False,
                max_length=services.MAX_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
                initial=self.initial_for(row),
            )
        self.fields[self.summary_field] = forms.CharField(
            label=self.summary_label,
            required=False,
            max_length=services.MAX_TEXT_LENGTH,
            widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
            initial=getattr(review, self.summary_field),
        )

    def row_field(self, row: PeerReviewFeedback) -> str:
        return f"{self.prefix_field}_{row.chosen_id}"

    def initial_for(self, row: PeerReviewFeedback) -> str:
        return ""

    def texts(self) -> dict[int, str]:
        return {row.chosen_id: self.cleaned_data.get(self.row_field(row), "") for row in self.rows}

    def pairs(self) -> list[tuple[PeerReviewFeedback, Any]]:
        return [(row, self[self.row_field(row)]) for row in self.rows]

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        else:
            self.add_error(None, exc)


class FeedbackForm(_TextsForm):
    prefix_field = "feedback"
    summary_field = "summary"
    summary_label = _("Overall feedback")

    def initial_for(self, row: PeerReviewFeedback) -> str:
        return row.feedback


class AnswerForm(_TextsForm):
    prefix_field = "answer"
    summary_field = "answer_summary"
    summary_label = _("Overall answer")

    def initial_for(self, row: PeerReviewFeedback) -> str:
        return row.answer

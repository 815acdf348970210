"""The progress report form: one small form per chosen commitment, in one formset."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from campaign.fields import LinesField
from pledges.models import ProgressUpdate
from pledges.services import UpdateInput

MAX_LINKS = 20


class LinksField(LinesField):
    """Web addresses, one a line; each must be http or https."""

    widget = forms.Textarea(attrs={"rows": 3})

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_LINKS:
            raise ValidationError(
                _("Give at most %(limit)s links."), code="too_many_links", params={"limit": MAX_LINKS}
            )
        validator = URLValidator(schemes=["http", "https"])
        errors = []
        for link in value:
            try:
                validator(link)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("“%(link)s” is not a web address starting with http:// or https://."),
                        code="invalid_link",
                        params={"link": link},
                    )
                )
        if errors:
            raise ValidationError(errors)


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Where things stand"), choices=ProgressUpdate.Status.choices)
    narrative = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Required unless the commitment is not started yet."),
    )
    evidence_links = LinksField(
        label=_("Evidence links"),
        required=False,
        help_text=_("Web pages, reports or decisions that show the work: one address a line."),
    )
    figures = forms.CharField(
        label=_("Figures"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("Optional numbers, e.g. people reached or budget spent."),
    )

    def __init__(self, *args, submitting: bool = False, **kwargs):
        self.submitting = submitting
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if (
            self.submitting
            and cleaned.get("status")
            and cleaned["status"] != ProgressUpdate.Status.NOT_STARTED
            and not (cleaned.get("narrative") or "").strip()
        ):
            self.add_error(
                "narrative", _("Describe what was done: this commitment is planned, in progress or achieved.")
            )
        return cleaned


class BaseUpdateFormSet(forms.BaseFormSet):
    """Exactly one form per update of the report, in the report's order."""

    def __init__(self, *args, updates, submitting: bool = False, **kwargs):
        self.updates = list(updates)
        self.submitting = submitting
        kwargs.setdefault(
            "initial",
            [
                {"status": u.status, "narrative": u.narrative, "evidence_links": u.evidence_links, "figures": u.figures}
                for u in self.updates
            ],
        )
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["submitting"] = self.submitting
        return kwargs

    def total_form_count(self):
        return len(self.updates)

    def pairs(self):
        return list(zip(self.forms, self.updates, strict=True))

    def to_inputs(self) -> list[UpdateInput]:
        return [
            UpdateInput(
                chosen_id=update.chosen_id,
                status=form.cleaned_data["status"],
                narrative=form.cleaned_data.get("narrative") or "",
                evidence_links=form.cleaned_data.get("evidence_links") or [],
                figures=form.cleaned_data.get("figures") or "",
            )
            for form, update in self.pairs()
        ]


UpdateFormSet = forms.formset_factory(UpdateForm, formset=BaseUpdateFormSet, extra=0)

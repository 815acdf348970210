"""The progress report form: one small form per chosen commitment, in one formset."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.place_names import currency_of
from campaign.fields import LinesField
from pledges.models import ProgressUpdate
from pledges.monitoring import forms as monitoring_forms
from pledges.monitoring import services as monitoring
from pledges.monitoring.models import Indicator, IndicatorValue
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

    BASE_FIELDS = ("status", "narrative", "evidence_links", "figures")

    def __init__(
        self,
        *args,
        submitting: bool = False,
        indicators: list[Indicator] | None = None,
        targets: dict | None = None,
        currency: str = "",
        **kwargs,
    ):
        self.submitting = submitting
        self.indicators = list(indicators or [])
        self.language = get_language()
        super().__init__(*args, **kwargs)
        targets = targets or {}
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = monitoring_forms.value_field(
                indicator,
                currency=currency,
                language=self.language,
                help_text=monitoring_forms.target_help(indicator, targets.get(indicator.pk), self.language),
            )
        monitoring_forms.add_means_fields(self, currency=currency, language=self.language)

    def carries_means(self) -> bool:
        """Whether the submitted data has the means fields (checkboxes left empty send nothing)."""
        names = [n for n in monitoring_forms.means_field_names() if n != "support_needed"]
        return any(self.add_prefix(name) in self.data for name in names)

    def base_fields_bound(self):
        return [self[name] for name in self.BASE_FIELDS]

    def value_fields_bound(self):
        return [self[f"value_{i.pk}"] for i in self.indicators]

    def means_main_bound(self):
        return [self[name] for name in monitoring_forms.MEANS_FIELDS]

    def partner_fields_bound(self):
        return [self[name] for name in monitoring_forms.partner_field_names()]

    def support_fields_bound(self):
        return [self["support_needed"], self["support_details"]]

    def clean(self):
        cleaned = super().clean()
        monitoring_forms.check_means(self)
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
        self.currency = currency_of(self.updates[0].chosen.pledge.municipality) if self.updates else ""
        self.indicators = [list(monitoring.indicators_for(u.chosen)) for u in self.updates]
        self.targets = [monitoring.targets_of(u.chosen) for u in self.updates]
        stored = {}
        saved_ids = [u.pk for u in self.updates if u.pk]
        for row in IndicatorValue.objects.filter(update_id__in=saved_ids):
            stored[(row.update_id, row.indicator_id)] = row.value
        initial = []
        for update, indicators in zip(self.updates, self.indicators, strict=True):
            item = {
                "status": update.status,
                "narrative": update.narrative,
                "evidence_links": update.evidence_links,
                "figures": update.figures,
                **monitoring_forms.means_initial(monitoring.means_of(update.chosen), currency=self.currency),
            }
            for indicator in indicators:
                item[f"value_{indicator.pk}"] = stored.get((update.pk, indicator.pk))
            initial.append(item)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["submitting"] = self.submitting
        if index is not None and index < len(self.updates):
            kwargs["indicators"] = self.indicators[index]
            kwargs["targets"] = self.targets[index]
            kwargs["currency"] = self.currency
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
                # What the request does not carry (an older form, a partial upload) is left alone.
                values={
                    i.pk: form.cleaned_data.get(f"value_{i.pk}")
                    for i in form.indicators
                    if form.add_prefix(f"value_{i.pk}") in form.data
                },
                means=monitoring_forms.means_input(form.cleaned_data) if form.carries_means() else None,
            )
            for form, update in self.pairs()
        ]


UpdateFormSet = forms.formset_factory(UpdateForm, formset=BaseUpdateFormSet, extra=0)

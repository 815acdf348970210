"""Forms of the officials' pages of local actions. Field names are the keys of the
services' ``data`` (pledges/learning/services/actions.py), so that a service's error shows
beside its field (``add_errors``). The rules are the services'; the forms only read what
was typed: numbers in the reader's locale, lists typed as "15, 16" or one a line."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.place_names import language_name
from campaign.fields import LinesField
from campaign.models import Campaign, Commitment
from pledges.monitoring.forms import NumberField, add_errors, indicator_label
from pledges.monitoring.values import currency_choices

from ..models import CampaignEvent, LocalAction

__all__ = ["ActionForm", "FileForm", "ResultForm", "TranslationForm", "add_errors"]

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommaListField(forms.CharField):
    """A list typed as "15, 16" or "10.7, 11.1" (commas, semicolons or spaces between)."""

    def __init__(self, *, item_type: type = str, **kwargs: Any):
        self.item_type = item_type
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        items = [item for item in re.split(r"[,;\s\u060c]+", super().to_python(value) or "") if item]
        if self.item_type is int:
            numbers = []
            for item in items:
                try:
                    numbers.append(int(item))
                except ValueError:
                    raise ValidationError(
                        _("“%(value)s” is not a whole number."), code="invalid", params={"value": item}
                    ) from None
            return numbers
        return items


def language_choices(current: str = "") -> list[tuple[str, str]]:
    choices = [(code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES]
    if current and current not in dict(choices):
        choices.append((current, language_name(current)))
    return choices


class ActionForm(forms.Form):
    language = forms.ChoiceField(label=_("Written in"), help_text=_("The language of the texts you write here."))
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    summary = forms.CharField(
        label=_("Summary"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Two or three sentences."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=LocalAction.Status.choices)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DATE_WIDGET)
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DATE_WIDGET)
    commitment_ids = forms.TypedMultipleChoiceField(
        label=_("Commitments it serves"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    gcm_objectives = CommaListField(
        item_type=int,
        label=_("Global Compact for Migration objectives"),
        help_text=_("Objective numbers, 1 to 23, e.g. 15, 16"),
    )
    sdg_targets = CommaListField(label=_("SDG targets"), help_text=_("e.g. 10.7, 11.1"))
    audiences = forms.MultipleChoiceField(
        label=_("People it is for"),
        required=False,
        choices=LocalAction.Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    budget = NumberField(label=_("Budget"))
    budget_currency = forms.ChoiceField(label=_("Currency"), required=False)
    funding_sources = LinesField(
        label=_("Funding sources"),
        required=False,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    partners = LinesField(
        label=_("Partners"),
        required=False,
        help_text=_("One a line."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    results = forms.CharField(
        label=_("Results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("What changed, in words. Indicator values can be added on the action's page."),
    )
    links = LinesField(
        label=_("Links"),
        required=False,
        help_text=_("Web addresses, one a line, starting with https:// (at most 10)."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    contact_role = forms.CharField(
        label=_("Public contact"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("A role or an office, such as “Integration office”: never a person’s own address."),
    )
    event_id = forms.TypedChoiceField(label=_("Presented at"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any):
        self.campaign = campaign
        super().__init__(*args, **kwargs)
        initial_language = self.initial.get("language") or ""
        self.fields["language"].choices = language_choices(initial_language)  # type: ignore[attr-defined]
        if not initial_language:
            self.initial["language"] = translation.get_language()
        commitments = list(Commitment.objects.filter(campaign=campaign).order_by("order", "code"))
        themes = dict(Commitment.Theme.choices)
        groups: dict[str, list[tuple[int, str]]] = {}
        for commitment in commitments:
            groups.setdefault(commitment.theme, []).append((commitment.pk, f"{commitment.code} · {commitment.title}"))
        self.commitment_themes = [(themes.get(theme, theme), options) for theme, options in groups.items()]
        self.fields["commitment_ids"].choices = [  # type: ignore[attr-defined]
            option for _theme, options in self.commitment_themes for option in options
        ]
        self.fields["budget_currency"].choices = [("", "—"), *currency_choices(translation.get_language())]  # type: ignore[attr-defined]
        events = CampaignEvent.objects.filter(campaign=campaign).order_by("starts_on", "pk")
        self.fields["event_id"].choices = [("", "—"), *((e.pk, str(e)) for e in events)]  # type: ignore[attr-defined]
        if not events:
            self.fields["event_id"].widget = forms.HiddenInput()

    def commitment_groups(self) -> list[dict[str, Any]]:
        """The commitments by theme, each with whether it is ticked (the bound value first)."""
        raw = self["commitment_ids"].value() or []
        ticked = {str(v) for v in raw}
        return [
            {
                "theme": theme,
                "options": [{"value": pk, "label": label, "checked": str(pk) in ticked} for pk, label in options],
            }
            for theme, options in self.commitment_themes
        ]

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["funding_sources"] = "\n".join(data.get("funding_sources") or [])
        data["partners"] = "\n".join(data.get("partners") or [])
        return data


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    results = forms.CharField(label=_("Results"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"lang": language, "dir": "auto"})


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Image or PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp,.pdf"}),
        help_text=_(
            "PNG, JPEG, WebP or PDF, at most 10 MB. "
            "Images are saved again without their metadata (such as where a photo was taken)."
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    alt_text = forms.CharField(
        label=_("What the image shows"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("Required for an image: for readers who cannot see it."),
    )


class ResultForm(forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    value_text = forms.CharField(
        label=_("Value reached"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"}),
    )
    measured_on = forms.DateField(label=_("Measured on"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )

    def __init__(self, *args: Any, indicators: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.indicators = {i.pk: i for i in indicators}
        self.fields["indicator"].choices = [(i.pk, indicator_label(i)) for i in indicators]  # type: ignore[attr-defined]

"""Forms of monitoring: numbers typed in the reader's locale, the means of implementation,
baselines and targets, and a city's own indicator. The rules are the services' (the forms
ask ``means_errors``, ``target_errors`` and ``indicator_errors`` so that a message shows
beside its field); numbers are read by ``values.parse_number`` and checked by
``values.check_value``.

The means fields (``budget_amount``, ``budget_currency``, ``staff_fte``, ``lead_department``,
``partners_<kind>``, ``support_needed``, ``support_details``) and the value fields
(``value_<indicator id>``) keep these names in the report form too: the spreadsheet upload
relies on them.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from campaign.fields import LinesField
from pledges.models import PledgeCommitment

from . import services
from .models import Indicator, IndicatorTarget, MeansOfImplementation
from .services import IndicatorInput, MeansInput, TargetInput
from .values import check_value, currency_choices, format_input, format_number, parse_number

YES_NO_CHOICES = [("", "—"), ("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))]


class NumberField(forms.CharField):
    """A number typed as the reader's locale writes it ("1 234,5" in French), read into a
    Decimal; with an indicator, checked by its kind."""

    def __init__(
        self, *, indicator: Indicator | None = None, currency: str = "", language: str | None = None, **kwargs: Any
    ):
        self.indicator = indicator
        self.currency = currency
        self.language = language
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float):
            return format_input(value, self.language)
        return value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        text = super().to_python(value)
        if not text:
            return None
        return parse_number(text, self.language or translation.get_language())

    def validate(self, value):
        super().validate(value)
        if value is not None and self.indicator is not None:
            check_value(self.indicator, value, currency=self.currency)


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, indicator: Indicator, **kwargs: Any):
        self.indicator = indicator
        kwargs.setdefault("required", False)
        super().__init__(choices=YES_NO_CHOICES, coerce=Decimal, empty_value=None, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return str(int(value))
        return value


def indicator_label(indicator: Indicator) -> str:
    return f"{indicator.code} · {indicator.name}" + (f" ({indicator.unit})" if indicator.unit else "")


def target_help(indicator: Indicator, target: IndicatorTarget | None, language: str | None = None) -> str:
    """ "Baseline 120 (2023) · target 400 by 31 December 2027", in the reader's locale."""
    if target is None:
        return str(_("No baseline or target set yet."))
    parts: list[str] = []
    if target.baseline_value is not None:
        value = display_value(indicator, target.baseline_value, language)
        if target.baseline_year:
            parts.append(_("Baseline %(value)s (%(year)s)") % {"value": value, "year": target.baseline_year})
        else:
            parts.append(_("Baseline %(value)s") % {"value": value})
    if target.target_value is not None:
        value = display_value(indicator, target.target_value, language)
        if target.target_date:
            parts.append(_("target %(value)s by %(date)s") % {"value": value, "date": date_format(target.target_date)})
        else:
            parts.append(_("target %(value)s") % {"value": value})
    return " · ".join(parts) or str(_("No baseline or target set yet."))


def display_value(indicator: Indicator, value: Decimal | None, language: str | None = None) -> str:
    if value is None:
        return "—"
    if indicator.kind == Indicator.Kind.YES_NO:
        return str(_("Yes") if value else _("No"))
    text = format_number(value, language)
    return f"{text} %" if indicator.kind == Indicator.Kind.PERCENTAGE else text


def value_field(indicator: Indicator, *, currency: str, language: str | None, help_text: str = "") -> forms.Field:
    if indicator.kind == Indicator.Kind.YES_NO:
        return YesNoField(indicator=indicator, label=indicator_label(indicator), help_text=help_text)
    label = indicator_label(indicator)
    if indicator.kind == Indicator.Kind.AMOUNT and currency and not indicator.unit:
        label = f"{label} ({currency})"  # amounts are in the city's currency
    return NumberField(indicator=indicator, currency=currency, language=language, label=label, help_text=help_text)


# --- the means of implementation ----------------------------------------------------------

MEANS_FIELDS = ["budget_amount", "budget_currency", "staff_fte", "lead_department"]


def partner_field_names() -> list[str]:
    return [f"partners_{kind}" for kind in MeansOfImplementation.PartnerKind.values]


def means_field_names() -> list[str]:
    return [*MEANS_FIELDS, *partner_field_names(), "support_needed", "support_details"]


def add_means_fields(form: forms.BaseForm, *, currency: str, language: str | None) -> None:
    """Add the means fields to ``form`` (the means form, and each form of a report)."""
    fields = form.fields
    fields["budget_amount"] = NumberField(
        language=language,
        label=_("Budget"),
        help_text=_("The money put behind this commitment, for example %(example)s.")
        % {"example": format_number(Decimal("250000"), language)},
    )
    fields["budget_currency"] = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", "—"), *currency_choices(language)],
        initial=currency,
    )
    fields["staff_fte"] = NumberField(
        language=language,
        label=_("Staff (full-time equivalents)"),
        help_text=_("For example %(example)s for one person full time and one half time.")
        % {"example": format_number(Decimal("1.5"), language)},
    )
    fields["lead_department"] = forms.CharField(
        label=_("Lead department"),
        required=False,
        max_length=services.MAX_NAME_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    for kind, label in MeansOfImplementation.PartnerKind.choices:
        fields[f"partners_{kind}"] = LinesField(
            label=_("Partners: %(kind)s") % {"kind": label},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
            help_text=_("One name a line."),
        )
    fields["support_needed"] = forms.MultipleChoiceField(
        label=_("Support the city needs"),
        required=False,
        choices=MeansOfImplementation.SupportKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    fields["support_details"] = forms.CharField(
        label=_("About the support needed"),
        required=False,
        max_length=services.MAX_SUPPORT_DETAILS,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("A few words on what would help: funding, tools, a partner city…"),
    )


def means_initial(means: MeansOfImplementation | None, *, currency: str) -> dict[str, Any]:
    data = services.means_input_of(means)
    initial: dict[str, Any] = {
        "budget_amount": data.budget_amount,
        "budget_currency": data.budget_currency or currency,
        "staff_fte": data.staff_fte,
        "lead_department": data.lead_department,
        "support_needed": data.support_needed,
        "support_details": data.support_details,
    }
    for kind in MeansOfImplementation.PartnerKind.values:
        initial[f"partners_{kind}"] = data.partners.get(kind, [])
    return initial


def means_input(cleaned: dict[str, Any]) -> MeansInput:
    return MeansInput(
        budget_amount=cleaned.get("budget_amount"),
        budget_currency=cleaned.get("budget_currency") or "",
        staff_fte=cleaned.get("staff_fte"),
        lead_department=cleaned.get("lead_department") or "",
        partners={kind: cleaned.get(f"partners_{kind}") or [] for kind in MeansOfImplementation.PartnerKind.values},
        support_needed=list(cleaned.get("support_needed") or []),
        support_details=cleaned.get("support_details") or "",
    )


def check_means(form: forms.BaseForm) -> None:
    """Put the services' means errors beside their fields (call from ``clean``)."""
    if any(form.has_error(name) for name in means_field_names()):
        return
    for name, errors in services.means_errors(services.clean_means(means_input(form.cleaned_data))).items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError, each message beside its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, exc)


class MeansForm(forms.Form):
    def __init__(self, *args: Any, chosen: PledgeCommitment, **kwargs: Any):
        self.chosen = chosen
        self.language = translation.get_language()
        currency = services.city_currency(chosen)
        kwargs.setdefault("initial", means_initial(services.means_of(chosen), currency=currency))
        super().__init__(*args, **kwargs)
        add_means_fields(self, currency=currency, language=self.language)

    def clean(self):
        cleaned = super().clean()
        check_means(self)
        return cleaned

    def to_input(self) -> MeansInput:
        return means_input(self.cleaned_data)

    def means_main_bound(self):
        return [self[name] for name in MEANS_FIELDS]

    def partner_fields_bound(self):
        return [self[name] for name in partner_field_names()]

    def support_fields_bound(self):
        return [self["support_needed"], self["support_details"]]


# --- baselines and targets ----------------------------------------------------------------


class TargetsForm(forms.Form):
    """For each indicator of a chosen commitment: ``baseline_value_<id>``, ``baseline_year_<id>``,
    ``target_value_<id>`` and ``target_date_<id>``."""

    def __init__(self, *args: Any, chosen: PledgeCommitment, indicators: list[Indicator], **kwargs: Any):
        self.chosen = chosen
        self.indicators = indicators
        self.language = translation.get_language()
        self.currency = services.city_currency(chosen)
        self.stored = services.targets_of(chosen)
        initial = {}
        for indicator in indicators:
            row = self.stored.get(indicator.pk)
            if row is not None:
                initial.update(
                    {
                        f"baseline_value_{indicator.pk}": row.baseline_value,
                        f"baseline_year_{indicator.pk}": row.baseline_year,
                        f"target_value_{indicator.pk}": row.target_value,
                        f"target_date_{indicator.pk}": row.target_date,
                    }
                )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            pk = indicator.pk
            self.fields[f"baseline_value_{pk}"] = value_field(indicator, currency=self.currency, language=self.language)
            self.fields[f"baseline_value_{pk}"].label = _("Baseline")
            self.fields[f"baseline_year_{pk}"] = forms.IntegerField(
                label=_("Baseline year"),
                required=False,
                min_value=services.EARLIEST_BASELINE_YEAR,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                localize=False,
            )
            self.fields[f"target_value_{pk}"] = value_field(indicator, currency=self.currency, language=self.language)
            self.fields[f"target_value_{pk}"].label = _("Target")
            self.fields[f"target_date_{pk}"] = forms.DateField(
                label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def rows(self) -> list[dict[str, Any]]:
        """One row per indicator with its four bound fields, for the template."""
        return [
            {
                "indicator": indicator,
                "fields": [
                    self[f"{name}_{indicator.pk}"]
                    for name in ("baseline_value", "baseline_year", "target_value", "target_date")
                ],
            }
            for indicator in self.indicators
        ]

    def _input(self, indicator: Indicator) -> TargetInput:
        pk = indicator.pk
        c = self.cleaned_data
        return TargetInput(
            baseline_value=c.get(f"baseline_value_{pk}"),
            baseline_year=c.get(f"baseline_year_{pk}"),
            target_value=c.get(f"target_value_{pk}"),
            target_date=c.get(f"target_date_{pk}"),
        )

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            names = [f"{n}_{indicator.pk}" for n in ("baseline_value", "baseline_year", "target_value", "target_date")]
            if any(self.has_error(name) for name in names):
                continue
            errors = services.target_errors(
                self.chosen,
                indicator,
                self._input(indicator),
                stored=self.stored.get(indicator.pk),
                suffix=f"_{indicator.pk}",
            )
            for name, messages in errors.items():
                for error in messages:
                    self.add_error(name, error)
        return cleaned

    def to_input(self) -> dict[Indicator, TargetInput]:
        return {indicator: self._input(indicator) for indicator in self.indicators}


# --- a city's own indicator -----------------------------------------------------------------


class OwnIndicatorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Short and stable, for example OWN-1."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=Indicator.Kind.choices)
    unit = forms.CharField(
        label=_("Unit"),
        max_length=60,
        required=False,
        help_text=_("For example people, hours, forms."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    higher_is_better = forms.BooleanField(
        label=_("Higher is better"),
        required=False,
        initial=True,
        help_text=_("Untick when progress means a lower value."),
    )
    guidance = forms.CharField(
        label=_("How it is counted"),
        required=False,
        max_length=services.MAX_SUPPORT_DETAILS,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, chosen: PledgeCommitment, indicator: Indicator | None = None, **kwargs: Any):
        self.chosen = chosen
        self.indicator = indicator
        kwargs.setdefault("initial", {"language": translation.get_language(), "higher_is_better": True})
        super().__init__(*args, **kwargs)

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def to_input(self) -> IndicatorInput:
        c = self.cleaned_data
        return IndicatorInput(
            code=c.get("code") or "",
            name=c.get("name") or "",
            kind=c.get("kind") or "",
            unit=c.get("unit") or "",
            guidance=c.get("guidance") or "",
            higher_is_better=bool(c.get("higher_is_better")),
            language=c.get("language") or "",
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for name, errors in services.indicator_errors(
                self.chosen, self.to_input(), indicator=self.indicator
            ).items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        return cleaned

"""Forms of the campaign team's work queue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, validate_time_zone
from accounts.place_names import country_choices
from accounts.widgets import MunicipalityChoiceField
from campaign.models import Campaign, ReportingPeriod
from pledges.models import Pledge


class _SelectionField(forms.ModelMultipleChoiceField):
    """Checked rows of a table. Any row may be sent; the service says if it can be acted on."""

    widget = forms.MultipleHiddenInput

    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset,
            error_messages={
                "required": _("Select at least one row."),
                "invalid_choice": _("A selected row no longer exists. Reload the page and try again."),
                "invalid_pk_value": _("A selected row no longer exists. Reload the page and try again."),
            },
            **kwargs,
        )


class MembershipSelectionForm(forms.Form):
    selected = _SelectionField(Membership.objects.select_related("user", "municipality"))


class PledgeSelectionForm(forms.Form):
    selected = _SelectionField(Pledge.objects.select_related("municipality", "campaign"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason: the person will read it.")},
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["reason"].help_text = help_text


def _country_choices(codes):
    return [("", _("All countries"))] + [(code, f"{name} ({code})") for code, name in country_choices(codes)]


class PledgeFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.order_by("title"), required=False, empty_label=_("All campaigns")
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _country_choices(countries)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class OverdueFilterForm(PledgeFilterForm):
    period = forms.ModelChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.select_related("campaign").order_by("campaign__title", "opens"),
        required=False,
        empty_label=_("All periods"),
    )

    field_order = ["campaign", "period", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].label_from_instance = lambda p: f"{p.campaign.title} · {p.label}"


# --- requests for missing municipalities ------------------------------------------------


class MunicipalityAddForm(forms.Form):
    """Add the requested place; its time zone is guessed from the nearest listed place."""

    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as “Europe/Rome”: guessed from the nearest place of the same country."),
        error_messages={"required": _("Enter the time zone, such as “Europe/Rome”.")},
    )


class MunicipalityMergeForm(forms.Form):
    """The request duplicates a listed place: which one."""

    municipality = MunicipalityChoiceField(
        label=_("Existing municipality"),
        help_text=_("Type its name and choose it from the suggestions; the request will point to it."),
    )

"""The form to propose a partnership: the municipality proposing (when the official acts
for several), the campaign (when several), the partner among the campaign's signatories,
the kind and a description."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality
from campaign.models import Campaign

from ..models import Partnership
from ..services import partnerships as services
from .exchanges import add_service_errors


class ProposeForm(forms.Form):
    proposer = forms.ModelChoiceField(
        label=_("Your municipality"),
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose your municipality.")},
    )
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the campaign.")},
    )
    partner = forms.ModelChoiceField(
        label=_("Partner municipality"),
        queryset=Municipality.objects.none(),
        help_text=_("A municipality with a verified pledge in the campaign."),
        error_messages={"required": _("Choose the partner municipality.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of partnership"),
        choices=Partnership.Kind.choices,
        error_messages={"required": _("Choose the kind of partnership.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=services.MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Shown on both cities' public profiles once confirmed."),
    )

    add_service_errors = add_service_errors

    def __init__(self, *args: Any, municipalities: Any, campaigns: Any, partners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        proposer: Any = self.fields["proposer"]
        campaign: Any = self.fields["campaign"]
        partner: Any = self.fields["partner"]
        proposer.queryset = municipalities
        campaign.queryset = campaigns
        partner.queryset = partners
        for field, choices in ((proposer, municipalities), (campaign, campaigns)):
            if len(choices) == 1:
                field.initial = choices[0].pk
                field.widget = forms.HiddenInput()

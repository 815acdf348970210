"""The email preferences form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.outbox.models import OPTIONAL_EMAIL_CATEGORIES


class EmailPreferencesForm(forms.Form):
    receive = forms.MultipleChoiceField(
        label=_("Send me"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        choices=[(c.value, c.label) for c in OPTIONAL_EMAIL_CATEGORIES],
        help_text=_("Messages about your account, your municipalities, your pledges and your reports are always sent."),
    )

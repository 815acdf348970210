from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, User
from .widgets import MunicipalityChoiceField


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]


# --- acting for a municipality ------------------------------------------------------------

ROLE_CHOICES = [("", _("Choose a role"))] + list(Membership.Role.choices)


class MembershipRequestForm(forms.Form):
    """Ask to act for a municipality. The service checks the evidence; this form only collects it."""

    municipality = MunicipalityChoiceField(
        help_text=_(
            "Type at least two letters of its name, in any language, then choose from the list. "
            "This search needs JavaScript."
        )
    )
    role = forms.ChoiceField(
        label=_("Your role"), choices=ROLE_CHOICES, error_messages={"required": _("Choose your role.")}
    )
    evidence_email = forms.EmailField(
        label=_("Your address at the municipality's own email domain"),
        required=False,
        help_text=_("For example name@mechelen.be. Give this address, or upload a letter below."),
        error_messages={"invalid": _("Enter a valid email address, such as name@mechelen.be.")},
    )
    evidence_letter = forms.FileField(
        label=_("Letter of appointment (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_(
            "A PDF of at most 10 MB, signed by the municipality, that says you act for it. "
            "If the form shows an error, a valid letter you uploaded is kept; otherwise choose the file again."
        ),
    )
    evidence_note = forms.CharField(
        label=_("Note to the campaign team"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: anything that helps us check your request quickly."),
    )
    pending_letter = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("evidence_email")
            and not cleaned.get("evidence_letter")
            and not cleaned.get("pending_letter")
            and not self.has_error("evidence_email")
        ):
            raise forms.ValidationError(
                _("Give an address at the municipality's own email domain or upload a letter of appointment."),
                code="no_evidence",
            )
        return cleaned


class InvitationForm(forms.Form):
    """Invite a colleague to act for the same municipality."""

    email = forms.EmailField(
        label=_("Their email address"),
        error_messages={
            "required": _("Enter the email address of the person you invite."),
            "invalid": _("Enter a valid email address."),
        },
    )
    role = forms.ChoiceField(
        label=_("Their role"), choices=ROLE_CHOICES, error_messages={"required": _("Choose their role.")}
    )


class HandoverForm(InvitationForm):
    """Hand the municipality over to a successor: their acceptance ends the sender's own access."""

    confirm = forms.BooleanField(
        label=_("I understand that my own access to this municipality ends when my successor accepts."),
        error_messages={"required": _("Tick this box to confirm the hand-over.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Your successor's email address")
        self.fields["role"].label = _("Your successor's role")

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FULL_NAME_MAX_LENGTH, Membership, Municipality, User
from .place_names import country_choices, country_codes
from .widgets import MunicipalityChoiceField


class PersonNameField(forms.CharField):
    """A person's name as they write it, in any script: required, spaces trimmed and runs of
    spaces made one, at most 200 characters (User.full_name)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your name"))
        kwargs.setdefault(
            "help_text", _("As you would like to be addressed in our emails, for example Élodie Fontaine.")
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Enter your name."),
                "max_length": _("Your name can be at most 200 characters long."),
            },
        )
        super().__init__(max_length=FULL_NAME_MAX_LENGTH, **kwargs)
        self.widget.attrs.update({"autocomplete": "name", "dir": "auto"})

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


class SignupForm(forms.Form):
    """allauth's sign-up form builds on this one (ACCOUNT_SIGNUP_FORM_CLASS): the name comes
    first; AccountAdapter.save_user stores it with the new account."""

    full_name = PersonNameField()

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request, user):
        """allauth's hook after the account is saved; the adapter has stored the name already."""


class PreferencesForm(forms.ModelForm):
    full_name = PersonNameField()

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


# --- "My municipality is not listed" --------------------------------------------------------


class CoordinateField(forms.FloatField):
    """Degrees as a decimal number; a decimal comma ("43,5") is read as a point."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u2212", "-")
        return super().to_python(value)


class MunicipalityRequestForm(forms.Form):
    """Ask for a place missing from the directory. The service validates it again."""

    name = forms.CharField(
        label=_("Name of the municipality"),
        max_length=200,
        help_text=_("Its official name, as the municipality writes it."),
        error_messages={
            "required": _("Enter the name of the municipality."),
            "max_length": _("The name can be at most 200 characters long."),
        },
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=(),
        error_messages={
            "required": _("Choose the country."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of government"),
        choices=Municipality.Kind.choices,
        initial=Municipality.Kind.MUNICIPALITY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of government."),
            "invalid_choice": _("Choose a kind from the list."),
        },
    )
    latitude = CoordinateField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        help_text=_("In decimal degrees, between -90 and 90 (north is positive), for example 38.42."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the latitude, or pick the position on the map."),
            "invalid": _("Enter the latitude as a number of degrees, such as 38.42."),
            "min_value": _("Latitude must be between -90 and 90 degrees."),
            "max_value": _("Latitude must be between -90 and 90 degrees."),
        },
    )
    longitude = CoordinateField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        help_text=_("In decimal degrees, between -180 and 180 (east is positive), for example 16.48."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "required": _("Enter the longitude, or pick the position on the map."),
            "invalid": _("Enter the longitude as a number of degrees, such as 16.48."),
            "min_value": _("Longitude must be between -180 and 180 degrees."),
            "max_value": _("Longitude must be between -180 and 180 degrees."),
        },
    )
    population = forms.IntegerField(
        label=_("Population"),
        min_value=0,
        help_text=_("The number of inhabitants, from the latest census or estimate."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
        error_messages={
            "required": _("Enter the population."),
            "invalid": _("Enter the population as a whole number, such as 2300."),
            "min_value": _("The population cannot be negative."),
        },
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_(
            "Where these figures come from: a web address (the municipality's site, a statistics office) "
            "or a short text."
        ),
        error_messages={
            "required": _("Say where these figures come from."),
            "max_length": _("The source can be at most 500 characters long."),
        },
    )
    distinct = forms.BooleanField(
        label=_("My municipality is a different place from the ones listed above."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country"))] + country_choices(country_codes())

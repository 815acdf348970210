"""Forms of exchanges: asking to learn from an action (the message and the asker's
contact, with the municipality asking when the official acts for several), and the
author's answer (accept with its contact, or decline)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality

from ..services import exchanges as services


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError next to its field, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        form.add_error(None, exc)


class _ContactFields(forms.Form):
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=services.MAX_CONTACT_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
        error_messages={"required": _("Give the name of a contact person.")},
    )
    contact_role = forms.CharField(
        label=_("Contact role"),
        max_length=services.MAX_CONTACT_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "organization-title"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Give the contact's email address."),
            "invalid": _("Enter a valid email address."),
        },
    )

    add_service_errors = add_service_errors

    @staticmethod
    def initial_contact(user: Any) -> dict[str, str]:
        return {"contact_name": getattr(user, "full_name", "") or "", "contact_email": getattr(user, "email", "") or ""}


class AskForm(_ContactFields):
    requester = forms.ModelChoiceField(
        label=_("Municipality asking"),
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the municipality you ask for.")},
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=services.MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_("What your municipality would like to learn, and why."),
        error_messages={"required": _("Say what your municipality would like to learn.")},
    )
    field_order = ["requester", "message", "contact_name", "contact_role", "contact_email"]

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["requester"]
        field.queryset = municipalities
        if len(municipalities) == 1:
            field.initial = municipalities[0].pk
            field.widget = forms.HiddenInput()
        self.fields["contact_email"].help_text = _(
            "Shared with the action's municipality only if it accepts, as its contact is with you."
        )


class AcceptForm(_ContactFields):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=services.MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    field_order = ["answer", "contact_name", "contact_role", "contact_email"]

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "accept")
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer (optional)"),
        max_length=services.MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    add_service_errors = add_service_errors

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "decline")
        super().__init__(*args, **kwargs)

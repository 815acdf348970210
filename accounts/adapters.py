"""How allauth's accounts meet this site: the language an account speaks, and its emails.

Every email allauth sends (sign-up confirmation, password reset, sign-in code, "unknown
account", notifications of changes, MFA) is rendered from templates/account/email/ and
templates/mfa/email/, built on our email layout (templates/emails/base_message.html), with a
text and an HTML part, in the recipient's language: their account's when the address belongs
to an account, the page's otherwise. The site is named by settings.SITE_NAME; the Sites row
(kept in step by campaign/apps.py) is not used by our templates, so no domain such as
"127.0.0.1:8000" signs an email.
"""

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from .models import User


def _language_of(user: User | None) -> str:
    """The account's language when it is one of the site's; else the page's (the request's)."""
    languages = dict(settings.LANGUAGES)
    language = getattr(user, "preferred_language", "") or ""
    if language in languages:
        return language
    active = translation.get_language() or settings.LANGUAGE_CODE
    return active if active in languages else settings.LANGUAGE_CODE


# The links allauth puts in its emails' context.
LINKS = ("activate_url", "password_reset_url", "signup_url")


def _site_link(url: str, language: str) -> str:
    """allauth builds its links from the request, in the page's language: lead to the pages of
    the email's language, at SITE_URL as every other email of ours does (never a host taken
    from the request's headers)."""
    parts = urlsplit(translate_url(url, language))
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """A new account speaks the language its owner signed up in, and bears their name."""
        user.preferred_language = translation.get_language() or user.preferred_language
        user.full_name = form.cleaned_data.get("full_name", "") or user.full_name
        return super().save_user(request, user, form, commit=commit)

    def recipient_of(self, email: str, context: dict[str, Any]) -> User | None:
        """The account an email goes to: allauth passes it for most emails, not for the sign-in
        code or "account already exists" (which go to an account's address). None for an
        address no account has ("unknown account")."""
        user = context.get("user")
        if isinstance(user, User):
            return user
        if not email:
            return None
        owner = User.objects.filter(email__iexact=email).first()
        if owner is None:  # one of an account's other addresses
            address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
            owner = address.user if address is not None else None
        return owner

    def send_mail(self, template_prefix, email, context):
        """Write each account email in its recipient's language, not the request's."""
        user = self.recipient_of(email, context)
        language = _language_of(user)
        context = dict(context)
        for key in LINKS:
            if context.get(key):
                context[key] = _site_link(context[key], language)
        with translation.override(language):
            super().send_mail(
                template_prefix,
                email,
                {
                    "SITE_NAME": settings.SITE_NAME,
                    "SITE_URL": settings.SITE_URL,
                    "language": language,
                    "recipient_name": user.salutation_name if user else "",
                    **context,
                },
            )

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """allauth's notices of a change (password, address, second factor) name no user in
        their context: add it, so that they too are written in the account's language."""
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def get_login_redirect_url(self, request):
        """After logging in, the site speaks the user's preferred language."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        if language and language != translation.get_language():
            return translate_url(url, language)
        return url

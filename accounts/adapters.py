from allauth.account.adapter import DefaultAccountAdapter
from django.urls import translate_url
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """A new account speaks the language its owner signed up in."""
        user.preferred_language = translation.get_language() or user.preferred_language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """Write each account email in its recipient's language, not the request's."""
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        """After logging in, the site speaks the user's preferred language."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        if language and language != translation.get_language():
            return translate_url(url, language)
        return url

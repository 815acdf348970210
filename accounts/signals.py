from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils import translation


@receiver(user_signed_up)
def remember_signup_language(request, user, **kwargs):
    """A new account speaks the language its owner signed up in."""
    language = translation.get_language()
    if language and language != user.preferred_language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])

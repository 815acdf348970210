"""Writes on accounts. Every change of state goes through a function here."""

import logging

from django.db import transaction

from .models import User

log = logging.getLogger(__name__)


@transaction.atomic
def user_update_preferences(*, actor: User, user: User, full_name: str, preferred_language: str) -> User:
    """A user changes their own name and language; nobody else may."""
    if actor.pk != user.pk:
        raise PermissionError("Only the account's owner changes its preferences.")
    user.full_name = full_name.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])
    log.info("user %s updated preferences", user.pk)
    return user

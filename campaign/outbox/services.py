"""Changes to a recipient's email preferences: opting out and opting back in."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaign.outbox.delivery import OPTIONAL_CATEGORY_VALUES
from campaign.outbox.models import OPTIONAL_EMAIL_CATEGORIES, EmailOptOut

log = logging.getLogger(__name__)

# Users are typed Any here: the user model (settings.AUTH_USER_MODEL) lives in accounts,
# a layer above the outbox, which may not import it, not even for mypy.


def email_opt_out(*, user: Any, category: str, source: str = EmailOptOut.Source.LINK) -> EmailOptOut:
    """Stop one category of non-essential mail. The caller has proved who the user is (a
    signed token or a signed-in session). Idempotent."""
    if category not in OPTIONAL_CATEGORY_VALUES:
        raise ValidationError(_("This kind of email cannot be turned off."))
    try:
        with transaction.atomic():
            opt_out, created = EmailOptOut.objects.get_or_create(
                user=user, category=category, defaults={"source": source}
            )
    except IntegrityError:  # two clicks at once
        opt_out, created = EmailOptOut.objects.get(user=user, category=category), False
    if created:
        log.info("user %s opted out of %s mail (%s)", user.pk, category, source)
    return opt_out


def opted_out_categories(user: Any) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("category", flat=True))


def email_preferences_update(*, actor: Any, user: Any, receive: set[str]) -> set[str]:
    """Receive exactly the non-essential categories in `receive`. Only for oneself."""
    if not (actor and actor.is_authenticated and actor.pk == user.pk):
        raise PermissionDenied(_("You can only change your own email preferences."))
    unknown = set(receive) - OPTIONAL_CATEGORY_VALUES
    if unknown:
        raise ValidationError(_("Unknown kind of email."))
    with transaction.atomic():
        for category in OPTIONAL_EMAIL_CATEGORIES:
            if category.value in receive:
                EmailOptOut.objects.filter(user=user, category=category.value).delete()
            else:
                EmailOptOut.objects.get_or_create(
                    user=user, category=category.value, defaults={"source": EmailOptOut.Source.PREFERENCES}
                )
    return set(receive)

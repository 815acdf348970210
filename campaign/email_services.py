"""Changes to email preferences and deliveries: opting out, opting back in, sending again."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.access import is_campaign_admin

from .delivery import OPTIONAL_CATEGORY_VALUES, dispatch
from .models import OPTIONAL_EMAIL_CATEGORIES, EmailDelivery, EmailOptOut

log = logging.getLogger(__name__)


def email_opt_out(*, user, category: str, source: str = EmailOptOut.Source.LINK) -> EmailOptOut:
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


def opted_out_categories(user) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("category", flat=True))


def email_preferences_update(*, actor, user, receive: set[str]) -> set[str]:
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


def delivery_requeue(*, actor, delivery: EmailDelivery) -> EmailDelivery:
    """Send a failed (or still retrying) message again, for example after fixing the mail server."""
    if not is_campaign_admin(actor):
        raise PermissionDenied(_("Only campaign admins can send messages again."))
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status not in (EmailDelivery.Status.FAILED, EmailDelivery.Status.RETRYING):
            raise ValidationError(_("Only failed or retrying messages can be sent again."))
        previous = delivery.last_error
        delivery.status = EmailDelivery.Status.QUEUED
        delivery.last_error = _("Sent again by %(admin)s. Previous error: %(error)s") % {
            "admin": actor.email,
            "error": previous,
        }
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        pk = delivery.pk
        transaction.on_commit(lambda: dispatch(pk), robust=True)
    return delivery

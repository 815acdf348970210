"""Who may act for which municipality. Deny by default.

Views and services ask these questions; nobody reads Membership rows directly to decide
a permission.
"""

from django.db.models import QuerySet

from .models import Membership, Municipality


def is_campaign_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def approved_municipality_ids(user) -> set[int]:
    """Municipalities the user is an approved official of (empty for anyone else)."""
    if not (user and user.is_authenticated and user.is_active):
        return set()

    return set(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "municipality_id", flat=True
        )
    )


def can_act_for(user, municipality_id: int) -> bool:
    """An approved official of this municipality. Admins verify; they do not sign for cities."""
    return municipality_id in approved_municipality_ids(user)


def can_see_private(user, municipality_id: int) -> bool:
    """Drafts, documents and history: the city's own officials and campaign admins."""
    return is_campaign_admin(user) or can_act_for(user, municipality_id)


def municipalities_of(user) -> QuerySet:

    return Municipality.objects.filter(pk__in=approved_municipality_ids(user)).order_by("name")

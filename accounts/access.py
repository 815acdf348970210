"""Who may do what. Deny by default; every view, service, admin and task asks here.

The permission model, written down once:

- A **campaign admin** is an active account with ``is_staff``. Campaign admins do all the
  campaign team's work: approve officials, verify or reject pledges, run campaigns and
  their commitments, write announcements, export, see private documents. Django's
  per-model permissions (groups, user permissions) are not used by the product; being a
  superuser adds one power only, managing accounts in the admin (who is staff).
  Nobody decides on their own request, and an admin who acts for a city does not judge
  its pledge (the services check those two).
- An **official** acts for a municipality through an APPROVED membership: they sign its
  pledges, file its reports, invite colleagues. Campaign admins do not sign for cities.
- An account whose email address is not confirmed does none of this: every page of
  officials and staff answers it the same way (``verified_email_required``).

Three layers use these rules:

- predicates (``is_campaign_admin``, ``can_act_for``, ...) for templates and queries;
- ``require_*`` for services: they raise PermissionDenied with a message a person can read;
- ``access_*`` for views: "get this object for this person or refuse". They answer 404,
  not 403, so that nobody learns which private objects exist. The helpers for pledges'
  objects are in pledges/access.py, on top of these.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import verified_email_required as allauth_verified_email_required
from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .models import Membership, Municipality

View = Callable[..., HttpResponse]


# --- rules ------------------------------------------------------------------------------


def is_campaign_admin(user: Any) -> bool:
    """The campaign team's power (see the module's docstring)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def has_verified_email(user: Any) -> bool:
    return bool(user and user.is_authenticated and EmailAddress.objects.filter(user=user, verified=True).exists())


def approved_municipality_ids(user: Any) -> set[int]:
    """Municipalities the user is an approved official of (empty for anyone else)."""
    if not (user and user.is_authenticated and user.is_active):
        return set()
    return set(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "municipality_id", flat=True
        )
    )


def can_act_for(user: Any, municipality_id: int) -> bool:
    """An approved official of this municipality. Admins verify; they do not sign for cities."""
    return municipality_id in approved_municipality_ids(user)


def can_see_private(user: Any, municipality_id: int) -> bool:
    """Drafts, documents and history: the city's own officials and campaign admins."""
    return is_campaign_admin(user) or can_act_for(user, municipality_id)


def municipalities_of(user: Any) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk__in=approved_municipality_ids(user)).order_by("name")


# --- for services: refuse with a reason -----------------------------------------------------


def require_campaign_admin(actor: Any) -> None:
    if not is_campaign_admin(actor):
        raise PermissionDenied(_("Only campaign admins can do this."))


def require_official(actor: Any, municipality_id: int) -> None:
    if not can_act_for(actor, municipality_id):
        raise PermissionDenied(_("You do not act for this municipality."))


def require_verified_email(actor: Any) -> None:
    if not has_verified_email(actor):
        raise PermissionDenied(_("Confirm your email address first."))


# --- for views ------------------------------------------------------------------------------


def verified_email_required(view: View) -> View:
    """Signed in (else the login page) with a confirmed address (else allauth's page that
    says so and sends a new link, answered with 403). The one gate of every official's and
    staff page."""
    ask_to_verify = allauth_verified_email_required(view)

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if has_verified_email(request.user):
            return view(request, *args, **kwargs)
        response: HttpResponse = ask_to_verify(request, *args, **kwargs)
        response.status_code = 403
        return response

    return wrapped


def staff_required(view: View) -> View:
    """Campaign admins only: anonymous visitors go to the login page, an unconfirmed address
    gets the same page as everywhere, anyone else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_campaign_admin(request.user):
            raise PermissionDenied(_("Only campaign admins can open this page."))
        return view(request, *args, **kwargs)

    return verified_email_required(wrapped)


def access_membership_letter(user: Any, membership_id: int) -> Membership:
    """A membership's letter of appointment: for the campaign team and the person who
    uploaded it. 404 for anyone else, and when there is no letter."""
    membership = Membership.objects.filter(pk=membership_id).select_related("municipality").first()
    if membership is None or not membership.evidence_letter:
        raise Http404
    if not (is_campaign_admin(user) or membership.user_id == user.pk):
        raise Http404
    return membership


def access_municipality_as_official(user: Any, **lookup: Any) -> Municipality:
    """The municipality (by ``pk=`` or ``slug=``) if the user acts for it, or 404."""
    municipality = Municipality.objects.filter(**lookup).first()
    if municipality is None or not can_act_for(user, municipality.pk):
        raise Http404
    return municipality

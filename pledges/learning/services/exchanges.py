"""Exchanges: an official of another municipality asks to learn from a published local
action; the action's municipality accepts (giving its contact) or declines; the asker may
withdraw while it waits.

Each side's contact is shown to the other only once the request is accepted
(``exchange_contacts``): the email that tells the author's officials of a request carries
the asking municipality's name and message, never its contact. Asking is rate-limited in
the database (so the limit holds without Redis): RATE_PER_OFFICIAL requests per official
and RATE_PER_MUNICIPALITY per asking municipality in RATE_WINDOW.

Each function checks who may act, runs in one transaction with the row locked, records the
history and queues its emails on commit; views call these.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.access import approved_municipality_ids, require_official
from accounts.models import Membership, Municipality
from accounts.services import name_for
from campaign.outbox.emails import queue_email
from campaign.writes import write_batch

from .. import rules
from ..history import record
from ..models import ExchangeRequest, HistoryEntry, LocalAction

ASKED_TEMPLATE = "learning_exchange_asked"
ACCEPTED_TEMPLATE = "learning_exchange_accepted"
DECLINED_TEMPLATE = "learning_exchange_declined"

MAX_MESSAGE_LENGTH = 2_000
MAX_CONTACT_LENGTH = 200
RATE_WINDOW = timedelta(hours=24)
RATE_PER_OFFICIAL = 5
RATE_PER_MUNICIPALITY = 20


# --- input ------------------------------------------------------------------------------------


def _clean_text(
    errors: dict[str, ValidationError], field: str, value: str | None, *, limit: int, required_message: str = ""
) -> str:
    value = (value or "").strip()
    if not value and required_message:
        errors[field] = ValidationError(required_message, code="required")
    elif len(value) > limit:
        errors[field] = ValidationError(_("Keep it under %(count)d characters.") % {"count": limit}, code="max_length")
    return value


def _clean_contact(
    errors: dict[str, ValidationError], name: str | None, role: str | None, email: str | None
) -> tuple[str, str, str]:
    name = _clean_text(
        errors, "contact_name", name, limit=MAX_CONTACT_LENGTH, required_message=_("Give the name of a contact person.")
    )
    role = _clean_text(errors, "contact_role", role, limit=MAX_CONTACT_LENGTH)
    email = (email or "").strip()
    if not email:
        errors["contact_email"] = ValidationError(_("Give the contact's email address."), code="required")
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = ValidationError(_("Enter a valid email address."), code="invalid")
    return name, role, email


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _check_rate(actor: Any, requester: Municipality, now: datetime) -> None:
    """At most RATE_PER_OFFICIAL requests by this official and RATE_PER_MUNICIPALITY by this
    municipality in the last RATE_WINDOW, counted from the rows themselves."""
    since = now - RATE_WINDOW
    checks = (
        (ExchangeRequest.objects.filter(requested_by=actor, created_at__gt=since), RATE_PER_OFFICIAL, "official"),
        (
            ExchangeRequest.objects.filter(requester=requester, created_at__gt=since),
            RATE_PER_MUNICIPALITY,
            "municipality",
        ),
    )
    for queryset, limit, who in checks:
        times = list(queryset.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            again = times[-1] + RATE_WINDOW  # when the oldest request that counts leaves the window
            if who == "official":
                message = _(
                    "You have asked %(count)d times in 24 hours, the most one official may. "
                    "You can ask again after %(when)s."
                )
            else:
                message = _(
                    "Your municipality has asked %(count)d times in 24 hours, the most it may. "
                    "It can ask again after %(when)s."
                )
            raise ValidationError(message % {"count": limit, "when": _when(again)}, code="rate_limited")


def _lock(exchange: ExchangeRequest) -> ExchangeRequest:
    return (
        ExchangeRequest.objects.select_for_update()
        .select_related("action__municipality", "action__campaign", "requester")
        .get(pk=exchange.pk)
    )


def _require_pending(exchange: ExchangeRequest) -> None:
    if exchange.status != ExchangeRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered or withdrawn."), code="answered")


# --- the asking municipality ------------------------------------------------------------------


@write_batch()
def exchange_ask(
    *,
    actor: Any,
    action: LocalAction,
    requester: Municipality,
    message: str,
    contact_name: str,
    contact_role: str = "",
    contact_email: str,
) -> ExchangeRequest:
    """``requester`` (a municipality the actor acts for, not the action's own) asks to learn
    from a public action. One pending request per municipality and action."""
    require_official(actor, requester.pk)
    # The asking municipality's row is the lock: two requests of the same city are counted
    # one after the other.
    requester = Municipality.objects.select_for_update().get(pk=requester.pk)
    action = LocalAction.objects.select_related("municipality", "campaign").get(pk=action.pk)
    if not rules.is_public_action(action):
        raise ValidationError(_("Only an action published in the library can be asked about."), code="not_public")
    if requester.pk == action.municipality_id:
        raise ValidationError(
            {"requester": ValidationError(_("This is your municipality's own action."), code="own_action")}
        )
    if ExchangeRequest.objects.filter(
        action=action, requester=requester, status=ExchangeRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _("Your municipality already asked to learn from this action: wait for the answer."), code="pending"
        )
    now = timezone.now()
    _check_rate(actor, requester, now)

    errors: dict[str, ValidationError] = {}
    message = _clean_text(
        errors,
        "message",
        message,
        limit=MAX_MESSAGE_LENGTH,
        required_message=_("Say what your municipality would like to learn."),
    )
    name, role, email = _clean_contact(errors, contact_name, contact_role, contact_email)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            exchange = ExchangeRequest.objects.create(
                action=action,
                requester=requester,
                requested_by=actor,
                message=message,
                requester_contact_name=name,
                requester_contact_role=role,
                requester_contact_email=email,
            )
    except IntegrityError as exc:  # the one-pending constraint, should a request slip past the check
        raise ValidationError(
            _("Your municipality already asked to learn from this action: wait for the answer."), code="pending"
        ) from exc
    record(
        HistoryEntry.Verb.EXCHANGE_ASKED,
        actor=actor,
        municipality_id=requester.pk,
        local_action=action,
        exchange=exchange,
    )
    _email_officials(exchange, action.municipality_id, ASKED_TEMPLATE)
    return exchange


@write_batch()
def exchange_withdraw(*, actor: Any, exchange: ExchangeRequest) -> ExchangeRequest:
    """The asking municipality takes back a request still waiting for an answer."""
    require_official(actor, exchange.requester_id)
    exchange = _lock(exchange)
    _require_pending(exchange)
    exchange.status = ExchangeRequest.Status.WITHDRAWN
    exchange.answered_at = timezone.now()
    exchange.save()
    record(
        HistoryEntry.Verb.EXCHANGE_WITHDRAWN,
        actor=actor,
        municipality_id=exchange.requester_id,
        local_action=exchange.action,
        exchange=exchange,
    )
    return exchange


# --- the action's municipality answers --------------------------------------------------------


@write_batch()
def exchange_accept(
    *,
    actor: Any,
    exchange: ExchangeRequest,
    answer: str = "",
    contact_name: str,
    contact_role: str = "",
    contact_email: str,
) -> ExchangeRequest:
    """The action's municipality accepts and gives its contact: from now on each side sees
    the other's."""
    require_official(actor, exchange.action.municipality_id)
    exchange = _lock(exchange)
    _require_pending(exchange)
    errors: dict[str, ValidationError] = {}
    answer = _clean_text(errors, "answer", answer, limit=MAX_MESSAGE_LENGTH)
    name, role, email = _clean_contact(errors, contact_name, contact_role, contact_email)
    if errors:
        raise ValidationError(errors)
    exchange.status = ExchangeRequest.Status.ACCEPTED
    exchange.answer = answer
    exchange.author_contact_name = name
    exchange.author_contact_role = role
    exchange.author_contact_email = email
    exchange.answered_by = actor
    exchange.answered_at = timezone.now()
    exchange.save()
    record(
        HistoryEntry.Verb.EXCHANGE_ACCEPTED,
        actor=actor,
        municipality_id=exchange.requester_id,
        local_action=exchange.action,
        exchange=exchange,
    )
    _email_officials(exchange, exchange.requester_id, ACCEPTED_TEMPLATE)
    return exchange


@write_batch()
def exchange_decline(*, actor: Any, exchange: ExchangeRequest, answer: str = "") -> ExchangeRequest:
    """The action's municipality declines, with an optional answer; no contact is shared."""
    require_official(actor, exchange.action.municipality_id)
    exchange = _lock(exchange)
    _require_pending(exchange)
    errors: dict[str, ValidationError] = {}
    answer = _clean_text(errors, "answer", answer, limit=MAX_MESSAGE_LENGTH)
    if errors:
        raise ValidationError(errors)
    exchange.status = ExchangeRequest.Status.DECLINED
    exchange.answer = answer
    exchange.answered_by = actor
    exchange.answered_at = timezone.now()
    exchange.save()
    record(
        HistoryEntry.Verb.EXCHANGE_DECLINED,
        actor=actor,
        municipality_id=exchange.requester_id,
        local_action=exchange.action,
        exchange=exchange,
    )
    _email_officials(exchange, exchange.requester_id, DECLINED_TEMPLATE)
    return exchange


# --- reading ----------------------------------------------------------------------------------


def exchange_contacts(exchange: ExchangeRequest, municipality_ids: set[int]) -> dict:
    """What a party (acting for ``municipality_ids``) may see of the other side's contact:
    nothing ({}) before acceptance; then ``{"author": {...}}`` for the asking side and
    ``{"requester": {...}}`` for the action's side (name, role, email)."""
    if exchange.status != ExchangeRequest.Status.ACCEPTED:
        return {}
    contacts: dict[str, dict[str, str]] = {}
    if exchange.requester_id in municipality_ids:
        contacts["author"] = {
            "name": exchange.author_contact_name,
            "role": exchange.author_contact_role,
            "email": exchange.author_contact_email,
        }
    if exchange.action.municipality_id in municipality_ids:
        contacts["requester"] = {
            "name": exchange.requester_contact_name,
            "role": exchange.requester_contact_role,
            "email": exchange.requester_contact_email,
        }
    return contacts


def received_for(user: Any):
    """Requests on actions of the user's municipalities (newest first)."""
    ids = approved_municipality_ids(user)
    return ExchangeRequest.objects.filter(action__municipality_id__in=ids).select_related(
        "action__municipality", "requester"
    )


def sent_for(user: Any):
    """Requests the user's municipalities made (newest first)."""
    ids = approved_municipality_ids(user)
    return ExchangeRequest.objects.filter(requester_id__in=ids).select_related("action__municipality", "requester")


def waiting_count(user: Any) -> int:
    """Requests waiting for an answer from one of the user's municipalities (the hub card)."""
    return received_for(user).filter(status=ExchangeRequest.Status.PENDING).count()


# --- emails -----------------------------------------------------------------------------------


def _email_officials(exchange: ExchangeRequest, municipality_id: int, template: str) -> None:
    """``template`` to each approved official of ``municipality_id``, in their language (on
    commit). Only the accepted email carries a contact: the author's, to the asking side."""
    action = exchange.action
    officials = (
        Membership.objects.filter(municipality_id=municipality_id, status=Membership.Status.APPROVED)
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )
    languages = dict(settings.LANGUAGES)
    for user_id, preferred in officials:
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        with translation.override(language):
            context: dict[str, Any] = {
                "requester": name_for(exchange.requester, language),
                "author": name_for(action.municipality, language),
                "action_title": action.title,
                "exchange_id": exchange.pk,
            }
            if template == ASKED_TEMPLATE:
                context["message"] = exchange.message
            else:
                context["answer"] = exchange.answer
            if template == ACCEPTED_TEMPLATE:
                context["contact_name"] = exchange.author_contact_name
                context["contact_role"] = exchange.author_contact_role
                context["contact_email"] = exchange.author_contact_email
        queue_email(template=template, to_user_id=user_id, context=context)

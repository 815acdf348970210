"""Partnerships: a municipality proposes a tie (twinning, cooperation...) to another
signatory of the same campaign; the partner's officials confirm or decline it; either side
may end it once confirmed. A confirmed partnership is public (rules.public_partnerships).

Each function checks who may act, runs in one transaction with the row locked, records the
history and queues its emails on commit: the partner's officials hear of a proposal, the
proposer's of the answer.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import approved_municipality_ids, require_official
from accounts.models import Membership, Municipality
from accounts.services import name_for
from campaign.models import Campaign
from campaign.outbox.emails import queue_email
from campaign.writes import write_batch
from pledges import rules as pledge_rules

from ..history import record
from ..models import HistoryEntry, Partnership

PROPOSED_TEMPLATE = "learning_partnership_proposed"
ANSWERED_TEMPLATE = "learning_partnership_answered"
MAX_DESCRIPTION_LENGTH = 2_000
OPEN_STATUSES = (Partnership.Status.PROPOSED, Partnership.Status.CONFIRMED)


def signatory_municipalities(campaign: Campaign) -> QuerySet[Municipality]:
    """The municipalities with a verified pledge in the campaign: who may be partners."""
    ids = pledge_rules.signatories().filter(campaign=campaign).values("municipality_id")
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def _lock(partnership: Partnership) -> Partnership:
    return (
        Partnership.objects.select_for_update().select_related("proposer", "partner", "campaign").get(pk=partnership.pk)
    )


@write_batch()
def partnership_propose(
    *,
    actor: Any,
    campaign: Campaign,
    proposer: Municipality,
    partner: Municipality | None,
    kind: str,
    description: str = "",
) -> Partnership:
    """``proposer`` (acted for by the actor) proposes a partnership of ``kind`` to
    ``partner``. Both must be signatories of the campaign; one open partnership of a kind
    between the same two, whichever proposed it."""
    require_official(actor, proposer.pk)
    proposer = Municipality.objects.select_for_update().get(pk=proposer.pk)
    errors: dict[str, ValidationError] = {}
    signatories = signatory_municipalities(campaign)
    if not signatories.filter(pk=proposer.pk).exists():
        raise ValidationError(
            _("Your municipality needs a verified pledge in this campaign to propose a partnership."),
            code="not_signatory",
        )
    if partner is None:
        errors["partner"] = ValidationError(_("Choose the partner municipality."), code="required")
    elif partner.pk == proposer.pk:
        errors["partner"] = ValidationError(_("Choose another municipality than your own."), code="same")
    elif not signatories.filter(pk=partner.pk).exists():
        errors["partner"] = ValidationError(
            _("This municipality has no verified pledge in this campaign."), code="not_signatory"
        )
    if kind not in Partnership.Kind.values:
        errors["kind"] = ValidationError(_("Choose the kind of partnership."), code="invalid")
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = ValidationError(
            _("Keep it under %(count)d characters.") % {"count": MAX_DESCRIPTION_LENGTH}, code="max_length"
        )
    if errors:
        raise ValidationError(errors)
    assert partner is not None  # for mypy: checked above
    pair = Q(proposer=proposer, partner=partner) | Q(proposer=partner, partner=proposer)
    if Partnership.objects.filter(pair, campaign=campaign, kind=kind, status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            {
                "partner": ValidationError(
                    _("A partnership of this kind between these two municipalities is already proposed or confirmed."),
                    code="duplicate",
                )
            }
        )
    partnership = Partnership.objects.create(
        campaign=campaign,
        proposer=proposer,
        partner=partner,
        kind=kind,
        description=description,
        proposed_by=actor,
    )
    record(
        HistoryEntry.Verb.PARTNERSHIP_PROPOSED,
        actor=actor,
        municipality_id=proposer.pk,
        partnership=partnership,
        partner_id=partner.pk,
        kind=kind,
    )
    _email_officials(partnership, partner.pk, PROPOSED_TEMPLATE)
    return partnership


def _answer(actor: Any, partnership: Partnership, status: str, verb: str) -> Partnership:
    require_official(actor, partnership.partner_id)
    partnership = _lock(partnership)
    if partnership.status != Partnership.Status.PROPOSED:
        raise ValidationError(_("This partnership has already been answered."), code="answered")
    partnership.status = status
    partnership.answered_by = actor
    partnership.answered_at = timezone.now()
    partnership.save()
    record(verb, actor=actor, municipality_id=partnership.partner_id, partnership=partnership)
    _email_officials(partnership, partnership.proposer_id, ANSWERED_TEMPLATE)
    return partnership


@write_batch()
def partnership_confirm(*, actor: Any, partnership: Partnership) -> Partnership:
    """The partner's officials confirm: the partnership becomes public."""
    return _answer(actor, partnership, Partnership.Status.CONFIRMED, HistoryEntry.Verb.PARTNERSHIP_CONFIRMED)


@write_batch()
def partnership_decline(*, actor: Any, partnership: Partnership) -> Partnership:
    """The partner's officials decline: nothing is published."""
    return _answer(actor, partnership, Partnership.Status.DECLINED, HistoryEntry.Verb.PARTNERSHIP_DECLINED)


@write_batch()
def partnership_end(*, actor: Any, partnership: Partnership) -> Partnership:
    """Either side ends a confirmed partnership: it leaves the public pages."""
    ids = approved_municipality_ids(actor)
    side = partnership.proposer_id if partnership.proposer_id in ids else partnership.partner_id
    require_official(actor, side)
    partnership = _lock(partnership)
    if partnership.status != Partnership.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed partnership can be ended."), code="not_confirmed")
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = timezone.now()
    partnership.save()
    record(HistoryEntry.Verb.PARTNERSHIP_ENDED, actor=actor, municipality_id=side, partnership=partnership)
    return partnership


# --- reading ----------------------------------------------------------------------------------


def partnerships_for(user: Any) -> QuerySet[Partnership]:
    """The partnerships of the user's municipalities, either side."""
    ids = approved_municipality_ids(user)
    return Partnership.objects.filter(Q(proposer_id__in=ids) | Q(partner_id__in=ids)).select_related(
        "proposer", "partner", "campaign"
    )


def waiting_count(user: Any) -> int:
    """Proposals waiting for the confirmation of one of the user's municipalities."""
    ids = approved_municipality_ids(user)
    return Partnership.objects.filter(partner_id__in=ids, status=Partnership.Status.PROPOSED).count()


# --- emails -----------------------------------------------------------------------------------


def _email_officials(partnership: Partnership, municipality_id: int, template: str) -> None:
    officials = (
        Membership.objects.filter(municipality_id=municipality_id, status=Membership.Status.APPROVED)
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )
    languages = dict(settings.LANGUAGES)
    for user_id, preferred in officials:
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "proposer": name_for(partnership.proposer, language),
                "partner": name_for(partnership.partner, language),
                "kind": str(partnership.get_kind_display()),
                "description": partnership.description,
                "status": partnership.status,
                "campaign_title": str(partnership.campaign.title),
            }
        queue_email(template=template, to_user_id=user_id, context=context)

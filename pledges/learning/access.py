"""Views' "get this object for this person or refuse" for local actions and peer learning
(pledges/access.py's style, accounts/access.py's rules). Each answers 404 to anyone who may
not see the object, so that nobody learns what exists. Services check again
(accounts.access.require_official / require_campaign_admin): these only fetch."""

from typing import Any

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import approved_municipality_ids, can_act_for, can_see_private

from . import rules
from .models import ExchangeRequest, LocalAction, LocalActionFile, Partnership, PeerReview


def _actions():
    return LocalAction.objects.select_related("municipality", "campaign", "event")


# --- local actions ------------------------------------------------------------------------


def access_action_as_official(user: Any, action_id: int) -> LocalAction:
    """An action of a municipality the user acts for, in any state: to edit, translate,
    attach files to, submit or delete it."""
    action = get_object_or_404(_actions(), pk=action_id)
    if not can_act_for(user, action.municipality_id):
        raise Http404
    return action


def access_action_private(user: Any, action_id: int) -> LocalAction:
    """An action in any state for its municipality's officials and campaign admins (its
    preview and history)."""
    action = get_object_or_404(_actions(), pk=action_id)
    if not can_see_private(user, action.municipality_id):
        raise Http404
    return action


def access_action_for_moderation(action_id: int) -> LocalAction:
    """Any action, for the campaign team's moderation pages (the view is staff_required)."""
    return get_object_or_404(_actions(), pk=action_id)


def access_public_action(action_id: int) -> LocalAction:
    """A published action of a public campaign: what anyone may read."""
    return get_object_or_404(rules.public_actions().select_related("municipality", "campaign", "event"), pk=action_id)


def access_public_action_file(action_id: int, file_id: int) -> LocalActionFile:
    """A file of a published action of a public campaign."""
    action = access_public_action(action_id)
    return get_object_or_404(LocalActionFile, pk=file_id, action=action)


def access_action_file_private(user: Any, file_id: int) -> LocalActionFile:
    """A file of an action in any state, for its officials and campaign admins."""
    file = get_object_or_404(LocalActionFile.objects.select_related("action__municipality"), pk=file_id)
    if not can_see_private(user, file.action.municipality_id):
        raise Http404
    return file


# --- exchanges ----------------------------------------------------------------------------


def _exchanges():
    return ExchangeRequest.objects.select_related("action__municipality", "action__campaign", "requester")


def access_exchange_as_author(user: Any, exchange_id: int) -> ExchangeRequest:
    """A request to learn from an action of a municipality the user acts for: to accept or
    decline it."""
    exchange = get_object_or_404(_exchanges(), pk=exchange_id)
    if not can_act_for(user, exchange.action.municipality_id):
        raise Http404
    return exchange


def access_exchange_as_requester(user: Any, exchange_id: int) -> ExchangeRequest:
    """A request the user's municipality made: to read the answer or withdraw it."""
    exchange = get_object_or_404(_exchanges(), pk=exchange_id)
    if not can_act_for(user, exchange.requester_id):
        raise Http404
    return exchange


def access_exchange_as_party(user: Any, exchange_id: int) -> ExchangeRequest:
    """A request seen from either side (its page)."""
    exchange = get_object_or_404(_exchanges(), pk=exchange_id)
    ids = approved_municipality_ids(user)
    if exchange.requester_id not in ids and exchange.action.municipality_id not in ids:
        raise Http404
    return exchange


# --- partnerships -------------------------------------------------------------------------


def access_partnership_as_party(user: Any, partnership_id: int) -> Partnership:
    """A partnership one of whose two municipalities the user acts for."""
    ids = approved_municipality_ids(user)
    return get_object_or_404(
        Partnership.objects.select_related("proposer", "partner", "campaign").filter(
            Q(proposer_id__in=ids) | Q(partner_id__in=ids)
        ),
        pk=partnership_id,
    )


# --- peer reviews -------------------------------------------------------------------------


def _reviews():
    return PeerReview.objects.select_related("period__campaign", "reviewed__municipality", "reviewer")


def access_review_as_reviewer(user: Any, review_id: int) -> PeerReview:
    """A review the user's municipality gives: to write feedback and agree to publish."""
    review = get_object_or_404(_reviews(), pk=review_id)
    if not can_act_for(user, review.reviewer_id):
        raise Http404
    return review


def access_review_as_reviewed(user: Any, review_id: int) -> PeerReview:
    """A review of the user's municipality's pledge: to answer and agree to publish (only
    once the feedback is given: a review in writing is the reviewer's own)."""
    review = get_object_or_404(_reviews(), pk=review_id)
    if not can_act_for(user, review.reviewed.municipality_id) or review.status == PeerReview.Status.PAIRED:
        raise Http404
    return review


def access_review_for_staff(review_id: int) -> PeerReview:
    """Any review, for the campaign team's pairing pages (the view is staff_required)."""
    return get_object_or_404(_reviews(), pk=review_id)

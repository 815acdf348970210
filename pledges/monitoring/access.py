"""Views' "get this object for this person or refuse" for monitoring (pledges/access.py's
style): 404 to anyone who may not see it, so that nobody learns what exists."""

from typing import Any

from django.shortcuts import get_object_or_404

from pledges.access import access_pledge_as_official
from pledges.models import PledgeCommitment

from .models import Indicator


def access_chosen_as_official(user: Any, pledge_id: int, chosen_id: int) -> PledgeCommitment:
    """A chosen commitment of a pledge of a municipality the user acts for."""
    pledge = access_pledge_as_official(user, pledge_id)
    chosen = get_object_or_404(PledgeCommitment.objects.select_related("commitment"), pk=chosen_id, pledge=pledge)
    chosen.pledge = pledge
    return chosen


def access_own_indicator(chosen: PledgeCommitment, indicator_id: int) -> Indicator:
    """A city's own indicator on one of its chosen commitments."""
    return get_object_or_404(
        Indicator,
        pk=indicator_id,
        commitment_id=chosen.commitment_id,
        municipality_id=chosen.pledge.municipality_id,
    )

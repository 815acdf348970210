"""Fixtures of monitoring: the campaign's indicators on RIGHTS-1, one of each kind, and city
A's chosen RIGHTS-1 (verified pledge, or draft)."""

import pytest

from pledges.models import PledgeCommitment
from pledges.monitoring.models import Indicator


def make_indicator(commitment, code, kind, *, unit="", order=0, name="", municipality=None):
    return Indicator.objects.create(
        commitment=commitment,
        code=code,
        kind=kind,
        unit_en=unit,
        name_en=name or f"Indicator {code}",
        name_fr=f"Indicateur {code}",
        order=order,
        municipality=municipality,
    )


@pytest.fixture
def rights(required_commitments):
    return required_commitments[0]


@pytest.fixture
def indicators(rights):
    """count, percentage, amount and yes/no on RIGHTS-1."""
    return {
        "count": make_indicator(rights, "ID-1", Indicator.Kind.COUNT, unit="people", order=1, name="People reached"),
        "percentage": make_indicator(
            rights, "ID-2", Indicator.Kind.PERCENTAGE, unit="%", order=2, name="Forms without residence permit"
        ),
        "amount": make_indicator(rights, "ID-3", Indicator.Kind.AMOUNT, unit="EUR", order=3, name="Money spent"),
        "yes_no": make_indicator(rights, "ID-4", Indicator.Kind.YES_NO, order=4, name="Office open"),
    }


@pytest.fixture
def chosen_a(verified_pledge_a, rights, indicators):
    chosen = PledgeCommitment.objects.select_related("pledge__municipality", "pledge__campaign", "commitment").get(
        pledge=verified_pledge_a, commitment=rights
    )
    return chosen


@pytest.fixture
def draft_chosen_a(draft_pledge_a, rights, indicators):
    return PledgeCommitment.objects.select_related("pledge__municipality", "pledge__campaign", "commitment").get(
        pledge=draft_pledge_a, commitment=rights
    )

"""The shared fixtures build what their docstrings promise."""

import pytest

from pledges import rules
from pledges.models import Pledge


@pytest.mark.django_db
def test_verified_pledge_fixture_is_public_with_required_and_chosen_commitments(verified_pledge_a, city_a):
    pledge = Pledge.objects.get(pk=verified_pledge_a.pk)
    assert pledge.status == Pledge.Status.VERIFIED
    assert rules.is_public(pledge)
    assert pledge.municipality == city_a
    assert pledge.resolution.name.startswith(f"resolutions/{city_a.pk}/")
    assert set(pledge.chosen.values_list("commitment__code", flat=True)) == {"RIGHTS-1", "MONITORING-1", "SERVICES-1"}


@pytest.mark.django_db
def test_periods_fixture_dates(past_period, current_period, future_period):
    assert past_period.due < current_period.opens < current_period.due < future_period.opens

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Municipality
from campaign.models import Campaign
from campaign.services import campaign_close, campaign_unverified_pledge_count
from pledges.models import Pledge
from tests.factories import CampaignFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_pledge(campaign, status, n):
    municipality = Municipality.objects.create(
        name=f"Pledgeville {n}", country="BE", latitude=51.0, longitude=4.4 + n / 100, time_zone="Europe/Brussels"
    )
    return Pledge.objects.create(campaign=campaign, municipality=municipality, status=status)


@pytest.fixture
def admin_user():
    return StaffFactory(is_superuser=True)


def test_close_a_campaign_without_pending_pledges(admin_user):
    campaign = CampaignFactory()
    make_pledge(campaign, Pledge.Status.VERIFIED, 1)
    make_pledge(campaign, Pledge.Status.REJECTED, 2)
    closed = campaign_close(actor=admin_user, campaign=campaign, acknowledge_unverified=False)
    assert closed.status == Campaign.Status.CLOSED
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_closing_with_unverified_pledges_needs_an_acknowledgement(admin_user):
    campaign = CampaignFactory()
    make_pledge(campaign, Pledge.Status.SUBMITTED, 1)
    make_pledge(campaign, Pledge.Status.DRAFT, 2)
    make_pledge(campaign, Pledge.Status.VERIFIED, 3)
    assert campaign_unverified_pledge_count(campaign=campaign) == 2

    with pytest.raises(ValidationError, match="2 pledges of this campaign are not verified"):
        campaign_close(actor=admin_user, campaign=campaign, acknowledge_unverified=False)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN

    campaign_close(actor=admin_user, campaign=campaign, acknowledge_unverified=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_only_campaign_staff_close_a_campaign():
    campaign = CampaignFactory()
    with pytest.raises(PermissionDenied):
        campaign_close(actor=UserFactory(), campaign=campaign, acknowledge_unverified=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN

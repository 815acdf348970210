"""A campaign's status changes only through campaign_open, campaign_close and
campaign_to_draft, whether from the admin's form or its actions; the other admins that
record what services wrote cannot be edited by hand."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import Municipality
from campaign.models import Campaign
from campaign.outbox.models import EmailOptOut
from pledges.models import Pledge
from tests.factories import CampaignFactory, CommitmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    """A campaign admin who is not a superuser: the product's staff rule alone."""
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory())
    return client


def change_form(campaign, **overrides):
    data = {
        "title_en": campaign.title_en,
        "slug": campaign.slug,
        "status": campaign.status,
        "signing_opens": (date.today() - timedelta(days=30)).isoformat(),
        "signing_closes": (date.today() + timedelta(days=300)).isoformat(),
        "reporting_cadence": "annual",
        "reminder_offsets": "-30, -7, 7",
        "commitments-TOTAL_FORMS": "0",
        "commitments-INITIAL_FORMS": "0",
        "periods-TOTAL_FORMS": "0",
        "periods-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def change_url(campaign):
    return reverse("admin:campaign_campaign_change", args=[campaign.pk])


def history(campaign):
    return list(LogEntry.objects.filter(object_id=str(campaign.pk)).values_list("change_message", flat=True))


def test_opening_from_the_form_goes_through_the_service_and_is_recorded(staff_client):
    campaign = CampaignFactory(slug="to-open", status=Campaign.Status.DRAFT)
    CommitmentFactory(campaign=campaign)
    response = staff_client.post(change_url(campaign), change_form(campaign, status="open"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert "Opened the campaign" in history(campaign)


def test_a_campaign_without_commitments_does_not_open_and_says_why(staff_client):
    campaign = CampaignFactory(slug="empty", status=Campaign.Status.DRAFT)
    response = staff_client.post(change_url(campaign), change_form(campaign, status="open"), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert "A campaign needs at least one commitment before it opens." in response.content.decode()


def test_a_new_campaign_starts_as_a_draft_whatever_is_posted(staff_client):
    form = change_form(CampaignFactory.build(slug="brand-new", title_en="Brand new"), status="open")
    response = staff_client.post(reverse("admin:campaign_campaign_add"), form)
    assert response.status_code == 302
    assert Campaign.objects.get(slug="brand-new").status == Campaign.Status.DRAFT


def test_the_open_action_opens_through_the_service(staff_client):
    ready = CampaignFactory(slug="ready", status=Campaign.Status.DRAFT)
    CommitmentFactory(campaign=ready)
    bare = CampaignFactory(slug="bare", status=Campaign.Status.DRAFT)
    response = staff_client.post(
        reverse("admin:campaign_campaign_changelist"),
        {"action": "open_campaigns", "_selected_action": [ready.pk, bare.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    bare.refresh_from_db()
    assert (ready.status, bare.status) == (Campaign.Status.OPEN, Campaign.Status.DRAFT)
    page = response.content.decode()
    assert "1 campaign is open for signing." in page
    assert "A campaign needs at least one commitment before it opens." in page


def test_back_to_draft_only_while_no_city_has_submitted(staff_client):
    campaign = CampaignFactory(slug="signed", status=Campaign.Status.OPEN)
    city = Municipality.objects.create(name="Submitville", country="BE", latitude=51.0, longitude=4.4)
    Pledge.objects.create(campaign=campaign, municipality=city, status=Pledge.Status.SUBMITTED)
    response = staff_client.post(change_url(campaign), change_form(campaign, status="draft"), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert "it can be closed, not made a draft again" in response.content.decode()


def test_opt_outs_are_not_edited_in_the_admin(staff_client):
    opt_out = EmailOptOut.objects.create(user=UserFactory(), category="digest")
    assert staff_client.get(reverse("admin:outbox_emailoptout_add")).status_code == 403
    change = staff_client.post(
        reverse("admin:outbox_emailoptout_change", args=[opt_out.pk]), {"user": opt_out.user_id, "category": "reminder"}
    )
    assert change.status_code == 403
    assert (
        staff_client.post(reverse("admin:outbox_emailoptout_delete", args=[opt_out.pk]), {"post": "yes"}).status_code
        == 403
    )
    opt_out.refresh_from_db()
    assert opt_out.category == "digest"

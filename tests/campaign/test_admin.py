"""The campaign admin refuses nonsense, through real HTTP posts of its forms."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Municipality
from campaign.models import Campaign, Commitment, ReportingPeriod
from pledges.models import Pledge
from tests.factories import CampaignFactory, CommitmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/en/admin/campaign/campaign/add/"


@pytest.fixture
def admin_client(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory(is_superuser=True))
    return client


def on(years_ahead: int, month_day: str) -> str:
    """A form date in this year (0), next year (1) ...: "01-15" -> "2031-01-15" in 2031."""
    return f"{date.today().year + years_ahead}-{month_day}"


def campaign_form(commitments=(), periods=(), **overrides):
    """An open campaign whose signing window runs from a year ago to a year ahead."""
    today = date.today()
    data = {
        "title_en": "Admin campaign",
        "title_fr": "",
        "title_es": "",
        "slug": "admin-campaign",
        "slogan_en": "",
        "slogan_fr": "",
        "slogan_es": "",
        "description_en": "",
        "description_fr": "",
        "description_es": "",
        "status": "open",
        "signing_opens": (today - timedelta(days=365)).isoformat(),
        "signing_closes": (today + timedelta(days=365)).isoformat(),
        "reporting_cadence": "annual",
        "reminder_offsets": "-30, -7, -1, 7, 30",
        "commitments-TOTAL_FORMS": str(len(commitments)),
        "commitments-INITIAL_FORMS": "0",
        "commitments-MIN_NUM_FORMS": "0",
        "commitments-MAX_NUM_FORMS": "1000",
        "periods-TOTAL_FORMS": str(len(periods)),
        "periods-INITIAL_FORMS": "0",
        "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(commitments):
        row = {
            "code": "RIGHTS-1",
            "theme": "rights",
            "order": "10",
            "title_en": "A commitment",
            "title_fr": "",
            "title_es": "",
            "description_en": "",
            "description_fr": "",
            "description_es": "",
            "sdg_targets": "10.7",
            "gcm_objectives": "15",
            "nua_paragraphs": "28",
            **item,
        }
        data.update({f"commitments-{i}-{key}": value for key, value in row.items()})
    for i, item in enumerate(periods):
        row = {"label_en": f"Year {today.year + i}", "label_fr": "", "label_es": "", **item}
        data.update({f"periods-{i}-{key}": value for key, value in row.items()})
    data.update(overrides)
    return data


def errors_of(response):
    assert response.status_code == 200, "the form should come back with errors, not redirect"
    return response.content.decode()


def test_a_sound_campaign_is_saved_with_its_inlines(admin_client):
    response = admin_client.post(
        ADD_URL,
        campaign_form(
            commitments=[{"code": "rights-1"}, {"code": "DATA-1", "theme": "data", "gcm_objectives": "1"}],
            periods=[
                {"opens": on(0, "01-15"), "due": on(0, "12-15")},
                {"opens": on(1, "01-15"), "due": on(1, "12-15")},
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(slug="admin-campaign")
    assert campaign.reminder_offsets == [-30, -7, -1, 7, 30]
    assert sorted(campaign.commitments.values_list("code", flat=True)) == ["DATA-1", "RIGHTS-1"]
    assert campaign.commitments.get(code="DATA-1").gcm_objectives == [1]
    assert campaign.periods.count() == 2


def test_a_period_due_before_it_opens_is_refused(admin_client):
    response = admin_client.post(ADD_URL, campaign_form(periods=[{"opens": on(0, "12-15"), "due": on(0, "01-15")}]))
    assert "The period must be due after it opens." in errors_of(response)
    assert not Campaign.objects.exists()
    assert not ReportingPeriod.objects.exists()


def test_overlapping_periods_in_one_submission_are_refused(admin_client):
    response = admin_client.post(
        ADD_URL,
        campaign_form(
            periods=[{"opens": on(0, "01-15"), "due": on(0, "12-15")}, {"opens": on(0, "12-01"), "due": on(1, "06-01")}]
        ),
    )
    assert f"This period overlaps the period Year {date.today().year}." in errors_of(response)
    assert not ReportingPeriod.objects.exists()


def test_a_reminder_offset_of_zero_days_is_refused(admin_client):
    response = admin_client.post(ADD_URL, campaign_form(reminder_offsets="-7, 0, 7"))
    assert "A reminder cannot be sent zero days from the due date" in errors_of(response)
    assert not Campaign.objects.exists()


def test_a_reminder_offset_that_is_not_a_number_is_refused(admin_client):
    response = admin_client.post(ADD_URL, campaign_form(reminder_offsets="-7, soon"))
    assert "is not a whole number" in errors_of(response)
    assert not Campaign.objects.exists()


def test_two_commitments_with_one_code_in_the_inline_are_refused(admin_client):
    response = admin_client.post(
        ADD_URL, campaign_form(commitments=[{"code": "RIGHTS-1"}, {"code": "rights-1", "title_en": "Twin"}])
    )
    assert "Two commitments have the code RIGHTS-1" in errors_of(response)
    assert not Commitment.objects.exists()


def test_a_new_commitment_cannot_reuse_an_existing_code(admin_client):
    existing = CommitmentFactory(code="RIGHTS-1")
    response = admin_client.post(
        "/en/admin/campaign/commitment/add/",
        {
            "campaign": existing.campaign.pk,
            "code": "rights-1",
            "theme": "rights",
            "order": "20",
            "is_required": "",
            "title_en": "Twin",
            "title_fr": "",
            "title_es": "",
            "description_en": "",
            "description_fr": "",
            "description_es": "",
            "sdg_targets": "",
            "gcm_objectives": "",
            "nua_paragraphs": "",
        },
    )
    assert "already has a commitment with the code RIGHTS-1" in errors_of(response)
    assert Commitment.objects.count() == 1


def closing_form(campaign, **overrides):
    data = campaign_form(title_en=campaign.title_en, slug=campaign.slug, status="closed", signing_opens=on(-4, "01-15"))
    data.update(overrides)
    return data


def test_closing_a_campaign_with_unverified_pledges_needs_the_box_ticked(admin_client):
    campaign = CampaignFactory(slug="to-close")
    municipality = Municipality.objects.create(
        name="Waitingville", country="BE", latitude=51.0, longitude=4.4, time_zone="Europe/Brussels"
    )
    Pledge.objects.create(campaign=campaign, municipality=municipality, status=Pledge.Status.SUBMITTED)
    url = f"/en/admin/campaign/campaign/{campaign.pk}/change/"

    page = admin_client.get(url).content.decode()
    assert "I know 1 pledge is not verified" in page

    response = admin_client.post(url, closing_form(campaign))
    assert "1 pledge of this campaign is not verified" in errors_of(response)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN

    response = admin_client.post(url, closing_form(campaign, acknowledge_unverified="on"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_the_close_action_asks_then_closes(admin_client):
    quiet = CampaignFactory(slug="quiet")
    busy = CampaignFactory(slug="busy")
    municipality = Municipality.objects.create(
        name="Draftville", country="BE", latitude=51.0, longitude=4.4, time_zone="Europe/Brussels"
    )
    Pledge.objects.create(campaign=busy, municipality=municipality, status=Pledge.Status.DRAFT)
    changelist = "/en/admin/campaign/campaign/"
    selection = {"action": "close_campaigns", "_selected_action": [quiet.pk, busy.pk]}

    confirm = admin_client.post(changelist, selection)
    assert confirm.status_code == 200
    assert "I know 1 pledge is not verified" in confirm.content.decode()

    admin_client.post(changelist, {**selection, "confirm": "yes"})
    quiet.refresh_from_db()
    busy.refresh_from_db()
    assert quiet.status == Campaign.Status.CLOSED
    assert busy.status == Campaign.Status.OPEN, "not acknowledged, so left open"

    admin_client.post(changelist, {**selection, "confirm": "yes", f"acknowledge_{busy.pk}": "on"})
    busy.refresh_from_db()
    assert busy.status == Campaign.Status.CLOSED


def test_admin_pages_open_with_the_catalogue_loaded(admin_client):
    call_command("seed_commitments", stdout=StringIO())
    campaign = Campaign.objects.get()
    for url in (
        "/en/admin/campaign/campaign/",
        f"/en/admin/campaign/campaign/{campaign.pk}/change/",
        "/en/admin/campaign/commitment/?theme=rights",
        f"/en/admin/campaign/commitment/{campaign.commitments.first().pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    listing = admin_client.get("/en/admin/campaign/commitment/").content.decode()
    assert ">SDG 10.7<" in listing
    change = admin_client.get(f"/en/admin/campaign/campaign/{campaign.pk}/change/").content.decode()
    assert 'value="-30, -7, -1, 7, 30"' in change

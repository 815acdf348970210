"""Public campaign pages, in each language, with English as the fallback."""

from datetime import date

import pytest

from campaign.models import Campaign
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities pledge",
        title_fr="Engagement des villes",
        title_es="Compromiso de las ciudades",
        description_en="Open to every city.",
        description_fr="Ouvert à toutes les villes.",
        description_es="Abierto a todas las ciudades.",
    )
    CommitmentFactory(
        campaign=campaign,
        code="RIGHTS-1",
        theme="rights",
        is_required=True,
        title_en="Open services to every resident",
        title_fr="Ouvrir les services à tous les habitants",
        title_es="Abrir los servicios a todos los residentes",
        sdg_targets=["10.7"],
        gcm_objectives=[15],
        nua_paragraphs=[28],
    )
    CommitmentFactory(
        campaign=campaign,
        code="DATA-1",
        theme="data",
        title_en="Collect local data with care",
        description_en="Only in English so far.",
        sdg_targets=["17.18"],
        gcm_objectives=[1],
        nua_paragraphs=[],
    )
    ReportingPeriodFactory(
        campaign=campaign, label_en="Year 2026", label_fr="Année 2026", opens=date(2026, 1, 15), due=date(2026, 12, 15)
    )
    return campaign


@pytest.mark.parametrize(
    "language, title, commitment, theme, required, period",
    [
        (
            "en",
            "Cities pledge",
            "Open services to every resident",
            "Rights and non-discrimination",
            "Required",
            "Year 2026",
        ),
        ("fr", "Engagement des villes", "Ouvrir les services à tous les habitants", None, None, "Année 2026"),
        ("es", "Compromiso de las ciudades", "Abrir los servicios a todos los residentes", None, None, "Year 2026"),
    ],
)
def test_campaign_page_in_three_languages(client, campaign, language, title, commitment, theme, required, period):
    response = client.get(f"/{language}/campaigns/cities-pledge/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="' in html
    assert title in html
    assert commitment in html
    assert period in html  # the Spanish label is missing, so English shows
    if theme:
        assert theme in html
        assert required in html and "Optional" in html
    # Badges for the global frameworks.
    assert 'href="https://sdgs.un.org/goals/goal10"' in html
    assert ">SDG 10.7<" in html and ">GCM 15<" in html and ">NUA 28<" in html


def test_commitment_with_only_english_shows_english_on_french_pages(client, campaign):
    html = client.get("/fr/campaigns/cities-pledge/").content.decode()
    assert "Collect local data with care" in html
    assert "Only in English so far." in html
    # and the one translated into French shows French, not English
    assert "Ouvrir les services à tous les habitants" in html
    assert "Open services to every resident" not in html


def test_commitments_are_grouped_by_theme_in_the_catalogue_order(client, campaign):
    context = client.get("/en/campaigns/cities-pledge/").context
    assert [theme["value"] for theme in context["themes"]] == ["rights", "data"]
    assert context["n_required"] == 1


def test_campaign_list_and_home_show_the_open_campaign(client, campaign):
    CampaignFactory(slug="hidden-draft", title_en="Hidden draft", status=Campaign.Status.DRAFT)
    listing = client.get("/fr/campaigns/").content.decode()
    assert "Engagement des villes" in listing
    assert "/fr/campaigns/cities-pledge/" in listing
    assert "Hidden draft" not in listing
    home = client.get("/es/").content.decode()
    assert "Compromiso de las ciudades" in home
    assert 'href="/es/campaigns/cities-pledge/"' in home


def test_draft_campaigns_are_hidden_from_the_public_but_not_from_staff(client, settings):
    CampaignFactory(slug="draft-one", status=Campaign.Status.DRAFT)
    assert client.get("/en/campaigns/draft-one/").status_code == 404
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(StaffFactory())
    assert client.get("/en/campaigns/draft-one/").status_code == 200


def test_unknown_campaign_is_not_found(client):
    assert client.get("/en/campaigns/nothing-here/").status_code == 404

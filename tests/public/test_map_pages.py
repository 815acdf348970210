"""The map page in each language, and the mini-map include of the city profile."""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests.builders import signatory
from tests.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities pledge",
        title_fr="Engagement des villes",
        title_es="Compromiso de las ciudades",
    )
    CommitmentFactory(campaign=campaign, code="RIGHTS-1", title_en="Equal rights", title_fr="Égalité des droits")
    return campaign


def config_of(response):
    match = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', response.content.decode())
    assert match, "the map's configuration is missing"
    return json.loads(match.group(1))


@pytest.mark.parametrize(
    "language, title, signatories_nav",
    [
        ("en", "Cities pledge", "Signatories"),
        ("fr", "Engagement des villes", "Signataires"),
        ("es", "Compromiso de las ciudades", "Firmantes"),
    ],
)
def test_map_page_in_each_language(client, campaign, settings, language, title, signatories_nav):
    signatory(campaign, name="Mechelen")
    response = client.get(f"/{language}/map/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="' in html
    assert signatories_nav in html
    assert f'<option value="cities-pledge">{title}</option>' in html
    assert 'value="RIGHTS-1"' in html
    assert 'value="EU"' in html and 'value="on_time"' in html
    assert f'src="/{language}/jsi18n/"' in html
    assert "/static/leaflet/leaflet.js" in html and "/static/supercluster/supercluster.min.js" in html
    assert "/static/js/map.js" in html
    assert 'role="status" aria-live="polite"' in html
    assert f'href="/{language}/embed/"' in html
    config = config_of(response)
    assert config["geojson"] == "/map/signatories.geojson"
    assert config["profileUrl"] == f"/{language}/cities/__slug__/"
    assert config["tileUrl"] == settings.MAP_TILE_URL
    assert config["tileAttribution"] == settings.MAP_TILE_ATTRIBUTION
    assert config["campaigns"] == {"cities-pledge": title}
    assert set(config["states"]) == {"on_time", "late", "none"}
    # What the compact GeoJSON's codes stand for, sent once here rather than in every feature.
    assert config["reportingCodes"] == {"o": "on_time", "l": "late", "n": "none"}
    assert config["countries"] == {"BE": {"en": "Belgium", "fr": "Belgique", "es": "Bélgica"}[language]}
    # The data is asked for while the scripts load, as map.js will ask for it.
    assert '<link rel="preload" href="/map/signatories.geojson" as="fetch" crossorigin="anonymous">' in html
    assert response["X-Frame-Options"] == "DENY"


def test_the_country_names_are_those_of_the_signatories(client, campaign):
    other = CampaignFactory(slug="regions-pledge", title_en="Regions pledge")
    signatory(campaign, name="Mechelen", country="BE")
    signatory(campaign, name="Beirut", country="LB")
    signatory(other, name="Quito", country="EC")
    signatory(campaign, name="Drafton", country="FR", status="draft")
    signatory(campaign, name="Gone", country="JO", status="withdrawn")

    assert config_of(client.get("/en/map/"))["countries"] == {"BE": "Belgium", "EC": "Ecuador", "LB": "Lebanon"}
    embed = client.get("/en/embed/map/?campaign=regions-pledge")
    assert config_of(embed)["countries"] == {"EC": "Ecuador"}
    html = embed.content.decode()
    assert '<link rel="preload" href="/map/signatories.geojson?campaign=regions-pledge" as="fetch"' in html


def test_tile_settings_are_followed(client, campaign, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example"
    config = config_of(client.get("/en/map/"))
    assert config["tileUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["tileAttribution"] == "© Example"


def test_filters_in_the_address_are_preselected(client, campaign):
    html = client.get(
        "/en/map/?campaign=cities-pledge&continent=EU&reporting=late&commitment=rights-1&country=be"
    ).content.decode()
    assert '<option value="cities-pledge" selected>' in html
    assert '<option value="EU" selected>' in html
    assert '<option value="late" selected>' in html
    assert re.search(r'<option value="RIGHTS-1" selected>', html)
    assert 'data-selected="BE"' in html


def test_draft_campaigns_are_not_offered(client, campaign):
    CampaignFactory(slug="secret-draft", status="draft")
    assert "secret-draft" not in client.get("/en/map/").content.decode()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_mini_map_include_writes_unlocalised_coordinates(language, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    with translation.override(language):
        html = render_to_string(
            "public/includes/mini_map.html",
            {"lat": 51.0259, "lon": 4.4776, "label": "Mechelen", "map_link": "/en/map/?country=BE"},
        )
    assert 'data-lat="51.0259"' in html and 'data-lon="4.4776"' in html
    assert 'data-zoom="9"' in html
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-label="Mechelen"' in html
    assert 'href="/en/map/?country=BE"' in html
    assert "/static/js/map-mini.js" in html and "/static/leaflet/leaflet.js" in html

"""Embeds: only they may be framed by other sites; the counter counts verified cities."""

import re

import pytest

from tests.builders import signatory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

EMBEDS = [
    "/en/embed/counter/",
    "/en/embed/map/",
    "/fr/embed/counter/?campaign=cities-pledge",
    "/es/embed/map/?campaign=cities-pledge",
]
NOT_EMBEDS = ["/en/", "/en/map/", "/en/embed/", "/en/cities/", "/map/signatories.geojson"]


@pytest.fixture
def campaign():
    return CampaignFactory(slug="cities-pledge", title_en="Cities pledge")


@pytest.mark.parametrize("url", EMBEDS)
def test_embeds_may_be_framed_anywhere(client, campaign, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"].split("; ")


@pytest.mark.parametrize("url", NOT_EMBEDS)
def test_every_other_page_refuses_framing(client, campaign, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors *" not in response.get("Content-Security-Policy", "")


def figure(response):
    match = re.search(r'data-count="(\d+)"', response.content.decode())
    return int(match.group(1))


def test_counter_counts_cities_with_a_verified_pledge(client, campaign):
    other = CampaignFactory(slug="regions-pledge", title_en="Regions pledge")
    signatory(campaign, name="Mechelen")
    lyon = signatory(campaign, name="Lyon", country="FR")
    signatory(other, name="Quito", country="EC")
    signatory(campaign, name="Drafton", status="draft")
    signatory(campaign, name="Gone", status="withdrawn")
    lyon.pk = None  # the same city in the other campaign counts once overall
    lyon.campaign = other
    lyon.save()

    everywhere = client.get("/en/embed/counter/")
    assert figure(everywhere) == 3
    assert "cities have signed" in everywhere.content.decode()

    in_campaign = client.get("/en/embed/counter/?campaign=cities-pledge")
    assert figure(in_campaign) == 2
    assert "Cities pledge" in in_campaign.content.decode()

    assert figure(client.get("/en/embed/counter/?campaign=regions-pledge")) == 2
    assert figure(client.get("/en/embed/counter/?campaign=no-such-campaign")) == 3


def test_counter_speaks_in_the_singular_and_links_back_in_a_new_tab(client, campaign):
    signatory(campaign, name="Mechelen")
    html = client.get("/en/embed/counter/?campaign=cities-pledge").content.decode()
    assert "city has signed" in html and "cities have signed" not in html
    assert '<a href="/en/campaigns/cities-pledge/" target="_blank" rel="noopener">' in html
    assert "<nav" not in html  # minimal chrome: no site navigation inside the frame


def test_embed_map_is_limited_to_its_campaign_and_links_back(client, campaign):
    html = client.get("/en/embed/map/?campaign=cities-pledge").content.decode()
    assert '"geojson": "/map/signatories.geojson?campaign=cities-pledge"' in html
    assert '"embed": true' in html
    assert 'href="/en/map/?campaign=cities-pledge" target="_blank" rel="noopener"' in html
    assert "<nav" not in html


def test_embed_page_shows_snippets_and_previews(client, campaign):
    html = client.get("/en/embed/").content.decode()
    assert 'data-base-url="http://testserver/en/embed/counter/"' in html
    assert 'data-base-url="http://testserver/en/embed/map/"' in html
    assert '<iframe id="preview-counter"' in html and '<iframe id="preview-map"' in html
    assert '<option value="cities-pledge">Cities pledge</option>' in html
    assert "/static/js/embed.js" in html

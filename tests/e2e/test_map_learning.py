"""The map's peer learning layers in Chromium: the checkboxes (by keyboard) show and hide
the local actions' markers and the partnerships' lines; a marker's popup links the action."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges.learning.models import LocalAction, Partnership
from tests.builders import signatory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(transactional_db):
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge")
    mechelen = signatory(campaign, name="Mechelen", country="BE", lat=51.03, lon=4.48, slug="mechelen-be")
    lyon = signatory(campaign, name="Lyon", country="FR", lat=45.76, lon=4.84, slug="lyon-fr")
    common = {"campaign": campaign, "language": "en", "summary": "S", "contact_role": "Office"}
    published = LocalAction.objects.create(
        municipality=mechelen.municipality,
        title="Welcome desk for newcomers",
        state="published",
        published_at=timezone.now(),
        **common,
    )
    LocalAction.objects.create(municipality=lyon.municipality, title="Draft never shown", **common)
    Partnership.objects.create(
        campaign=campaign,
        proposer=mechelen.municipality,
        partner=lyon.municipality,
        kind="twinning",
        status="confirmed",
        answered_at=timezone.now(),
    )
    return {"action": published}


@pytest.fixture
def map_page(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(re.compile(r"^https?://[^/]*tile\.openstreetmap\.org/"), lambda route: route.abort())
    page.errors = errors
    return page


def test_layers_toggle_by_keyboard(map_page, shoot, world):
    page = map_page
    page.goto("/en/map/")
    page.wait_for_function("() => document.getElementById('signatory-map').dataset.rendered === 'true'")
    actions = page.get_by_label("Local actions")
    expect(actions).to_be_enabled()
    actions.focus()
    page.keyboard.press("Space")
    expect(page.locator("#map-layers-status")).to_have_text("1 local action shown.")
    marker = page.locator("#signatory-map .learning-action-marker")
    expect(marker).to_have_count(1)
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup a", has_text="Welcome desk for newcomers")
    expect(link).to_have_attribute("href", f"/en/actions/{world['action'].pk}/")
    assert page.locator(".leaflet-popup", has_text="Draft never shown").count() == 0

    partnerships = page.get_by_label("Partnerships between cities")
    partnerships.focus()
    page.keyboard.press("Space")
    expect(page.locator("#map-layers-status")).to_have_text("1 partnership shown.")
    expect(page.locator("#signatory-map path.learning-partnership-line")).to_have_count(1)
    shoot("layers")

    actions.focus()
    page.keyboard.press("Space")
    expect(marker).to_have_count(0)
    assert page.errors == []

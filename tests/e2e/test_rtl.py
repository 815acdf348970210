"""Arabic in Chromium: the home page, the dashboard, the map and a city's profile laid out
right to left (the navigation starts on the right, the bars grow from the right, the map's
controls sit on the mirrored side, its geography does not turn), at 1280 and 320 pixels,
with screenshots in test-artifacts/.

Map tiles are refused (the test network is closed anyway): the markers must still show.
"""

import re

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.builders import signatory
from tests.factories import CampaignFactory, CommitmentFactory

pytestmark = pytest.mark.e2e

PLACES = [("Tunis", "TN", 36.81, 10.18), ("Beirut", "LB", 33.89, 35.50), ("Amman", "JO", 31.95, 35.93)]
STATEMENT = "تلتزم مدينتنا بحقوق كل القادمين الجدد، أيًّا كانت أوراقهم."


@pytest.fixture
def world(transactional_db):
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge", status="open")
    commitment = CommitmentFactory(campaign=campaign, code="RIGHTS-1", title_en="Equal rights", is_required=True)
    pledges = [
        signatory(campaign, name=name, country=country, lat=lat, lon=lon, commitments=[commitment])
        for name, country, lat, lon in PLACES
    ]
    Pledge.objects.filter(pk=pledges[0].pk).update(statement=STATEMENT, statement_language="ar")
    return {"tunis": pledges[0]}


@pytest.fixture
def arabic(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(re.compile(r"^https?://[^/]*tile\.openstreetmap\.org/"), lambda route: route.abort())
    page.errors = errors
    return page


def box(page, selector):
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is drawn"
    return found


def right_edge(b):
    return b["x"] + b["width"]


def test_arabic_pages_are_laid_out_right_to_left(arabic, shoot, world):
    page = arabic
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})

        page.goto("/ar/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        brand = box(page, ".navbar-brand")
        assert right_edge(brand) > width * 0.75, "the site's name starts on the right"
        if width == 1280:
            first, last = box(page, "#main-nav .navbar-nav .nav-link"), box(page, "#main-nav .navbar-nav:last-child")
            assert first["x"] > last["x"], "the menu reads from the right: its first item right of the account links"
        else:
            toggler = box(page, ".navbar-toggler")
            assert toggler["x"] + toggler["width"] <= width and toggler["x"] >= 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(f"home-{width}")

        page.goto("/ar/dashboard/")
        bar = page.locator("#chart-countries-figure .chart-svg rect[fill='#0b5d6b']").first
        chart = box(page, "#chart-countries-figure .chart-svg")
        bar_box = bar.bounding_box()
        assert bar_box and abs(right_edge(bar_box) - right_edge(chart)) < 2, "the bars grow from the right"
        figure = box(page, ".headline-figures .figure-box")
        border = page.evaluate(
            "getComputedStyle(document.querySelector('.headline-figures .figure-box')).borderRightWidth"
        )
        assert border != "0px" and figure["width"] > 0, "the figure's accent sits on its right, the start"
        shoot(f"dashboard-{width}")

        page.goto("/ar/map/")
        page.wait_for_function("() => document.getElementById('signatory-map').dataset.rendered === 'true'")
        the_map = box(page, "#signatory-map")
        zoom = box(page, "#signatory-map .leaflet-control-zoom")
        assert zoom["x"] > the_map["x"] + the_map["width"] / 2, "the zoom buttons are on the right"
        attribution = box(page, "#signatory-map .leaflet-control-attribution")
        assert attribution["x"] < the_map["x"] + the_map["width"] / 2, "the credits are on the left"
        # The geography is not mirrored: Tunis (10°E) is drawn west of Amman (36°E).
        positions = page.evaluate(
            """() => {
              const m = window.cfmMap.map;
              const at = (lat, lon) => m.latLngToContainerPoint([lat, lon]).x;
              return [at(36.81, 10.18), at(31.95, 35.93)];
            }"""
        )
        assert positions[0] < positions[1]
        names = page.locator("#map-list > li a[dir='auto']")
        expect(names).to_have_count(len(PLACES))
        shoot(f"map-{width}")

        page.goto(f"/ar/cities/{world['tunis'].municipality.slug}/")
        statement = page.locator("blockquote.pledge-statement")
        expect(statement).to_have_attribute("lang", "ar")
        assert statement.evaluate("el => getComputedStyle(el).direction") == "rtl"
        shoot(f"profile-{width}")

    # An Arabic statement on an English page still reads right to left, in its own block.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/en/cities/{world['tunis'].municipality.slug}/")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    statement = page.locator("blockquote.pledge-statement")
    assert statement.evaluate("el => getComputedStyle(el).direction") == "rtl"
    shoot("profile-english-page")
    assert page.errors == []

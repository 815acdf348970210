"""The signatory map in Chromium: clusters, filters, the live count, the list, the embeds.

Tiles are refused on purpose (the test network is closed anyway): the markers must still show.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Municipality
from pledges.models import Pledge
from tests.builders import report, signatory
from tests.factories import CampaignFactory, ReportingPeriodFactory

pytestmark = pytest.mark.e2e

PLACES = [
    ("Mechelen", "BE", 51.03, 4.48),
    ("Lyon", "FR", 45.76, 4.84),
    ("Madrid", "ES", 40.42, -3.70),
    ("Lisbon", "PT", 38.72, -9.14),
    ("Turin", "IT", 45.07, 7.69),
    ("Vienna", "AT", 48.21, 16.37),
    ("Beirut", "LB", 33.89, 35.50),
    ("Amman", "JO", 31.95, 35.93),
    ("Tunis", "TN", 36.81, 10.18),
    ("Tangier", "MA", 35.77, -5.80),
    ("Pikine", "SN", 14.76, -17.39),
    ("Gaborone", "BW", -24.65, 25.91),
    ("Sao Paulo", "BR", -23.55, -46.63),
    ("Quito", "EC", -0.18, -78.47),
    ("Upala", "CR", 10.90, -85.02),
    ("Montreal", "CA", 45.50, -73.57),
    ("Gwangju", "KR", 35.16, 126.85),
    ("Melbourne", "AU", -37.81, 144.96),
    ("Quetzaltenango", "GT", 14.83, -91.52),
    ("Hangzhou", "CN", 30.27, 120.15),
]
SOUTH_AMERICA = {"BR", "EC"}


@pytest.fixture
def world(transactional_db):
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge")
    past = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    late = south_america_late = 0
    for round_ in range(3):
        for i, (name, country, lat, lon) in enumerate(PLACES):
            full_name = f"{name} {'ABC'[round_]}"
            pledge = signatory(
                campaign,
                name=full_name,
                country=country,
                lat=lat + round_ * 0.4,
                lon=lon - round_ * 0.4,
                # the directory's slugs (the map derives them) and, in round C, others (sent)
                slug=None if round_ == 2 else f"{full_name.lower().replace(' ', '-')}-{country.lower()}",
            )
            if (i + round_) % 3 == 0:
                report(pledge, past)
            else:
                late += 1  # never filed, or filed late
                south_america_late += country in SOUTH_AMERICA
                if (i + round_) % 3 == 1:
                    report(pledge, past, is_late=True)
    return {
        "total": 60,
        "south_america": 3 * len([p for p in PLACES if p[1] in SOUTH_AMERICA]),
        "late": late,
        "south_america_late": south_america_late,
    }


@pytest.fixture
def map_page(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(re.compile(r"^https?://[^/]*tile\.openstreetmap\.org/"), lambda route: route.abort())
    page.errors = errors
    return page


def wait_rendered(page):
    page.wait_for_function("() => document.getElementById('signatory-map').dataset.rendered === 'true'")
    page.wait_for_timeout(300)


def markers_on_map(page):
    """Signatories drawn: single markers plus the counts of the clusters."""
    return page.evaluate(
        """() => {
        let n = 0;
        document.querySelectorAll('#signatory-map .leaflet-marker-icon').forEach(el => {
          n += el.classList.contains('marker-cluster') ? parseInt(el.textContent, 10) : 1;
        });
        return n;
      }"""
    )


def test_map_clusters_filters_and_list(map_page, shoot, world):
    page = map_page
    page.goto("/en/map/")
    wait_rendered(page)

    expect(page.locator("#map-count")).to_have_text("Showing 60 signatories")
    assert page.locator("#signatory-map .marker-cluster").count() >= 1
    assert page.locator("#signatory-map .leaflet-marker-icon").count() >= 1
    assert markers_on_map(page) == world["total"]
    expect(page.locator("#map-list > li")).to_have_count(world["total"])
    expect(page.locator("#signatory-map")).to_have_class(re.compile(r"\btiles-unavailable\b"))
    # The data was asked for once: the page's preload is the response map.js read.
    assert (
        page.evaluate(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('signatories.geojson')).length"
        )
        == 1
    )
    # Country names from the page's table: in the filter (by name) and in the list.
    countries = page.locator("#filter-country option").all_inner_texts()
    assert countries[0] == "All countries"
    assert {"Belgium", "Jordan", "Lebanon", "South Korea", "Brazil"} <= set(countries)
    assert countries[1:] == sorted(countries[1:])
    expect(page.locator("#map-list > li").first).to_contain_text("Amman A")
    expect(page.locator("#map-list > li").first).to_contain_text("Jordan")
    shoot("all")

    page.select_option("#filter-continent", "SA")
    wait_rendered(page)
    n = world["south_america"]
    expect(page.locator("#map-count")).to_have_text(f"Showing {n} signatories")
    expect(page.locator("#map-list > li")).to_have_count(n)
    list_names = page.locator("#map-list > li a").all_inner_texts()
    assert all(name.startswith(("Quito", "Sao Paulo")) for name in list_names), list_names
    assert markers_on_map(page) == n
    assert re.search(r"[?&]continent=SA\b", page.url)
    shoot("south-america")

    page.select_option("#filter-continent", "")
    page.select_option("#filter-reporting", "late")
    wait_rendered(page)
    expect(page.locator("#map-count")).to_have_text(f"Showing {world['late']} signatories")
    expect(page.locator("#map-list > li")).to_have_count(world["late"])
    assert page.locator("#map-list .state-label--on_time").count() == 0
    assert markers_on_map(page) == world["late"]
    assert "reporting=late" in page.url and "continent" not in page.url
    shoot("late")

    # From the list to the marker's popup, by keyboard.
    first = page.locator("#map-list > li").first
    name = first.locator("a").inner_text()
    country = first.locator(".text-body-secondary").inner_text()
    first.get_by_role("button").focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(name)
    expect(popup).to_contain_text(country)
    expect(popup).to_contain_text("Cities pledge")
    expect(popup).to_contain_text("Signed on January 1, 2020")
    expect(popup).to_contain_text("0 commitments")
    expect(popup).to_contain_text("Report late or overdue")
    slug = Municipality.objects.get(name=name).slug  # sent, or derived by the script from the name
    expect(popup.get_by_role("link", name=name)).to_have_attribute("href", f"/en/cities/{slug}/")
    expect(page.locator(f'#signatory-map .leaflet-marker-icon[title="{name}, {country}"]')).to_be_visible()
    shoot("popup")

    # A shared address opens filtered.
    page.goto("/en/map/?continent=SA&reporting=late")
    wait_rendered(page)
    expect(page.locator("#filter-continent")).to_have_value("SA")
    sa_late = world["south_america_late"]  # 4: two rounds of Sao Paulo and two of Quito
    expect(page.locator("#map-list > li")).to_have_count(sa_late)
    expect(page.locator("#map-count")).to_have_text(f"Showing {sa_late} signatories")

    page.get_by_role("button", name="Clear filters").click()
    wait_rendered(page)
    expect(page.locator("#map-count")).to_have_text("Showing 60 signatories")
    assert page.url.endswith("/en/map/")
    assert page.errors == []


def test_embeds_in_the_snippet_page(map_page, shoot, world):
    page = map_page
    page.goto("/en/embed/")
    expect(page.locator("#snippet-map")).to_have_value(re.compile(r'^<iframe src="http://[^"]+/en/embed/map/"'))
    page.select_option("#embed-campaign", "cities-pledge")
    expect(page.locator("#snippet-counter")).to_have_value(re.compile(r"/en/embed/counter/\?campaign=cities-pledge"))
    counter = page.frame_locator("#preview-counter")
    expect(counter.locator(".counter-figure")).to_have_text("60")
    map_frame = page.frame_locator("#preview-map")
    expect(map_frame.locator(".marker-cluster").first).to_be_visible()
    page.wait_for_timeout(500)
    shoot("embed-page")
    assert page.errors == []


@pytest.fixture
def twice(transactional_db):
    """Mechelen signed two campaigns: two markers at one place, clustered at every zoom."""
    cities = CampaignFactory(slug="cities-pledge", title_en="Cities pledge")
    regions = CampaignFactory(slug="regions-pledge", title_en="Regions pledge")
    mechelen = signatory(cities, name="Mechelen", country="BE", lat=51.03, lon=4.48)
    signatory(cities, name="Lyon", country="FR", lat=45.76, lon=4.84)
    Pledge.objects.create(
        campaign=regions,
        municipality=mechelen.municipality,
        status=Pledge.Status.VERIFIED,
        verified_at=mechelen.verified_at,
        signed_on=date(2021, 5, 4),
    )


def test_a_city_in_two_campaigns_opens_in_a_ring_and_clusters_and_markers_answer_the_keyboard(map_page, twice):
    page = map_page
    page.goto("/en/map/")
    wait_rendered(page)
    # A cluster answers the keyboard: it is named after its biggest part (Mechelen's two
    # pledges, not Lyon), and Enter zooms to where it parts.
    page.evaluate("window.cfmMap.map.setView([48, 4.6], 3, {animate: false})")
    three = page.get_by_role("button", name="3 signatories near Mechelen", exact=True)
    expect(three).to_have_attribute("title", "3 signatories near Mechelen")
    zoom = page.evaluate("window.cfmMap.map.getZoom()")
    three.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.cfmMap.map.getZoom() > {zoom}")
    expect(page.locator("#signatory-map .marker-cluster", has_text="2")).to_have_count(1)  # Lyon apart

    page.evaluate("window.cfmMap.map.setView([51.03, 4.48], 18, {animate: false})")
    pair = page.locator("#signatory-map .marker-cluster", has_text="2")
    expect(pair).to_have_count(1)  # (once the clusters of the zoom before have gone)
    pair.click()  # the deepest zoom: their markers in a ring around the place
    markers = page.locator('#signatory-map .leaflet-marker-icon[title="Mechelen, Belgium"]')
    expect(markers).to_have_count(2)

    popup = page.locator(".leaflet-popup-content")
    markers.nth(0).focus()
    page.keyboard.press("Enter")
    expect(popup).to_contain_text("Mechelen")
    first = "Regions pledge" if "Regions pledge" in popup.inner_text() else "Cities pledge"
    page.keyboard.press("Escape")  # closed, and the focus is back on its marker
    expect(popup).to_have_count(0)
    expect(markers.nth(0)).to_be_focused()
    markers.nth(1).click()
    expect(popup).to_contain_text({"Cities pledge": "Regions pledge", "Regions pledge": "Cities pledge"}[first])
    expect(popup).to_contain_text("Signed on May 4, 2021" if first == "Cities pledge" else "Signed on January 1, 2020")
    assert page.errors == []

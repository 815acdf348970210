"""The map from the keyboard alone, and in the reader's language (issue 12, "the map for everyone").

The cities are placed so that at the map's first view (fitted to all of them) one cluster
exists: Lyon, Villeurbanne and Vénissieux a few kilometres apart, and Annecy a hundred
kilometres away, far from the other signatories. The cluster is named after its biggest
part (the three around Lyon), not after Annecy, which comes first in the data.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.builders import signatory
from tests.factories import CampaignFactory

pytestmark = pytest.mark.e2e

AROUND_LYON = [
    ("Annecy", "FR", 45.90, 6.13),
    ("Lyon", "FR", 45.76, 4.84),
    ("Villeurbanne", "FR", 45.77, 4.88),
    ("Vénissieux", "FR", 45.70, 4.89),
]
FAR_AWAY = [
    ("Quito", "EC", -0.18, -78.47),
    ("Melbourne", "AU", -37.81, 144.96),
    ("Montreal", "CA", 45.50, -73.57),
    ("Gaborone", "BW", -24.65, 25.91),
]

FOCUSED = "document.activeElement"


@pytest.fixture
def cities(transactional_db):
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge")
    for name, country, lat, lon in AROUND_LYON + FAR_AWAY:
        signatory(campaign, name=name, country=country, lat=lat, lon=lon)


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


def tab_to(page, predicate, limit=80, key="Tab"):
    """Press Tab until the focused element satisfies the JavaScript predicate (el => bool)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(predicate => predicate({FOCUSED}))({predicate})"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {predicate}")


def focused_name(page):
    return page.evaluate(f"{FOCUSED}.getAttribute('aria-label')")


def test_a_cluster_and_a_marker_from_the_keyboard_alone(map_page, shoot, cities):
    page = map_page
    page.goto("/en/map/")
    wait_rendered(page)
    zoom = page.evaluate("window.cfmMap.map.getZoom()")
    clusters = page.locator("#signatory-map .marker-cluster")
    expect(clusters).to_have_count(1)  # the four around Lyon; the others stand alone

    # Tab from the top of the page to the cluster: a button named by how many, and near what.
    tab_to(page, "el => el.classList.contains('marker-cluster')")
    cluster = page.get_by_role("button", name="4 signatories near Lyon", exact=True)
    expect(cluster).to_be_focused()
    expect(cluster).to_have_text("4")  # (what it shows is in its name: WCAG 2.5.3)
    shoot("cluster-focused")

    # Enter opens it: the map zooms in to where it parts, and the focus goes on to the
    # nearest of its parts, the three around Lyon.
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.cfmMap.map.getZoom() > {zoom}")
    wait_rendered(page)
    expect(page.get_by_role("button", name="3 signatories near Lyon", exact=True)).to_be_focused()
    zoom = page.evaluate("window.cfmMap.map.getZoom()")

    # Space opens a cluster too (and does not scroll the page).
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => window.cfmMap.map.getZoom() > {zoom}")
    wait_rendered(page)
    page.wait_for_function(f"() => {FOCUSED}.closest('#signatory-map .leaflet-marker-icon') !== null")
    assert page.evaluate("window.scrollY") == scrolled

    # Tab to a marker: a button named by its place, country and reporting state.
    tab_to(page, "el => el.classList.contains('leaflet-marker-icon') && !el.classList.contains('marker-cluster')")
    name = focused_name(page)
    assert re.fullmatch(r"(Lyon|Villeurbanne|Vénissieux), France: .+", name), name
    place = name.split(",")[0]
    marker = page.get_by_role("button", name=name, exact=True)

    # Enter opens its popup, which takes the focus: a dialog named after the place.
    page.keyboard.press("Enter")
    popup = page.get_by_role("dialog", name=place)
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Cities pledge")
    expect(popup.get_by_role("link", name=place, exact=True)).to_be_focused()
    page.wait_for_timeout(300)  # (the popup fades in)
    shoot("popup-focused")

    # Escape closes it, and the focus is back on its marker.
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(marker).to_be_focused()

    # Again, closed this time with its close button, pressed with Space.
    page.keyboard.press("Enter")
    expect(popup).to_be_visible()
    tab_to(page, "el => el.classList.contains('leaflet-popup-close-button')", limit=5)
    expect(page.get_by_role("button", name="Close", exact=True)).to_be_focused()
    page.keyboard.press(" ")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(marker).to_be_focused()
    assert page.errors == []


def test_from_the_list_to_the_popup_and_back(map_page, cities):
    page = map_page
    page.goto("/en/map/")
    wait_rendered(page)
    # The list's buttons say their visible words first, then the place (for a list of them).
    button = page.get_by_role("button", name="Show on map Lyon", exact=True)
    expect(button).to_be_visible()
    assert button.get_attribute("aria-label") is None
    expect(page.get_by_role("button", name="Clear filters", exact=True)).to_be_visible()

    button.focus()
    page.keyboard.press("Enter")
    popup = page.get_by_role("dialog", name="Lyon")
    expect(popup.get_by_role("link", name="Lyon", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(button).to_be_focused()  # back to what opened it
    assert page.errors == []


def test_leaflets_own_labels_and_the_clusters_names_in_french(map_page, shoot, cities):
    page = map_page
    page.goto("/fr/map/")
    wait_rendered(page)
    zoom_in = page.locator(".leaflet-control-zoom-in")
    expect(zoom_in).to_have_attribute("title", "Zoom avant")
    expect(zoom_in).to_have_attribute("aria-label", "Zoom avant")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("aria-label", "Zoom arrière")
    expect(page.locator(".leaflet-control-attribution a[href='https://leafletjs.com']")).to_have_attribute(
        "title", "Une bibliothèque JavaScript pour les cartes interactives"
    )
    expect(page.get_by_role("button", name="4 signataires près de Lyon", exact=True)).to_be_visible()

    page.get_by_role("button", name="Afficher sur la carte Lyon", exact=True).click()
    expect(page.get_by_role("dialog", name="Lyon")).to_be_visible()
    expect(page.locator(".leaflet-popup-close-button")).to_have_attribute("aria-label", "Fermer")
    page.wait_for_timeout(300)  # (the popup fades in)
    shoot("french")
    assert page.errors == []


@pytest.fixture
def lyon(transactional_db):
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge")
    return signatory(campaign, name="Lyon", country="FR", lat=45.76, lon=4.84).municipality


def test_the_mini_map_is_a_picture_with_nothing_focusable_inside(map_page, shoot, lyon):
    page = map_page
    page.goto(f"/en/cities/{lyon.slug}/")
    picture = page.get_by_role("img", name="Map showing where Lyon is")
    expect(picture.locator(".leaflet-marker-icon")).to_have_count(1)  # drawn
    focusable = picture.evaluate(
        "img => [img, ...img.querySelectorAll('*')].filter(el => el.tabIndex >= 0).map(el => el.outerHTML)"
    )
    assert focusable == []
    expect(picture.locator(".leaflet-control-zoom")).to_have_count(0)
    # The tiles' attribution is beside the picture, in its caption, with its link.
    caption = page.locator(".cfm-mini-map-figure figcaption")
    expect(caption.get_by_role("link", name="OpenStreetMap")).to_be_visible()
    expect(caption.get_by_role("link", name="See on the map of signatories")).to_be_visible()

    # Tabbing through the whole page never stops inside the picture.
    seen = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        where = page.evaluate(
            f"""() => {{
                const el = {FOCUSED};
                if (el === document.body) return 'body';
                return el.closest('[role=img]') ? 'inside' : el.outerHTML.slice(0, 300);
            }}"""
        )
        assert where != "inside"
        if where in seen and where != "body":
            break  # round the page once
        seen.add(where)
    assert any("See on the map of signatories" in where for where in seen)  # (past the picture)
    shoot("mini-map")
    assert page.errors == []

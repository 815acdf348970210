"""My municipality is not listed, in a real browser: an official of Riace finds nothing, asks
for it with its position set from the keyboard, a campaign admin adds it, and the official
then finds Riace in the autocomplete."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Municipality, MunicipalityRequest
from tests.e2e.helpers import log_in, new_tab
from tests.e2e.test_axe import AXE, TAGS, describe
from tests.factories import MunicipalityFactory, StaffFactory

pytestmark = pytest.mark.e2e

TILES = re.compile(r"^https?://[^/]*tile\.openstreetmap\.org/")


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations; evaluated in the page (the site's CSP allows no
    injected script tag, and this tab does not bypass it)."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        TAGS,
    )


def test_an_official_asks_for_riace_and_an_admin_adds_it(page, browser, live_server, verified_user, password, shoot):
    MunicipalityFactory(name="Reggio Calabria", country="IT", latitude=38.11, longitude=15.66, time_zone="Europe/Rome")
    admin = StaffFactory(password=password)
    page.route(TILES, lambda route: route.abort())
    log_in(page, verified_user.email, password)

    # The search finds nothing: the page says so and offers to ask for the place.
    page.goto("/en/accounts/memberships/request/")
    page.locator("#id_municipality_text").press_sequentially("Riace", delay=30)
    expect(page.get_by_text("No municipality of that name is in our directory.")).to_be_visible()
    link = page.get_by_role("link", name="My municipality is not listed")
    expect(link).to_have_attribute("href", re.compile(r"\?name=Riace$"))
    shoot("nothing-found")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/accounts/municipalities/request/?name=Riace")
    expect(page.locator("#id_name")).to_have_value("Riace")

    # The position from the keyboard: typed into the inputs, the marker follows; Enter on
    # the focused map puts the marker at its centre and fills the inputs.
    page.locator("#id_country").select_option("IT")
    page.locator("#id_population").fill("2300")
    page.locator("#id_latitude").fill("38.4181")
    page.locator("#id_longitude").fill("16.4811")
    page.locator("#id_longitude").press("Tab")
    picker = page.locator("#position-picker")
    expect(picker).to_be_visible()
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    picker.focus()
    page.keyboard.press("ArrowDown")  # Leaflet pans south
    page.wait_for_timeout(400)
    page.keyboard.press("Enter")
    expect(page.locator("#position-status")).to_contain_text("Position set to")
    moved = float(page.locator("#id_latitude").input_value())
    assert 38.0 < moved < 38.4181  # south of where it was
    page.locator("#id_latitude").fill("38.4181")  # back to the town hall, typed
    page.locator("#id_longitude").fill("16.4811")
    page.locator("#id_source").fill("https://www.istat.it/")
    shoot("form")
    violations = axe_violations(page)
    assert not violations, describe("municipality request", violations)
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/en/accounts/memberships/**")
    expect(page.locator("main")).to_contain_text("Places you asked us to add")
    place = MunicipalityRequest.objects.get()
    assert (place.name, place.country, place.latitude, place.longitude) == ("Riace", "IT", 38.4181, 16.4811)

    # A campaign admin adds it from the work queue.
    context, admin_page = new_tab(browser, live_server.url)
    try:
        log_in(admin_page, admin.email, password)
        admin_page.goto("/en/staff/municipality-requests/")
        expect(admin_page.get_by_role("link", name=re.compile("Missing municipalities"))).to_contain_text("1")
        expect(admin_page.locator(f"#id_add-{place.pk}-time_zone")).to_have_value("Europe/Rome")
        violations = axe_violations(admin_page)
        assert not violations, describe("staff queue", violations)
        admin_page.get_by_role("button", name="Add Riace").click()
        expect(admin_page.locator("body")).to_contain_text("Riace has been added to the directory")
    finally:
        context.close()
    riace = Municipality.objects.get(name="Riace")

    # The official is offered to represent it, and finds it in the autocomplete.
    page.goto("/en/accounts/memberships/")
    expect(page.get_by_role("link", name="Ask to represent Riace")).to_have_attribute(
        "href", f"/en/accounts/memberships/request/?municipality={riace.pk}"
    )
    page.goto("/en/accounts/memberships/request/")
    page.locator("#id_municipality_text").press_sequentially("Riac", delay=30)
    option = page.get_by_role("listbox").get_by_role("option").filter(has_text="Riace")
    expect(option).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#id_municipality")).to_have_value(str(riace.pk))
    shoot("found")

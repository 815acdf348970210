"""The pages under their Content-Security-Policy in Chromium: no violation anywhere.

Every document (frames included) gets a ``securitypolicyviolation`` listener before its own
scripts run; the browser's console is read too (Chromium logs each refused script, style or
image, and each Permissions-Policy feature it does not know). Each page is then used as a
person would: the map draws its markers, the dashboard its charts, the city profile copies
its link, the autocomplete suggests, the pledge form shows a ticked commitment's target, the
admin's and the staff's pages open, Swagger UI and ReDoc render the API.

Tiles are refused on purpose (the test network is closed anyway): the markers still show.
"""

import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from pledges.announcements import services as announcement_services
from tests.builders import report, signatory
from tests.e2e.helpers import log_in
from tests.factories import ReportingPeriodFactory

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"  # tests/factories.py
LISTEN_FOR_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(JSON.stringify({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  }));
}, true);
"""
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
POLICY_MESSAGE = re.compile(r"Content.Security.Policy|Permissions.Policy|Refused to", re.IGNORECASE)


@pytest.fixture
def watched(page, settings):
    """The page, with every policy violation, policy message and script error it meets."""
    settings.STAFF_REQUIRE_MFA = False  # MFA has its own journeys
    found = {"violations": [], "console": [], "errors": []}
    page.expose_function("reportCspViolation", lambda data: found["violations"].append(json.loads(data)))
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.on(
        "console",
        lambda msg: found["console"].append(f"{msg.type}: {msg.text}") if POLICY_MESSAGE.search(msg.text) else None,
    )
    page.on("pageerror", lambda error: found["errors"].append(str(error)))
    page.route(re.compile(r"^https?://[^/]*tile\.openstreetmap\.org/"), lambda route: route.abort())
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.found = found
    return page


def assert_clean(page):
    page.wait_for_timeout(300)  # a violation is reported asynchronously
    assert page.found == {"violations": [], "console": [], "errors": []}


@pytest.fixture
def public_world(campaign):
    past = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    places = [("Mechelen", "BE", 51.03, 4.48), ("Lyon", "FR", 45.76, 4.84), ("Madrid", "ES", 40.42, -3.70)]
    pledges = [signatory(campaign, name=name, country=country, lat=lat, lon=lon) for name, country, lat, lon in places]
    report(pledges[0], past)
    return pledges


def test_map_dashboard_city_profile_and_embeds_run_under_the_policy(watched, public_world):
    page = watched
    page.goto("/en/map/")
    page.wait_for_function("() => document.getElementById('signatory-map').dataset.rendered === 'true'")
    expect(page.locator("#map-count")).to_have_text("Showing 3 signatories")
    assert page.locator("#signatory-map .leaflet-marker-icon").count() >= 1
    # Leaflet positions its panes and markers through element.style: allowed.
    assert page.locator("#signatory-map .leaflet-map-pane").evaluate("el => el.style.transform") != ""
    assert_clean(page)

    page.goto("/en/dashboard/")
    charts = page.locator(".chart-svg-wrap svg")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 2
    assert_clean(page)

    with translation.override("en"):
        profile = reverse("cities:detail", kwargs={"municipality_slug": public_world[0].municipality.slug})
    page.goto(profile)
    page.locator(".leaflet-marker-icon").first.wait_for()  # the mini map
    copy = page.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()  # shown by static/js/copy-link.js
    copy.click()
    expect(page.locator("#copy-link-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()").endswith(profile)
    assert_clean(page)

    page.goto("/en/embed/")
    for frame_id in ("counter", "map"):
        frame = page.frame_locator(f"iframe[src*='/embed/{frame_id}/']")
        frame.locator("body").wait_for()
    expect(page.frame_locator("iframe[src*='/embed/map/']").locator(".leaflet-marker-icon").first).to_be_visible()
    assert_clean(page)


def test_autocomplete_and_pledge_form_run_under_the_policy(watched, official_a, draft_pledge_a, optional_commitments):
    page = watched
    log_in(page, official_a.email, PASSWORD)

    page.goto("/en/accounts/memberships/request/")
    page.locator("#id_municipality_text").press_sequentially("Mechel", delay=40)
    listbox = page.locator("#id_municipality_listbox")
    expect(listbox.get_by_role("option").filter(has_text="Mechelen")).to_have_count(1)
    # What was a style attribute is now static/css/site.css: the list still floats and scrolls.
    assert listbox.evaluate("el => [getComputedStyle(el).zIndex, getComputedStyle(el).overflowY]") == [
        "1000",
        "auto",
    ]
    assert_clean(page)

    page.goto(f"/en/pledges/{draft_pledge_a.pk}/edit/")
    optional = optional_commitments[0]
    expect(page.locator(f"#id_target_{optional.pk}")).to_be_hidden()  # static/js/pledge-form.js
    page.check(f"#id_chosen_{optional.pk}")
    expect(page.locator(f"#id_target_{optional.pk}")).to_be_visible()
    assert_clean(page)


def test_admin_staff_pages_and_the_email_preview_run_under_the_policy(watched, staff_admin, campaign):
    page = watched
    announcement = announcement_services.announcement_create(
        actor=staff_admin, campaign=campaign, language="en", subject="Peer exchange", body="Join us in June."
    )
    log_in(page, staff_admin.email, PASSWORD)

    page.goto("/en/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"/en/admin/campaign/campaign/{campaign.pk}/change/")
    expect(page.locator("#campaign_form")).to_be_visible()
    assert_clean(page)

    page.goto("/en/staff/memberships/")
    assert_clean(page)

    page.goto(f"/en/staff/announcements/{announcement.pk}/")
    preview = page.frame_locator("iframe[srcdoc]")
    expect(preview.locator("body")).to_contain_text("Join us in June.")
    # The email's own style attributes apply inside the preview (the page allows them).
    assert preview.locator("body").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(241, 243, 245)"
    assert_clean(page)


def test_swagger_ui_and_redoc_render_under_the_policy(watched):
    page = watched
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cities for Migration open data API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert_clean(page)

    page.goto("/api/v1/redoc/")
    expect(page.locator("h1").first).to_contain_text("Cities for Migration open data API")
    # Its search runs in a blob: worker, which its page allows.
    page.get_by_placeholder("Search...").fill("signatories")
    expect(page.locator("[role=search] li").first).to_be_visible()
    # ReDoc's "powered by" logo is an image from its makers' CDN: refused on purpose (no
    # visitor is sent to a third party), and ReDoc drops it when it fails to load.
    page.wait_for_timeout(300)
    refused = [v for v in page.found["violations"] if v["blocked"] == REDOC_LOGO]
    assert [v["directive"] for v in refused] == ["img-src"]
    page.found["violations"].remove(refused[0])
    page.found["console"] = [line for line in page.found["console"] if REDOC_LOGO not in line]
    expect(page.get_by_alt_text("redocly logo")).to_have_count(0)
    assert_clean(page)

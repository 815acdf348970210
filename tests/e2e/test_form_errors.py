"""The pledge form from the keyboard alone, in Chromium: a handful of tab stops per
commitment (the references to the global frameworks wait behind a closed disclosure), an
error that brings the error summary into focus with "Error:" in the title, its link that
puts the cursor in the field at fault, and the corrected form saved
(templates/includes/error_summary.html, static/js/error-summary.js)."""

from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from pledges.models import Pledge
from tests.e2e.helpers import Shooter, log_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"
MAX_TABS = 120


def focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute("name") || "",
            text: (el.textContent || "").trim().slice(0, 80),
            inBadges: !!el.closest(".commitment-badges"),
            target: el.getAttribute("target") || "",
          };
        }"""
    )


def tab_until(page, matches, *, limit=MAX_TABS) -> list[dict]:
    """Press Tab until the focused element matches; returns every stop on the way."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        if matches(stop):
            return stops
    raise AssertionError(f"not reached in {limit} tab stops: {stops[-5:]}")


def type_date(page, day: date, order: str):
    """Chromium's date box: its segments in the order of the browser's own locale."""
    page.keyboard.type(day.strftime(order))


def date_order(page, field, typed: date) -> str:
    """Which order the date box took ("%d%m%Y" or "%m%d%Y"), read from what it holds."""
    value = field.input_value()
    for order in ("%d%m%Y", "%m%d%Y"):
        try:
            if date.fromisoformat(value) == datetime.strptime(typed.strftime("%d%m%Y"), order).date():
                return order
        except ValueError:
            continue
    raise AssertionError(f"the date box holds {value!r} after typing {typed}")


@pytest.fixture
def references(optional_commitments, required_commitments):
    """Every commitment serves several global targets, as in the real catalogue."""
    for commitment in [*required_commitments, *optional_commitments]:
        commitment.sdg_targets = ["10.2", "10.7", "11.1"]
        commitment.gcm_objectives = [15, 16]
        commitment.nua_paragraphs = [28]
        commitment.save()


def test_a_keyboard_user_recovers_from_an_error_on_the_pledge_form(
    page, official_a, draft_pledge_a, references, artifacts_dir
):
    shoot = Shooter(artifacts_dir, "form-errors-keyboard")
    log_in(page, official_a.email, PASSWORD)
    edit = f"/en/pledges/{draft_pledge_a.pk}/edit/"
    page.goto(edit)
    expect(page).not_to_have_title("Error:*")
    expect(page.locator("details.commitment-references")).to_have_count(5)
    expect(page.locator("details.commitment-references[open]")).to_have_count(0)

    # From the top of the page to the first field, then through the whole form to its button.
    tab_until(page, lambda s: s["id"] == "id_signatory_name")
    page.keyboard.type("Bart Somers")
    tab_until(page, lambda s: s["id"] == "id_council_decision_date", limit=3)
    later = date.today() + timedelta(days=60)
    future = later.replace(day=5 if later.month != 5 else 6)  # read either way round, still in the future
    page.keyboard.type(future.strftime("%d%m%Y"))  # refused
    order = date_order(page, page.locator("#id_council_decision_date"), future)
    stops = tab_until(page, lambda s: s["name"] == "save")
    assert not [s for s in stops if s["inBadges"] or s["target"] == "_blank"], "a reference link is a tab stop"
    summaries = [s for s in stops if s["tag"] == "summary"]
    assert len(summaries) == 5  # one closed disclosure per commitment
    assert len(stops) < 45, f"{len(stops)} tab stops from the decision date to the button"
    shoot(page, "filled-with-an-error")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # The summary has focus, the title says so, the link goes to the field at fault.
    expect(page).to_have_title("Error: Pledge of Mechelen · Cities for Migration")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("There is a problem")
    link = summary.locator("a[href='#id_council_decision_date']")
    expect(link).to_contain_text("cannot be in the future")
    shoot(page, "summary-focused")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    field = page.locator("#id_council_decision_date")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_signatory_name")).to_have_value("Bart Somers")  # nothing typed is lost

    # Fixed from where the cursor is, and saved.
    decided = date.today() - timedelta(days=5)
    type_date(page, decided, order)
    expect(field).to_have_value(decided.isoformat())
    tab_until(page, lambda s: s["name"] == "save")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{edit}")
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    expect(page).not_to_have_title("Error:*")
    shoot(page, "saved")
    pledge = Pledge.objects.get(pk=draft_pledge_a.pk)
    assert pledge.council_decision_date == decided
    assert pledge.signatory_name == "Bart Somers"


def test_a_reference_opens_from_the_keyboard_and_says_it_opens_a_new_tab(page, official_a, draft_pledge_a, references):
    log_in(page, official_a.email, PASSWORD)
    page.goto(f"/en/pledges/{draft_pledge_a.pk}/edit/")
    first = page.locator("details.commitment-references").first
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(first).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    badge = first.locator(".commitment-badges a").first
    expect(badge).to_be_focused()
    expect(badge).to_have_accessible_name("SDG 10.2 (opens in a new tab)")  # the arrow is for the eyes


def test_the_jump_list_leads_to_each_part_of_the_form(page, official_a, draft_pledge_a):
    log_in(page, official_a.email, PASSWORD)
    page.goto(f"/en/pledges/{draft_pledge_a.pk}/edit/")
    page.locator(".on-this-form a[href='#section-statement']").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#id_statement")).to_be_focused()


def test_the_language_menu_changes_nothing_until_a_language_is_chosen(page, artifacts_dir):
    """On a page without a language prefix (an unsubscribe link), from the keyboard."""
    shoot = Shooter(artifacts_dir, "language-menu-keyboard")
    page.goto("/unsubscribe/not-a-valid-token/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    menu = page.locator("header .language-switcher")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu.locator("details")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past Français to Español: moving changes nothing
    expect(menu.get_by_role("button", name="Español")).to_be_focused()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shoot(page, "open")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.url.endswith("/unsubscribe/not-a-valid-token/")

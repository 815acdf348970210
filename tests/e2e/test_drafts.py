"""Nothing typed is lost, in Chromium: a report written while the session ends in another
tab comes back after logging in again; a draft left in the browser is offered after a
reload and forgotten once saved (static/js/drafts.js, campaign/kept_forms.py)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pledges.models import ProgressUpdate
from tests.e2e.helpers import Shooter, log_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"
# As long as the narrative lost in the issue (5,760 characters).
NARRATIVE = ("Two health centres opened in the north of the city; 1,200 newcomers registered. " * 72)[:5760]


@pytest.fixture
def report_path(page, verified_pledge_a, current_period):
    return reverse("reports:edit", args=[verified_pledge_a.pk, current_period.pk])


def draft_keys(page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(function (k) { return k.indexOf('cfm-draft:') === 0; })")


def wait_for_a_draft(page, containing: str = ""):
    """drafts.js saves a moment after typing (the page's CSP forbids wait_for_function's eval)."""
    for _attempt in range(50):
        stored = page.evaluate("Object.keys(localStorage).map(function (k) { return localStorage.getItem(k); })")
        if any(containing in value for value in stored if value and '"values"' in value):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no draft was saved in localStorage")


def test_report_typed_while_the_session_ends_in_another_tab_comes_back(
    page, official_a, verified_pledge_a, report_path, artifacts_dir
):
    shoot = Shooter(artifacts_dir, "drafts-session-ended")
    log_in(page, official_a.email, PASSWORD)
    page.goto(report_path)
    narrative = page.locator("textarea[name='form-0-narrative']")
    narrative.fill(NARRATIVE)
    page.select_option("select[name='form-0-status']", "in_progress")

    # A second tab of the same browser: logging out there ends this tab's session too.
    other = page.context.new_page()
    other.goto("/en/accounts/logout/")
    other.locator("main form button[type=submit]").first.click()
    other.wait_for_load_state()
    expect(other.locator("header a[href='/en/accounts/login/']")).to_be_visible()
    other.close()

    page.locator("button[name=action][value=save]").click()
    page.wait_for_url("**/en/accounts/login/**")
    expect(page.locator("main")).to_contain_text("Your session has ended. Log in again: the text you sent is kept.")
    shoot(page, "login-after-post")

    page.fill("#id_login", official_a.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{report_path}")
    expect(page.locator("[data-kept-form]")).to_contain_text("Your text was kept: check it and save again.")
    expect(narrative).to_have_value(NARRATIVE)
    expect(page.locator("[data-draft-offer]")).to_have_count(0)  # the kept text is shown: nothing to offer
    shoot(page, "text-kept")

    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Your draft is saved.")
    saved = ProgressUpdate.objects.filter(report__pledge=verified_pledge_a, narrative=NARRATIVE.strip())
    assert saved.count() == 1
    assert draft_keys(page) == []


def test_a_stale_csrf_token_shows_our_page_and_the_way_back_keeps_the_text(
    page, official_a, report_path, artifacts_dir
):
    shoot = Shooter(artifacts_dir, "drafts-stale-csrf")
    log_in(page, official_a.email, PASSWORD)
    page.goto(report_path)
    page.locator("textarea[name='form-0-narrative']").fill(NARRATIVE)

    # Logging out and in again in another tab gives the browser a new CSRF token.
    other = page.context.new_page()
    other.goto("/en/accounts/logout/")
    other.locator("main form button[type=submit]").first.click()
    other.wait_for_load_state()
    log_in(other, official_a.email, PASSWORD)
    other.close()

    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("The form could not be sent")
    expect(page.locator("#kept-notice")).to_contain_text("Your text was kept.")
    shoot(page, "csrf-page")

    page.locator("#back-to-form").click()
    page.wait_for_url(f"**{report_path}")
    expect(page.locator("textarea[name='form-0-narrative']")).to_have_value(NARRATIVE)
    shoot(page, "back-on-the-form")


def test_a_browser_draft_is_offered_after_reload_and_forgotten_once_saved(page, official_a, report_path, artifacts_dir):
    shoot = Shooter(artifacts_dir, "drafts-local")
    log_in(page, official_a.email, PASSWORD)
    page.goto(report_path)
    narrative = page.locator("textarea[name='form-0-narrative']")
    narrative.fill("Forty front-desk staff trained in the rights of newcomers.")
    wait_for_a_draft(page)

    page.reload()
    expect(narrative).to_have_value("")
    offer = page.locator("[data-draft-offer]")
    expect(offer).to_contain_text("Restore your unsaved draft from")
    shoot(page, "offer")
    offer.get_by_role("button", name="Restore").click()
    expect(narrative).to_have_value("Forty front-desk staff trained in the rights of newcomers.")
    expect(offer).to_have_count(0)

    # A save that fails keeps the draft...
    page.select_option("select[name='form-0-status']", "in_progress")
    narrative.fill("")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".alert-danger")).to_be_visible()
    assert draft_keys(page) != []

    # ... a save that succeeds forgets it.
    page.locator("textarea[name='form-0-narrative']").fill("Forty front-desk staff trained.")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Your draft is saved.")
    assert draft_keys(page) == []
    page.reload()
    expect(page.locator("[data-draft-offer]")).to_have_count(0)
    expect(page.locator("textarea[name='form-0-narrative']")).to_have_value("Forty front-desk staff trained.")

    # Discard forgets a draft without touching the form.
    page.locator("textarea[name='form-0-narrative']").fill("Something else entirely, not wanted.")
    wait_for_a_draft(page, containing="not wanted")
    page.reload()
    page.locator("[data-draft-offer]").get_by_role("button", name="Discard").click()
    expect(page.locator("textarea[name='form-0-narrative']")).to_have_value("Forty front-desk staff trained.")
    assert draft_keys(page) == []


def test_pledge_statement_typed_while_the_session_ends_comes_back_and_its_draft_is_kept(
    page, official_a, draft_pledge_a, optional_commitments, artifacts_dir
):
    shoot = Shooter(artifacts_dir, "drafts-pledge")
    path = reverse("pledges:edit", args=[draft_pledge_a.pk])
    statement = "Mechelen signs because every newcomer is a citizen from day one. " * 10
    chosen = optional_commitments[0]
    log_in(page, official_a.email, PASSWORD)
    page.goto(path)
    page.locator(f"#id_chosen_{chosen.pk}").check()
    page.fill(f"#id_target_{chosen.pk}", "A family doctor for every resident")
    page.fill("#id_statement", statement)
    wait_for_a_draft(page, containing="every newcomer")

    other = page.context.new_page()
    other.goto("/en/accounts/logout/")
    other.locator("main form button[type=submit]").first.click()
    other.wait_for_load_state()
    other.close()

    page.locator("button[name=save]").click()
    page.wait_for_url("**/en/accounts/login/**")
    page.fill("#id_login", official_a.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**{path}")
    expect(page.locator("#id_statement")).to_have_value(statement)
    expect(page.locator(f"#id_chosen_{chosen.pk}")).to_be_checked()
    expect(page.locator(f"#id_target_{chosen.pk}")).to_have_value("A family doctor for every resident")
    shoot(page, "kept")

    page.locator("button[name=save]").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("Your draft has been saved.")
    draft_pledge_a.refresh_from_db()
    assert draft_pledge_a.statement == statement.strip()
    assert draft_keys(page) == []

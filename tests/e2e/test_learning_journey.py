"""Peer learning in real browsers, one per person: an official of Lyon writes a local action
and submits it; a campaign admin, signed in with a second factor, publishes it from the
moderation queue; an anonymous visitor finds it in the library by a word of its summary;
an official of Turin asks to learn from it; Lyon's official accepts, sharing a contact; and
Turin's official then sees Lyon's contact, which it could not see before.
"""

import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone
from django.utils.functional import empty
from playwright.sync_api import expect

from campaign.storage import private_storage
from pledges.learning.models import ExchangeRequest, LocalAction
from tests.builders import make_pledge
from tests.e2e.helpers import LOGIN_PATH, Shooter, log_in, new_tab
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    StaffFactory,
    UserFactory,
    approve_official,
)

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"
TITLE = "Free legal clinics in every town hall"
SUMMARY = "Volunteer lawyers answer residents' questions on papers, housing and work, every week, without appointment."
LYON_CONTACT = "legal.clinics@lyon.example.org"
TURIN_CONTACT = "city.card@turin.example.org"


@pytest.fixture
def learning_world(settings, tmp_path):
    """An open campaign with one commitment; Lyon and Turin have verified (public) pledges
    and one approved official each; a campaign admin with a TOTP second factor, required
    as in production."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STAFF_REQUIRE_MFA = True
    private_storage._wrapped = empty
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities for the rights of migrants", status="open")
    commitment = CommitmentFactory(
        campaign=campaign, code="RIGHTS-1", theme="rights", is_required=True, order=1, title_en="Equal rights"
    )
    lyon = MunicipalityFactory(name="Lyon", country="FR", time_zone="Europe/Paris", latitude=45.76, longitude=4.84)
    turin = MunicipalityFactory(name="Turin", country="IT", time_zone="Europe/Rome", latitude=45.07, longitude=7.69)
    official_a = UserFactory(email="focal@lyon.example.org", full_name="Claire Martin", preferred_language="en")
    official_b = UserFactory(email="focal@turin.example.org", full_name="Marco Rinaldi", preferred_language="en")
    approve_official(official_a, lyon)
    approve_official(official_b, turin)
    verified = timezone.now() - timedelta(days=200)
    make_pledge(campaign, lyon, "verified", [commitment], official=official_a, verified_at=verified)
    make_pledge(campaign, turin, "verified", [commitment], official=official_b, verified_at=verified)
    admin = StaffFactory(email="admin@campaign.example.org", full_name="Campaign Admin")
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    return {"official_a": official_a, "official_b": official_b, "admin": admin, "secret": secret, "lyon": lyon}


def log_in_with_second_factor(page, email: str, password: str, secret: str) -> None:
    """Password, then the authenticator app's current code, as a campaign admin signs in."""
    page.goto(LOGIN_PATH)
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/en/accounts/profile/")


def test_write_publish_find_ask_accept_and_see_the_contact(page, browser, live_server, learning_world, artifacts_dir):
    w = learning_world
    shoot = Shooter(artifacts_dir, "learning-journey")

    # --- 1. Lyon's official writes the action and submits it -------------------------------
    log_in(page, w["official_a"].email, PASSWORD)
    page.goto("/en/learning/actions/new/")
    page.select_option("#id_language", "en")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", SUMMARY)
    page.select_option("#id_status", "ongoing")
    page.fill("#id_contact_role", "Equality and access to rights office")
    shoot(page, "action-form")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url("**/en/learning/actions/*/")
    expect(page.locator("body")).to_contain_text("The action is saved as a draft.")
    action = LocalAction.objects.get(title=TITLE)
    assert action.municipality == w["lyon"] and action.state == LocalAction.State.DRAFT
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("body")).to_contain_text("The action is submitted")
    shoot(page, "action-submitted")
    action.refresh_from_db()
    assert action.state == LocalAction.State.SUBMITTED

    # --- 2. the campaign admin, with a second factor, publishes it --------------------------
    admin_context, admin_page = new_tab(browser, live_server.url)
    try:
        log_in_with_second_factor(admin_page, w["admin"].email, PASSWORD, w["secret"])
        admin_page.goto("/en/staff/learning/actions/")
        admin_page.get_by_role("link", name=TITLE).click()
        admin_page.wait_for_url(f"**/en/staff/learning/actions/{action.pk}/")
        shoot(admin_page, "moderation")
        admin_page.get_by_role("button", name="Publish in the library").click()
        admin_page.wait_for_url("**/en/staff/learning/actions/")
    finally:
        admin_context.close()
    action.refresh_from_db()
    assert action.state == LocalAction.State.PUBLISHED and action.published_at is not None

    # --- 3. an anonymous visitor finds it in the library ------------------------------------
    visitor_context, visitor = new_tab(browser, live_server.url)
    try:
        visitor.goto("/en/actions/")
        visitor.fill("#id_q", "lawyers housing")
        visitor.get_by_role("button", name="Search").click()
        visitor.wait_for_url("**/en/actions/?*q=lawyers*")
        link = visitor.get_by_role("link", name=TITLE)
        expect(link).to_be_visible()
        shoot(visitor, "library-search")
        link.click()
        visitor.wait_for_url(f"**/en/actions/{action.pk}/")
        expect(visitor.locator("main")).to_contain_text(SUMMARY)
        expect(visitor.locator("main")).not_to_contain_text(LYON_CONTACT)
    finally:
        visitor_context.close()

    # --- 4. Turin's official asks to learn from it ------------------------------------------
    turin_context, turin = new_tab(browser, live_server.url)
    try:
        log_in(turin, w["official_b"].email, PASSWORD)
        turin.goto(f"/en/actions/{action.pk}/")
        turin.get_by_role("link", name="Learn from this action").click()
        turin.wait_for_url(f"**/en/learning/actions/{action.pk}/ask/")
        turin.fill("#id_message", "Turin would like to learn how you recruited the volunteer lawyers.")
        turin.fill("#id_contact_name", "Marco Rinaldi")
        turin.fill("#id_contact_role", "Residents' services")
        turin.fill("#id_contact_email", TURIN_CONTACT)
        shoot(turin, "ask")
        turin.get_by_role("button", name="Send the request").click()
        turin.wait_for_url("**/en/learning/exchanges/*/")
        exchange = ExchangeRequest.objects.get(action=action)
        assert exchange.requester.name == "Turin" and exchange.status == ExchangeRequest.Status.PENDING
        # Before Lyon accepts, Turin does not see Lyon's contact (Lyon has given none yet).
        expect(turin.locator("main")).not_to_contain_text(LYON_CONTACT)

        # --- 5. Lyon's official accepts, giving a contact -----------------------------------
        page.goto(f"/en/learning/exchanges/{exchange.pk}/")
        expect(page.locator("main")).to_contain_text("Turin would like to learn")
        expect(page.locator("main")).not_to_contain_text(TURIN_CONTACT)  # not before accepting
        page.fill("#id_accept-answer", "With pleasure: let us plan a call.")
        page.fill("#id_accept-contact_name", "Claire Martin")
        page.fill("#id_accept-contact_role", "Equality and access to rights office")
        page.fill("#id_accept-contact_email", LYON_CONTACT)
        page.get_by_role("button", name="Accept", exact=True).click()
        page.wait_for_url(f"**/en/learning/exchanges/{exchange.pk}/")
        expect(page.locator("main")).to_contain_text(TURIN_CONTACT)  # and now Lyon sees Turin's
        shoot(page, "accepted")
        exchange.refresh_from_db()
        assert exchange.status == ExchangeRequest.Status.ACCEPTED

        # --- 6. Turin now sees Lyon's contact -----------------------------------------------
        turin.goto(f"/en/learning/exchanges/{exchange.pk}/")
        expect(turin.locator("main")).to_contain_text(LYON_CONTACT)
        expect(turin.locator("main")).to_contain_text("With pleasure: let us plan a call.")
        shoot(turin, "contact-shown")
    finally:
        turin_context.close()

"""A city official's whole journey in a real browser, with the campaign team in a second one:
sign in, ask to represent Mechelen (found as "Malines"), get approved in the staff queue,
sign the pledge with a real PDF, get verified, appear on the public profile, file the
period's report and see it in the profile's timeline.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils.functional import empty
from playwright.sync_api import expect

from accounts.models import Membership
from campaign.storage import private_storage
from pledges.models import Pledge, PledgeEvent, ProgressReport
from tests.e2e.helpers import Shooter, log_in, new_tab, write_pdf
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"
STATEMENT = "Mechelen is a city of 138 nationalities: every newcomer is a citizen from day one."
TARGET = "A family doctor for every resident by 2028"
NARRATIVE = "Two new health centres opened; 1,200 newcomers registered with a family doctor."


@pytest.fixture
def journey_world(settings, tmp_path):
    """An open campaign with two required and two optional commitments, a period open now,
    Mechelen (also known as Malines) and Lyon, an official with a confirmed address, a
    campaign admin. Private documents go to a temporary folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STAFF_REQUIRE_MFA = False  # MFA has its own journeys; here the queue itself
    private_storage._wrapped = empty

    today = date.today()
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities for the rights of migrants",
        status="open",
        signing_opens=today - timedelta(days=365),
        signing_closes=None,
    )
    commitments = {
        "RIGHTS-1": CommitmentFactory(
            campaign=campaign, code="RIGHTS-1", theme="rights", is_required=True, order=10, title_en="Equal rights"
        ),
        "SERVICES-1": CommitmentFactory(
            campaign=campaign, code="SERVICES-1", theme="services", order=20, title_en="Health care for everyone"
        ),
        "SERVICES-2": CommitmentFactory(
            campaign=campaign, code="SERVICES-2", theme="services", order=30, title_en="Schools for every child"
        ),
        "MONITORING-1": CommitmentFactory(
            campaign=campaign,
            code="MONITORING-1",
            theme="monitoring",
            is_required=True,
            order=90,
            title_en="Report progress every year",
        ),
    }
    period = ReportingPeriodFactory(
        campaign=campaign, label_en="This year", opens=today - timedelta(days=30), due=today + timedelta(days=60)
    )
    mechelen = MunicipalityFactory(
        name="Mechelen",
        country="BE",
        admin_region="Flanders",
        population=86_000,
        latitude=51.0259,
        longitude=4.4776,
        time_zone="Europe/Brussels",
        alternate_names=["Malines", "Mecheln"],
    )
    MunicipalityFactory(name="Lyon", country="FR", population=520_000, alternate_names=["Lione"])
    official = UserFactory(email="anna@mechelen.be", full_name="Anna Peeters", password=PASSWORD)
    admin = StaffFactory(email="carla@campaign.org", full_name="Carla Admin", password=PASSWORD)
    yield {
        "campaign": campaign,
        "commitments": commitments,
        "period": period,
        "mechelen": mechelen,
        "official": official,
        "admin": admin,
    }
    private_storage._wrapped = empty


def test_an_official_signs_reports_and_appears_on_the_public_profile(
    page, browser, live_server, journey_world, artifacts_dir, tmp_path
):
    w = journey_world
    mechelen, official, admin = w["mechelen"], w["official"], w["admin"]
    shoot = Shooter(artifacts_dir, "journey")

    # Errors in the browser's console are part of what we check.
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    # --- 1. the official signs in through the real form --------------------------------
    page.goto("/en/accounts/login/")
    page.fill("#id_login", official.email)
    page.fill("#id_password", PASSWORD)
    shoot(page, "login")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/en/accounts/profile/")

    # --- 2. asks to represent Mechelen, found by its French name -------------------------
    page.goto("/en/accounts/memberships/request/")
    combobox = page.locator("#id_municipality_text")
    expect(combobox).to_have_attribute("role", "combobox")
    combobox.press_sequentially("Malines", delay=40)
    listbox = page.locator("#id_municipality_listbox")
    option = listbox.get_by_role("option").filter(has_text="Mechelen")
    expect(option).to_have_count(1)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").filter(has_text="Lyon")).to_have_count(0)
    shoot(page, "autocomplete-malines")
    option.click()
    expect(page.locator("#id_municipality")).to_have_value(str(mechelen.pk))
    expect(combobox).to_have_value(re.compile(r"^Mechelen"))
    expect(listbox).to_be_hidden()
    page.select_option("#id_role", "focal_point")
    # The evidence is the official's own confirmed address at the city's domain.
    page.fill("#id_evidence_email", "anna@mechelen.be")
    shoot(page, "membership-request-filled")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/en/accounts/memberships/")
    expect(page.locator("body")).to_contain_text("Your request to represent Mechelen has been sent")
    shoot(page, "membership-requested")
    membership = Membership.objects.get(user=official, municipality=mechelen)
    assert membership.status == Membership.Status.REQUESTED
    assert membership.evidence_email == "anna@mechelen.be"

    # --- 3. the campaign admin approves it in the staff queue, in another browser -------
    staff_context, staff_page = new_tab(browser, live_server.url)
    try:
        log_in(staff_page, admin.email, PASSWORD)
        staff_page.goto("/en/staff/memberships/")
        row = staff_page.locator("tr", has_text=official.email)
        expect(row).to_contain_text("Mechelen")
        expect(row).to_contain_text("Confirmed address at the city’s domain")
        staff_page.check(f"#select-{membership.pk}")
        shoot(staff_page, "staff-membership-queue")
        staff_page.get_by_role("button", name="Approve selected").click()
        staff_page.wait_for_url("**/en/staff/memberships/")
        expect(staff_page.locator("body")).to_contain_text("1 request approved.")
        shoot(staff_page, "staff-membership-approved")
        membership.refresh_from_db()
        assert membership.status == Membership.Status.APPROVED
        assert membership.decided_by == admin

        # --- 4. the official starts the pledge and fills it in ------------------------------
        page.goto("/en/pledges/")
        group = page.locator("main")
        expect(group).to_contain_text("Mechelen")
        shoot(page, "my-pledges")
        page.get_by_role("link", name="Start the pledge").click()
        page.wait_for_url(f"**/en/pledges/cities-pledge/{mechelen.slug}/")
        expect(page.locator("main")).to_contain_text("Equal rights")
        shoot(page, "pledge-start")
        page.get_by_role("button", name="Start the pledge").click()
        page.wait_for_url(re.compile(r"/en/pledges/\d+/edit/$"))
        pledge = Pledge.objects.get(campaign=w["campaign"], municipality=mechelen)
        assert pledge.status == Pledge.Status.DRAFT

        services_1 = w["commitments"]["SERVICES-1"]
        services_2 = w["commitments"]["SERVICES-2"]
        rights_1 = w["commitments"]["RIGHTS-1"]
        # Required commitments are ticked and locked; optional targets show once ticked.
        expect(page.locator(f"#id_chosen_{rights_1.pk}")).to_be_checked()
        expect(page.locator(f"#id_chosen_{rights_1.pk}")).to_be_disabled()
        expect(page.locator(f"#id_target_{services_1.pk}")).to_be_hidden()
        page.check(f"#id_chosen_{services_1.pk}")
        expect(page.locator(f"#id_target_{services_1.pk}")).to_be_visible()
        page.fill(f"#id_target_{services_1.pk}", TARGET)
        page.fill(f"#id_target_date_{services_1.pk}", (date.today() + timedelta(days=700)).isoformat())
        page.fill("#id_signatory_name", "Bart Somers")
        page.fill("#id_signatory_title", "Mayor of Mechelen")
        page.fill("#id_council_decision_date", (date.today() - timedelta(days=12)).isoformat())
        page.set_input_files("#id_resolution", str(write_pdf(tmp_path / "council-resolution.pdf")))
        page.fill("#id_statement", STATEMENT)
        shoot(page, "pledge-form-filled")

        # --- 5. preview, then submit --------------------------------------------------------
        page.get_by_role("button", name="Preview").click()
        page.wait_for_url(f"**/en/pledges/{pledge.pk}/preview/")
        main = page.locator("main")
        expect(main).to_contain_text(STATEMENT)
        expect(main).to_contain_text(TARGET)
        expect(main).to_contain_text("Bart Somers")
        expect(main).to_contain_text("Health care for everyone")
        expect(main).not_to_contain_text("Schools for every child")
        shoot(page, "pledge-preview")
        pledge.refresh_from_db()
        assert pledge.resolution
        assert set(pledge.chosen.values_list("commitment__code", flat=True)) == {
            "RIGHTS-1",
            "SERVICES-1",
            "MONITORING-1",
        }
        assert services_2.pk not in set(pledge.chosen.values_list("commitment_id", flat=True))
        page.get_by_role("button", name="Submit for verification").click()
        page.wait_for_url(f"**/en/pledges/{pledge.pk}/preview/")
        expect(page.locator("body")).to_contain_text("Your pledge has been sent to the campaign team")
        shoot(page, "pledge-submitted")
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.SUBMITTED

        # Not public yet.
        assert page.request.get(f"/en/cities/{mechelen.slug}/").status == 404

        # --- 6. the admin verifies it from the queue ----------------------------------------
        staff_page.goto("/en/staff/pledges/")
        expect(staff_page.locator("main")).to_contain_text("Mechelen")
        shoot(staff_page, "staff-pledge-queue")
        staff_page.locator("main table").get_by_role("link", name="Mechelen", exact=True).click()
        staff_page.wait_for_url(f"**/en/staff/pledges/{pledge.pk}/")
        expect(staff_page.locator("main")).to_contain_text(STATEMENT)
        expect(staff_page.locator("main")).to_contain_text("Bart Somers")
        shoot(staff_page, "staff-pledge-detail")
        staff_page.get_by_role("button", name="Verify this pledge").click()
        staff_page.wait_for_load_state()
        expect(staff_page.locator("body")).to_contain_text("1 pledge verified")
        shoot(staff_page, "staff-pledge-verified")
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.VERIFIED
        assert pledge.verified_by == admin
        assert pledge.signed_on == date.today() - timedelta(days=12)
    finally:
        staff_context.close()

    # --- 7. the public sees the city's profile with its statement -----------------------
    public_context, public = new_tab(browser, live_server.url)
    try:
        public.goto(f"/en/cities/{mechelen.slug}/")
        main = public.locator("main")
        expect(main.locator("h1")).to_contain_text("Mechelen")
        expect(main).to_contain_text(STATEMENT)
        expect(main).to_contain_text("Health care for everyone")
        expect(main).to_contain_text(TARGET)
        expect(main).not_to_contain_text(NARRATIVE)
        shoot(public, "public-profile-verified")

        # --- 8. the official files this period's report --------------------------------------
        page.goto("/en/reports/")
        shoot(page, "reports-home")
        page.locator("main").get_by_role("link", name="Reports").click()
        page.wait_for_url(f"**/en/reports/{pledge.pk}/")
        expect(page.locator("main")).to_contain_text("This year")
        shoot(page, "report-index")
        page.locator("main").get_by_role("link", name="Start the report").click()
        page.wait_for_url(f"**/en/reports/{pledge.pk}/{w['period'].pk}/")
        # Opening the form writes nothing: the report is made by its first save.
        assert not ProgressReport.objects.filter(pledge=pledge, period=w["period"]).exists()
        n_updates = page.locator("main select[id$='-status']").count()
        assert n_updates == 3
        for i in range(n_updates):
            page.select_option(f"#id_form-{i}-status", "in_progress")
            page.fill(f"#id_form-{i}-narrative", f"{NARRATIVE} ({i + 1})")
        shoot(page, "report-filled")
        page.get_by_role("button", name="Submit report").click()
        page.wait_for_url(f"**/en/reports/{pledge.pk}/{w['period'].pk}/")
        expect(page.locator("body")).to_contain_text("your report is submitted")
        shoot(page, "report-submitted")
        report = ProgressReport.objects.get(pledge=pledge, period=w["period"])
        assert report.updates.count() == 3
        assert report.status == ProgressReport.Status.SUBMITTED
        assert report.versions.count() == 1
        assert not report.is_late

        # --- 9. the profile's timeline shows the report ----------------------------------------
        public.goto(f"/en/cities/{mechelen.slug}/")
        main = public.locator("main")
        expect(main).to_contain_text("This year")
        for i in range(n_updates):
            expect(main).to_contain_text(f"{NARRATIVE} ({i + 1})")
        expect(main).to_contain_text("In progress")
        shoot(public, "public-profile-with-report")
    finally:
        public_context.close()

    history = list(PledgeEvent.objects.filter(pledge=pledge).values_list("action", flat=True))
    for action in ("created", "saved", "submitted", "verified"):
        assert action in history, history
    assert console_errors == []

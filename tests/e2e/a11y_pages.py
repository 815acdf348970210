"""The pages that tests/e2e/test_axe.py and tests/e2e/test_reflow.py check, and the world
they are drawn from: an open campaign in four languages with signatories on three continents,
an official of Tunis (a verified pledge, a report to file) and of Sfax (a draft pledge), and a
campaign admin with a membership request and a pledge in the work queue.

Pages are (name, role, path without the language prefix): role says which signed-in browser
opens it, "public" (nobody signed in), "official" or "staff".
"""

from dataclasses import dataclass
from datetime import date, timedelta

from playwright.sync_api import Browser, BrowserContext

from tests.builders import make_pledge, pledge_for_city, report_content, report_with_versions
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MembershipFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    StaffFactory,
    UserFactory,
    approve_official,
)

PASSWORD = "a-Long-and-unusual-passphrase-42"
ROLES = ("public", "official", "staff")


@dataclass
class World:
    pages: list[tuple[str, str, str]]
    official_email: str
    staff_email: str


def build_world() -> World:
    today = date.today()
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities for the rights of migrants",
        title_fr="Villes pour les droits des migrants",
        title_es="Ciudades por los derechos de los migrantes",
        title_ar="مدن من أجل حقوق المهاجرين",
        status="open",
        signing_opens=today - timedelta(days=900),
        signing_closes=None,
    )
    commitments = [
        CommitmentFactory(
            campaign=campaign,
            code="RIGHTS-1",
            is_required=True,
            title_en="Open municipal services to every resident",
            title_fr="Ouvrir les services municipaux à chaque habitant",
            title_es="Abrir los servicios municipales a todos los residentes",
            title_ar="فتح الخدمات البلدية لكل مقيم",
        ),
        CommitmentFactory(
            campaign=campaign,
            code="SERVICES-1",
            theme="services",
            title_en="Health care for everyone",
            title_fr="Des soins de santé pour tous",
            title_es="Atención sanitaria para todos",
            title_ar="رعاية صحية للجميع",
        ),
        CommitmentFactory(
            campaign=campaign,
            code="DATA-1",
            theme="monitoring",
            title_en="Count who lives here",
            title_fr="Compter qui vit ici",
            title_es="Contar quién vive aquí",
            title_ar="إحصاء من يعيش هنا",
        ),
    ]
    past = ReportingPeriodFactory(
        campaign=campaign, label_en="2025", opens=today - timedelta(days=400), due=today - timedelta(days=300)
    )
    current = ReportingPeriodFactory(
        campaign=campaign, label_en="2026", opens=today - timedelta(days=20), due=today + timedelta(days=100)
    )
    places = [
        ("Tunis", "TN", 640_000, 36.80, 10.18, ["تونس", "Tunisi"]),
        ("Mechelen", "BE", 86_000, 51.03, 4.48, ["Malines"]),
        ("Lyon", "FR", 520_000, 45.75, 4.85, []),
        ("Amman", "JO", 1_275_000, 31.95, 35.93, ["عمان"]),
        ("São Paulo", "BR", 12_400_000, -23.55, -46.63, []),
    ]
    statuses = ["achieved", "in_progress", "planned"]
    cities = []
    for i, (name, country, population, lat, lon, alternates) in enumerate(places):
        city = MunicipalityFactory(
            name=name,
            country=country,
            population=population,
            latitude=lat,
            longitude=lon,
            admin_region="01",
            alternate_names=alternates,
        )
        signed_on = today - timedelta(days=800 - 100 * i)
        pledge = pledge_for_city(campaign, city, signed_on=signed_on, commitments=commitments)
        pledge.statement = "تونس مدينة مفتوحة لكل القادمين الجدد." if name == "Tunis" else f"{name} welcomes everyone."
        pledge.signatory_name, pledge.signatory_title = "A. Mayor", "Mayor"
        pledge.save()
        body = report_content(*[(c, statuses[(i + j) % 3]) for j, c in enumerate(commitments)])
        report_with_versions(pledge, past, late=i == 1, versions=[body])
        cities.append((city, pledge))
    tunis, tunis_pledge = cities[0]

    official = UserFactory(email="leila@tunis.tn", full_name="Leila Ben Salah", password=PASSWORD)
    approve_official(official, tunis)
    sfax = MunicipalityFactory(name="Sfax", country="TN", population=330_000, latitude=34.74, longitude=10.76)
    approve_official(official, sfax)
    draft = make_pledge(campaign, sfax, "draft", commitments[:1], official=official)

    staff = StaffFactory(email="carla@campaign.org", full_name="Carla Admin", password=PASSWORD)
    sousse = MunicipalityFactory(name="Sousse", country="TN", population=270_000, latitude=35.83, longitude=10.64)
    MembershipFactory(user=UserFactory(full_name="Karim Haddad"), municipality=sousse, evidence_email="k@sousse.tn")
    bizerte = MunicipalityFactory(name="Bizerte", country="TN", population=140_000, latitude=37.27, longitude=9.87)
    submitted = make_pledge(campaign, bizerte, "submitted", commitments[:2], official=official)

    pages = [
        ("home", "public", ""),
        ("campaigns", "public", "campaigns/"),
        ("campaign", "public", f"campaigns/{campaign.slug}/"),
        ("signatories", "public", "cities/"),
        ("city", "public", f"cities/{tunis.slug}/"),
        ("map", "public", "map/"),
        ("dashboard", "public", "dashboard/"),
        ("open-data", "public", "open-data/"),
        ("embed", "public", "embed/"),
        ("accessibility", "public", "accessibility/"),
        ("login", "public", "accounts/login/"),
        ("signup", "public", "accounts/signup/"),
        ("password-reset", "public", "accounts/password/reset/"),
        ("profile", "official", "accounts/profile/"),
        ("memberships", "official", "accounts/memberships/"),
        ("membership-request", "official", "accounts/memberships/request/"),
        ("municipality-request", "official", "accounts/municipalities/request/"),
        ("my-pledges", "official", "pledges/"),
        ("pledge-form", "official", f"pledges/{draft.pk}/edit/"),
        ("report-form", "official", f"reports/{tunis_pledge.pk}/{current.pk}/"),
        ("staff-queue", "staff", "staff/"),
        ("staff-memberships", "staff", "staff/memberships/"),
        ("staff-municipality-requests", "staff", "staff/municipality-requests/"),
        ("staff-pledges", "staff", "staff/pledges/"),
        ("staff-pledge", "staff", f"staff/pledges/{submitted.pk}/"),
        ("staff-overdue", "staff", "staff/overdue/"),
    ]
    return World(pages=pages, official_email=official.email, staff_email=staff.email)


def signed_in_contexts(browser: Browser, base_url: str, world: World, **options) -> dict[str, BrowserContext]:
    """One browser context per role, the official and the admin signed in through the login form."""
    contexts = {}
    for role in ROLES:
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        if role != "public":
            page = context.new_page()
            page.goto("/en/accounts/login/")
            page.fill("#id_login", world.official_email if role == "official" else world.staff_email)
            page.fill("#id_password", PASSWORD)
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url("**/accounts/profile/")
            page.close()
        contexts[role] = context
    return contexts

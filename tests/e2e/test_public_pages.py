"""Every public page in English, French and Spanish, in Chromium: the page says its
language in <html lang>, shows a heading in that language, and is saved as a screenshot
in test-artifacts/ for a person to look at."""

import contextlib
from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.builders import pledge_for_city, report_content, report_with_versions
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory, ReportingPeriodFactory

pytestmark = pytest.mark.e2e

LANGUAGES = ("en", "fr", "es")


def build_world():
    """An open campaign with commitments in three languages, five signatories on three
    continents, two past periods and reports on time, late and missing."""
    today = date.today()
    campaign = CampaignFactory(
        slug="cities-pledge",
        title_en="Cities for the rights of migrants",
        title_fr="Villes pour les droits des migrants",
        title_es="Ciudades por los derechos de los migrantes",
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
        ),
        CommitmentFactory(
            campaign=campaign,
            code="SERVICES-1",
            title_en="Health care for everyone",
            title_fr="Des soins de santé pour tous",
            title_es="Atención sanitaria para todos",
        ),
        CommitmentFactory(
            campaign=campaign,
            code="DATA-1",
            title_en="Count who lives here",
            title_fr="Compter qui vit ici",
            title_es="Contar quién vive aquí",
        ),
    ]
    periods = [
        ReportingPeriodFactory(
            campaign=campaign, label_en="2024", opens=today - timedelta(days=500), due=today - timedelta(days=400)
        ),
        ReportingPeriodFactory(
            campaign=campaign, label_en="2025", opens=today - timedelta(days=150), due=today - timedelta(days=30)
        ),
        ReportingPeriodFactory(
            campaign=campaign, label_en="2026", opens=today - timedelta(days=20), due=today + timedelta(days=100)
        ),
    ]
    places = [
        ("Mechelen", "BE", 86_000, 51.03, 4.48),
        ("Lyon", "FR", 520_000, 45.75, 4.85),
        ("Nador", "MA", 180_000, 35.17, -2.93),
        ("Amman", "JO", 1_275_000, 31.95, 35.93),
        ("São Paulo", "BR", 12_400_000, -23.55, -46.63),
    ]
    statuses = ["achieved", "in_progress", "planned", "not_started"]
    cities = []
    for i, (name, country, population, lat, lon) in enumerate(places):
        city = MunicipalityFactory(
            name=name, country=country, population=population, latitude=lat, longitude=lon, admin_region="01"
        )
        pledge = pledge_for_city(
            campaign, city, signed_on=today - timedelta(days=800 - 120 * i), commitments=commitments
        )
        pledge.statement = f"{name} stands for the rights of every newcomer."
        pledge.signatory_name, pledge.signatory_title = "A. Mayor", "Mayor"
        pledge.save()
        body = report_content(*[(c, statuses[(i + j) % 4]) for j, c in enumerate(commitments)])
        report_with_versions(pledge, periods[0], late=i == 1, versions=[body])
        if i != 2:
            report_with_versions(pledge, periods[1], late=i == 3, versions=[body])
        cities.append(city)
    return campaign, cities


def public_pages(campaign, city):
    """(name, path, heading to find) for each public page, in the active language."""
    pages = [
        ("home", reverse("home"), gettext("Cities that pledge to uphold the rights of every migrant")),
        ("campaigns", reverse("campaign_list"), gettext("Campaigns")),
        ("campaign", reverse("campaign_detail", args=[campaign.slug]), str(campaign.title)),
        ("dashboard", reverse("dashboard:index"), gettext("Dashboard")),
        ("signatories", reverse("cities:list"), gettext("Signatories")),
        ("city", reverse("cities:detail", args=[city.slug]), gettext("Commitments")),
    ]
    with contextlib.suppress(NoReverseMatch):  # the map, once it is mounted
        pages.append(("map", reverse("map"), gettext("Map of signatories")))
    return pages


def test_public_pages_in_three_languages(page, live_server, artifacts_dir):
    campaign, cities = build_world()
    for language in LANGUAGES:
        with translation.override(language):
            pages = public_pages(campaign, cities[0])
        for name, path, heading in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: {response.status}"
            assert page.locator("html").get_attribute("lang") == language
            assert page.get_by_role("heading", name=heading).first.is_visible(), f"{path}: no heading {heading!r}"
            if name == "dashboard":
                for chart in page.locator("details.chart-data").all():
                    assert chart.locator("table").count() == 1
                assert page.locator("svg[role=img]").count() == 6
            page.screenshot(path=str(artifacts_dir / f"public-{name}-{language}.png"), full_page=True)


def test_dashboard_tables_open_and_csv_downloads(page, live_server):
    campaign, _cities = build_world()
    page.goto(f"{live_server.url}/en/dashboard/")
    assert page.locator("#figure-signatories data").inner_text() == "5"
    page.get_by_text("Data table: Signatories by continent").click()
    table = page.locator("#chart-continents-table")
    assert table.is_visible()
    assert "Europe" in table.inner_text() and "Africa" in table.inner_text()
    with page.expect_download() as download:
        page.locator("#chart-continents-figure").get_by_role("link", name="Download the data as CSV").click()
    assert download.value.suggested_filename == "cities-pledge-continents.csv"


def test_signatories_list_search_and_sort_in_the_browser(page, live_server):
    build_world()
    page.goto(f"{live_server.url}/en/cities/")
    page.get_by_label("City or country").fill("Morocco")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody th[scope=row]")
    assert rows.all_inner_texts() == ["Nador"]
    page.goto(f"{live_server.url}/en/cities/")
    page.get_by_role("link", name="Population").click()
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Population")
    assert page.locator("tbody th[scope=row]").first.inner_text() == "Mechelen"

"""An official's indicator in a real browser: set a baseline and a target on the officials'
page "Means and indicators", report a value in two periods (submitting each report), and
see the public profile draw the chart with both values, the baseline and the target, with
the table beside it.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pledges.models import ProgressReport
from pledges.monitoring.models import Indicator, IndicatorTarget
from tests.builders import make_pledge
from tests.e2e.helpers import Shooter, log_in, new_tab
from tests.e2e.test_axe import LANGUAGES, axe_violations, describe
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    UserFactory,
    approve_official,
)
from tests.public.test_dashboard_monitoring import world  # noqa: F401 - a fixture: the dashboard's data
from tests.public.test_indicator_charts import monitored  # noqa: F401 - a fixture: a profile with indicators
from tests.readers import table_rows

pytestmark = pytest.mark.e2e

PASSWORD = "a-Long-and-unusual-passphrase-42"


@pytest.fixture
def indicator_world():
    """An open campaign with one commitment and its indicator "people holding the card"; Lyon
    signed long ago and has an approved official; two periods it owes: one past, one open."""
    today = date.today()
    campaign = CampaignFactory(slug="id-cards", title_en="Cities for the rights of migrants", status="open")
    commitment = CommitmentFactory(
        campaign=campaign, code="ID-1", title_en="A municipal ID card", is_required=True, order=1
    )
    indicator = Indicator.objects.create(
        commitment=commitment, code="ID-1a", name_en="People holding the card", unit_en="people", kind="count"
    )
    lyon = MunicipalityFactory(name="Lyon", country="FR", time_zone="Europe/Paris", latitude=45.76, longitude=4.84)
    official = UserFactory(email="focal@lyon.example.org", preferred_language="en")
    approve_official(official, lyon)
    pledge = make_pledge(
        campaign, lyon, "verified", [commitment], official=official, verified_at=timezone.now() - timedelta(days=400)
    )
    first = ReportingPeriodFactory(
        campaign=campaign, label_en="Last year", opens=today - timedelta(days=300), due=today - timedelta(days=200)
    )
    second = ReportingPeriodFactory(
        campaign=campaign, label_en="This year", opens=today - timedelta(days=30), due=today + timedelta(days=60)
    )
    return {
        "pledge": pledge,
        "indicator": indicator,
        "city": lyon,
        "official": official,
        "periods": (first, second),
        "chosen": pledge.chosen.get(),
    }


def test_baseline_target_two_periods_and_the_chart_on_the_profile(
    page, browser, live_server, indicator_world, artifacts_dir
):
    w = indicator_world
    pledge, indicator, chosen = w["pledge"], w["indicator"], w["chosen"]
    shoot = Shooter(artifacts_dir, "indicator-journey")
    baseline_year = date.today().year - 1  # the line to the target is at most a third of the way today
    target_date = date.today() + timedelta(days=730)

    log_in(page, w["official"].email, PASSWORD)

    # --- 1. the baseline and the target -----------------------------------------------------
    page.goto(f"/en/monitoring/{pledge.pk}/")
    prefix = f"t{chosen.pk}-"
    page.fill(f"[name='{prefix}baseline_value_{indicator.pk}']", "1,000")
    page.fill(f"[name='{prefix}baseline_year_{indicator.pk}']", str(baseline_year))
    page.fill(f"[name='{prefix}target_value_{indicator.pk}']", "5000")
    page.fill(f"[name='{prefix}target_date_{indicator.pk}']", target_date.isoformat())
    shoot(page, "targets-filled")
    page.get_by_role("button", name="Save baselines and targets").click()
    expect(page.locator("body")).to_contain_text("The baselines and targets are saved.")
    target = IndicatorTarget.objects.get(chosen=chosen, indicator=indicator)
    assert (target.baseline_value, target.baseline_year, target.target_value, target.target_date) == (
        1000,
        baseline_year,
        5000,
        target_date,
    )

    # --- 2. a value in each of two periods, each report submitted --------------------------
    for period, value in zip(w["periods"], ("1,500", "2,600"), strict=True):
        page.goto(f"/en/reports/{pledge.pk}/{period.pk}/")
        page.select_option("#id_form-0-status", "in_progress")
        page.fill("#id_form-0-narrative", f"Cards handed out in {period.label}.")
        page.fill(f"#id_form-0-value_{indicator.pk}", value)
        shoot(page, f"report-{period.pk}-filled")
        page.get_by_role("button", name="Submit report").click()
        page.wait_for_url(f"**/en/reports/{pledge.pk}/{period.pk}/")
        expect(page.locator("body")).to_contain_text("your report is submitted")
        report = ProgressReport.objects.get(pledge=pledge, period=period)
        assert report.status == ProgressReport.Status.SUBMITTED

    # --- 3. the public profile draws them ---------------------------------------------------
    context, public = new_tab(browser, live_server.url)
    try:
        public.goto(f"/en/cities/{w['city'].slug}/")
        dom_id = f"chart-indicator-{pledge.pk}-{indicator.pk}"
        figure = public.locator(f"#{dom_id}-figure")
        expect(figure).to_be_visible()
        svg = figure.locator("svg[role='img']")
        expect(svg).to_be_visible()
        expect(svg.locator("g.value")).to_have_count(2)
        expect(svg.locator("g.baseline")).to_have_count(1)
        expect(svg.locator("g.target")).to_have_count(1)
        expect(svg).to_contain_text("1,500")
        expect(svg).to_contain_text("2,600")
        expect(svg).to_contain_text("Baseline: 1,000")
        expect(svg).to_contain_text("Target: 5,000")
        figure.scroll_into_view_if_needed()
        shoot(public, "profile-chart")
        rows = table_rows(public.content(), f"{dom_id}-table")
        assert [row[0] for row in rows[1:]] == ["Baseline", "Last year", "This year", "Target"]
        assert [row[2] for row in rows[1:]] == ["1,000", "1,500", "2,600", "5,000"]
        # the line from 1,000 (end of last year) to 5,000 (in two years) is below 2,334 today
        expect(figure.locator("[data-on-track]")).to_have_attribute("data-on-track", "yes")
    finally:
        context.close()


def test_the_charts_pass_axe_in_every_language_and_fit_320_px(browser, live_server, request):
    """The profile's indicator charts and means, and the dashboard's monitoring, pass axe's
    WCAG A and AA rules in every site language (tests/e2e/test_axe.py's rules and file)."""
    profile_world = request.getfixturevalue("monitored")
    request.getfixturevalue("world")  # the dashboard's campaign "watch"
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures = []
    try:
        for language in LANGUAGES:
            for path in (f"cities/{profile_world['city'].slug}/", "dashboard/?campaign=watch"):
                url = f"/{language}/{path}"
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                assert page.locator("svg.chart-svg").count() >= 2, url
                violations = axe_violations(page)
                if violations:
                    failures.append(describe(url, violations))
    finally:
        context.close()
    assert not failures, "axe-core found violations:\n" + "\n".join(failures)

    # and at 320 px wide nothing scrolls sideways (WCAG 1.4.10): the charts shrink, the tables wrap
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for language in ("en", "ar"):
            for path in (f"cities/{profile_world['city'].slug}/", "dashboard/?campaign=watch"):
                page.goto(f"/{language}/{path}")
                assert page.evaluate("document.documentElement.scrollWidth") <= 320, f"/{language}/{path}"
    finally:
        context.close()

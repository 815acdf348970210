"""The public dashboard shows the right numbers, from a small dataset whose figures are
worked out by hand here, read back from the page's tables as a visitor would."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaign.models import ReportingPeriod
from campaign.public import dashboard
from pledges.models import DelayRequest
from tests.builders import bulk_world
from tests.builders import pledge_for_city as pledge
from tests.builders import report_content as content
from tests.builders import report_with_versions as report
from tests.factories import CampaignFactory, CommitmentFactory, MunicipalityFactory, ReportingPeriodFactory
from tests.readers import chart_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world(db):
    """Three verified signatories in two continents, a draft and a withdrawn pledge that
    must not count; three periods (two past, one open); reports on time, late and missing."""
    campaign = CampaignFactory(slug="dash", title_en="Dashboard campaign", status="open")
    c1 = CommitmentFactory(campaign=campaign, code="C-1", title_en="Open services", is_required=True, order=1)
    c2 = CommitmentFactory(campaign=campaign, code="C-2", title_en="Schools for all", order=2)
    c3 = CommitmentFactory(campaign=campaign, code="C-3", title_en="Count who lives here", order=3)
    p1 = ReportingPeriodFactory(
        campaign=campaign, label_en="First", opens=TODAY - timedelta(days=200), due=TODAY - timedelta(days=100)
    )
    p2 = ReportingPeriodFactory(
        campaign=campaign, label_en="Second", opens=TODAY - timedelta(days=99), due=TODAY - timedelta(days=10)
    )
    p3 = ReportingPeriodFactory(
        campaign=campaign, label_en="Third", opens=TODAY - timedelta(days=9), due=TODAY + timedelta(days=50)
    )
    ReportingPeriodFactory(
        campaign=campaign, label_en="Future", opens=TODAY + timedelta(days=51), due=TODAY + timedelta(days=300)
    )
    a = MunicipalityFactory(name="Alphaville", country="BE", population=100_000)
    b = MunicipalityFactory(name="Betatown", country="FR", population=250_000)
    c = MunicipalityFactory(name="Gammacity", country="MA", population=1_000_000)
    d = MunicipalityFactory(name="Draftburg", country="KE", population=5_000_000)
    e = MunicipalityFactory(name="Leftham", country="BR", population=7_000_000)

    pa = pledge(campaign, a, signed_on=date(2024, 1, 10), commitments=[c1, c2])
    pb = pledge(campaign, b, signed_on=date(2024, 1, 20), commitments=[c1, c3])
    pc = pledge(campaign, c, signed_on=date(2024, 3, 5), commitments=[c1])
    pd = pledge(campaign, d, status="submitted", commitments=[c1, c2, c3])
    pe = pledge(campaign, e, status="withdrawn", signed_on=date(2024, 2, 1), commitments=[c1, c2])

    # First period: A on time, B late, C missing.
    report(pa, p1, versions=[content((c1, "planned"), (c2, "planned"))])
    report(pb, p1, late=True, versions=[content((c1, "not_started"), (c3, "planned"))])
    # Second: A and B on time (B corrected once), C only a draft: missing.
    report(pa, p2, versions=[content((c1, "in_progress"), (c2, "planned"))])
    report(
        pb,
        p2,
        versions=[content((c1, "not_started"), (c3, "planned")), content((c1, "planned"), (c3, "achieved"))],
    )
    report(pc, p2, status="draft")
    # Third, still open: A on time; B and C awaited.
    report(pa, p3, versions=[content((c1, "achieved"), (c2, "in_progress"))])
    # Not a signatory: the withdrawn pledge's report does not count.
    report(pe, p1, versions=[content((c1, "achieved"), (c2, "achieved"))])
    return {"campaign": campaign, "commitments": (c1, c2, c3), "pledges": (pa, pb, pc, pd, pe)}


def get(client, language="en", **params):
    response = client.get(f"/{language}/dashboard/", params)
    assert response.status_code == 200
    return response.content.decode()


def figure(html, name):
    start = html.index(f'id="figure-{name}"')
    value_at = html.index('<data value="', start) + len('<data value="')
    return int(html[value_at : html.index('"', value_at)])


def test_headline_figures(client, world):
    html = get(client)
    assert figure(html, "signatories") == 3
    assert figure(html, "countries") == 3
    assert figure(html, "continents") == 2  # Europe (BE, FR) and Africa (MA)
    assert figure(html, "population") == 100_000 + 250_000 + 1_000_000
    assert "about 1,350,000" in html  # the locale's separators


def test_population_in_french_uses_french_separators(client, world):
    html = get(client, "fr")
    assert figure(html, "population") == 1_350_000
    assert "1,350,000" not in html
    assert "1\xa0350\xa0000" in html  # French groups digits with a no-break space


def test_signatories_by_continent_and_country(client, world):
    html = get(client)
    assert chart_rows(html, "continents") == {"Europe": ["2", "67%"], "Africa": ["1", "33%"]}
    assert chart_rows(html, "countries") == {
        "Belgium": ["1", "33%"],
        "France": ["1", "33%"],
        "Morocco": ["1", "33%"],
    }


def test_commitments_taken(client, world):
    rows = chart_rows(get(client), "commitments")
    assert rows == {
        "C-1 · Open services": ["yes", "3", "100%"],
        "C-2 · Schools for all": ["no", "1", "33%"],  # the draft and the withdrawn pledge do not count
        "C-3 · Count who lives here": ["no", "1", "33%"],
    }


def test_reporting_per_period(client, world):
    rows = chart_rows(get(client), "reporting")
    # columns: due, on time (n, %), late (n, %), missing (n, %), awaited (n, %)
    assert set(rows) == {"First", "Second", "Third"}  # not the future period
    assert rows["First"][1:] == ["1", "33%", "1", "33%", "1", "33%", "0", "0%"]
    assert rows["Second"][1:] == ["2", "67%", "0", "0%", "1", "33%", "0", "0%"]
    assert rows["Third"][1:] == ["1", "33%", "0", "0%", "0", "0%", "2", "67%"]


def test_progress_from_the_latest_version_of_each_signatorys_latest_report(client, world):
    rows = chart_rows(get(client), "progress")
    # columns: not started, planned, in progress, achieved (each count and share)
    # A: third period (achieved, in progress); B: second period, version 2 (planned, achieved); C: none.
    assert rows["C-1 · Open services"] == ["0", "0%", "1", "50%", "0", "0%", "1", "50%"]
    assert rows["C-2 · Schools for all"] == ["0", "0%", "0", "0%", "1", "100%", "0", "0%"]
    assert rows["C-3 · Count who lives here"] == ["0", "0%", "0", "0%", "0", "0%", "1", "100%"]


def test_signatures_over_time_cumulative_by_month(client, world):
    rows = chart_rows(get(client), "signatures")
    assert rows["January 2024"] == ["2", "2"]
    assert rows["February 2024"] == ["0", "2"]  # the withdrawn pledge left
    assert rows["March 2024"] == ["1", "3"]
    assert list(rows.values())[-1] == ["0", "3"]


def test_a_city_granted_more_time_is_awaited_not_missing_until_its_new_date(client, world):
    gamma = world["pledges"][2]
    second = ReportingPeriod.objects.get(campaign=world["campaign"], label_en="Second")
    DelayRequest.objects.create(
        pledge=gamma,
        period=second,
        requested_due=TODAY + timedelta(days=20),
        reason="The council meets later.",
        status=DelayRequest.Status.GRANTED,
        decided_at=timezone.now(),
    )
    rows = chart_rows(get(client), "reporting")
    assert rows["Second"][1:] == ["2", "67%", "0", "0%", "0", "0%", "1", "33%"]  # awaited, no longer missing
    assert rows["First"][5] == "1"  # the grant was for the second period only


def test_a_city_that_joined_after_a_due_date_does_not_owe_that_report(client, world):
    campaign = world["campaign"]
    late_joiner = pledge(campaign, MunicipalityFactory(name="Newtown", country="BE", population=None))
    late_joiner.verified_at = timezone.now() - timedelta(days=5)  # after the second period was due
    late_joiner.save()
    html = get(client)
    rows = chart_rows(html, "reporting")
    assert rows["Second"][5] == "1"  # still only Gammacity is missing
    assert rows["Third"][7] == "3"  # the newcomer owes the open period's report
    assert "Population unknown for 1 signatory" in html


def test_each_chart_is_an_accessible_svg_with_a_table_and_a_csv_link(client, world):
    html = get(client)
    for slug in ("signatures", "continents", "countries", "commitments", "reporting", "progress"):
        assert f'role="img" aria-labelledby="chart-{slug}-title chart-{slug}-desc"' in html
        assert f'<title id="chart-{slug}-title">' in html
        assert f'id="chart-{slug}-table"' in html
        assert f'href="/en/dashboard/{slug}.csv"' in html
    assert "<details" in html and "<caption>" in html


def test_csv_of_a_chart(client, world):
    response = client.get("/en/dashboard/reporting.csv", {"campaign": "dash"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Period", "Due", "On time", "On time (share)"]
    first = next(r for r in rows if r[0] == "First")
    assert first[2:8] == ["1", "33.3", "1", "33.3", "1", "33.3"]
    assert first[1] == (TODAY - timedelta(days=100)).isoformat()


def test_unknown_chart_or_campaign_is_404(client, world):
    assert client.get("/en/dashboard/nothing.csv").status_code == 404
    assert client.get("/en/dashboard/", {"campaign": "nope"}).status_code == 404


def test_draft_campaigns_are_not_shown(client, world):
    CampaignFactory(slug="secret", title_en="Secret draft", status="draft")
    assert client.get("/en/dashboard/", {"campaign": "secret"}).status_code == 404


def test_choose_a_campaign(client, world):
    other = CampaignFactory(slug="other", title_en="Other campaign", status="closed")
    pledge(other, MunicipalityFactory(country="JP"), commitments=[])
    html = get(client, campaign="other")
    assert figure(html, "signatories") == 1
    assert chart_rows(html, "continents") == {"Asia": ["1", "100%"]}
    assert 'href="/en/dashboard/continents.csv?campaign=other"' in html
    assert figure(get(client), "signatories") == 3  # the open campaign by default


def test_commitment_titles_in_the_visitors_language(client, world):
    c1 = world["commitments"][0]
    c1.title_fr = "Des services ouverts"
    c1.save()
    assert "C-1 · Open services" in chart_rows(get(client, "en"), "commitments")
    assert "C-1 · Des services ouverts" in chart_rows(get(client, "fr"), "commitments")


# --- the cache ------------------------------------------------------------------------


def test_served_from_the_cache_in_at_most_two_queries(client, world, django_assert_max_num_queries):
    get(client)
    with django_assert_max_num_queries(2):
        get(client)


def test_cache_is_refreshed_when_a_pledge_changes(client, world, django_capture_on_commit_callbacks):
    assert figure(get(client), "signatories") == 3
    newcomer = pledge(world["campaign"], MunicipalityFactory(country="JP", population=10), status="submitted")
    assert figure(get(client), "signatories") == 3  # cached
    newcomer.status = "verified"
    newcomer.verified_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):  # the version is bumped on commit
        newcomer.save()
    html = get(client)
    assert figure(html, "signatories") == 4
    assert figure(html, "continents") == 3
    html_fr = get(client, "fr")  # every language is refreshed
    assert figure(html_fr, "signatories") == 4


def test_verifying_through_the_service_refreshes_the_dashboard(client, world, django_capture_on_commit_callbacks):
    from pledges import services
    from tests.factories import StaffFactory

    pd = world["pledges"][3]  # the submitted pledge of Draftburg (Kenya)
    assert figure(get(client), "signatories") == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_verify(actor=StaffFactory(), pledge=pd)
    html = get(client)
    assert figure(html, "signatories") == 4
    assert figure(html, "population") == 6_350_000


# --- a fixed number of queries --------------------------------------------------------


@pytest.mark.parametrize("n", [10, 1000])
def test_fixed_number_of_queries(client, db, n, django_assert_max_num_queries):
    campaign = bulk_world(n)
    # the campaigns, the seven of the figures, the four of the monitoring (campaign/public/monitoring.py)
    with django_assert_max_num_queries(12):
        html = get(client, campaign=campaign.slug)
    assert figure(html, "signatories") == n


@pytest.mark.parametrize("n", [10, 1000])
def test_dashboard_data_runs_eight_queries(db, n):
    campaign = bulk_world(n)
    with CaptureQueriesContext(connection) as queries:
        data = dashboard.dashboard_data(campaign)
    assert len(queries) == 8  # the database adds up; Python walks groups, not signatories
    assert data["signatories"] == n
    assert sum(data["reporting"][0]["counts"].values()) == n


def test_continent_helper():
    assert dashboard.continent_of("be") == "EU"
    assert dashboard.continent_of("MA") == "AF"
    assert dashboard.continent_of("BR") == "SA"
    assert dashboard.continent_of("XX") == ""

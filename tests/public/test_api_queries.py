"""A page of the API costs the same number of queries with 10 signatories as with 1,000."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledges.models import Pledge
from tests.builders import add_signatories
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/signatories/",
    "/api/v1/signatories/?country=BE&continent=EU&ordering=-verified_at",
    "/api/v1/reports/",
    "/api/v1/reports/?campaign=bulk&since=2020-01-01",
    "/api/v1/commitments/",
    "/api/v1/campaigns/",
    "/api/v1/municipalities/directory/?has_signed=true",
]
# count + page + prefetches (chosen commitments, submitted reports, periods)
BOUND = 6


def queries_per_url(client) -> dict[str, int]:
    counts = {}
    for url in URLS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, headers={"accept": "application/json"})
        assert response.status_code == 200, url
        assert response.json()["results"], url
        counts[url] = len(ctx.captured_queries)
    return counts


def test_same_number_of_queries_with_10_and_1000_signatories(client):
    campaign = CampaignFactory(slug="bulk")
    commitments = [CommitmentFactory(campaign=campaign) for _ in range(3)]
    today = date.today()
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    ReportingPeriodFactory(campaign=campaign, opens=today - timedelta(days=30), due=today + timedelta(days=300))

    add_signatories(campaign, commitments, period, 0, 10)
    small = queries_per_url(client)
    add_signatories(campaign, commitments, period, 10, 990)
    assert Pledge.objects.count() == 1000
    large = queries_per_url(client)

    print(large)
    assert large == small
    assert max(large.values()) <= BOUND, large


def test_a_full_page_of_1000_has_50_records(client):
    campaign = CampaignFactory(slug="bulk")
    commitments = [CommitmentFactory(campaign=campaign)]
    today = date.today()
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    add_signatories(campaign, commitments, period, 0, 1000)
    data = client.get("/api/v1/signatories/", {"page": 20}).json()
    assert data["count"] == 1000 and len(data["results"]) == 50 and data["next"] is None
    assert data["results"][-1]["municipality"]["name"] == "Bulkville 00999"


DOWNLOADS = [
    "/data/signatories.csv",
    "/data/signatories.json",
    "/data/signatories.csv?campaign=bulk",
    "/data/reports.csv",
    "/data/reports.json",
    "/data/reports.json?campaign=bulk",
]


def download_queries(client) -> dict[str, int]:
    counts = {}
    for url in DOWNLOADS:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            body = b"".join(response.streaming_content)
        assert response.status_code == 200, url
        assert b"Bulkville" in body, url
        counts[url] = len(ctx.captured_queries)
    return counts


def test_signatory_and_report_downloads_cost_the_same_queries_with_10_and_1000_signatories(client):
    campaign = CampaignFactory(slug="bulk")
    commitments = [CommitmentFactory(campaign=campaign) for _ in range(3)]
    today = date.today()
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    add_signatories(campaign, commitments, period, 0, 10)
    small = download_queries(client)
    add_signatories(campaign, commitments, period, 10, 990)
    large = download_queries(client)
    assert large == small
    assert max(large.values()) <= 4, large  # the campaign, the commitments, the rows (and the JSON's count)
    body = b"".join(client.get("/data/reports.csv").streaming_content).decode("utf-8-sig")
    assert body.count("Bulkville") == 1000 * len(commitments)  # one row per report and commitment


@pytest.mark.django_db(transaction=True)  # committed, as a visitor would see it
def test_the_api_list_is_a_finished_page_once_warm_per_kind_asked_for(client, django_assert_num_queries):
    campaign = CampaignFactory(slug="bulk")
    commitments = [CommitmentFactory(campaign=campaign)]
    period = ReportingPeriodFactory(
        campaign=campaign, opens=date.today() - timedelta(days=400), due=date.today() - timedelta(days=40)
    )
    add_signatories(campaign, commitments, period, 0, 30)
    json_first = client.get("/api/v1/signatories/", headers={"accept": "application/json"})
    html_first = client.get("/api/v1/signatories/", headers={"accept": "text/html"})
    with django_assert_num_queries(0):
        json_again = client.get("/api/v1/signatories/", headers={"accept": "application/json"})
    assert json_again.content == json_first.content and json_again["Content-Type"] == "application/json"
    assert json_again["Cache-Control"].startswith("public")
    # The browsable API (a browser's Accept) is its own page, never served as JSON; it carries
    # a CSRF token, so it is not stored.
    html_again = client.get("/api/v1/signatories/", headers={"accept": "text/html"})
    assert html_first["Content-Type"].startswith("text/html") and html_again["Content-Type"].startswith("text/html")

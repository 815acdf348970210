"""A page of the API costs the same number of queries with 10 signatories as with 1,000."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Municipality
from pledges.models import Pledge, PledgeCommitment, ProgressReport, ReportVersion
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


def add_signatories(campaign, commitments, period, start: int, n: int):
    now = timezone.now()
    cities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Bulkville {i:05d}",
            ascii_name=f"Bulkville {i:05d}",
            slug=f"bulkville-{i:05d}-be",
            country="BE",
            latitude=50 + i / 10_000,
            longitude=4,
            population=1000 + i,
            time_zone="Europe/Brussels",
            geonames_id=9_000_000 + i,
        )
        for i in range(start, start + n)
    )
    pledges = Pledge.objects.bulk_create(
        Pledge(
            campaign=campaign,
            municipality=city,
            status=Pledge.Status.VERIFIED,
            signatory_name="Mayor",
            statement="We sign.",
            signed_on=date(2024, 1, 1),
            verified_at=now - timedelta(days=300),
        )
        for city in cities
    )
    PledgeCommitment.objects.bulk_create(
        PledgeCommitment(pledge=p, commitment=c, target="A target") for p in pledges for c in commitments
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            pledge=p,
            period=period,
            status=ProgressReport.Status.SUBMITTED,
            first_submitted_at=now - timedelta(days=5),
            submitted_at=now - timedelta(days=5),
            version=1,
        )
        for p in pledges
    )
    ReportVersion.objects.bulk_create(
        ReportVersion(
            report=r,
            number=1,
            submitted_at=now - timedelta(days=5),
            content={"period": "Bulk year", "updates": [{"code": c.code, "status": "planned"} for c in commitments]},
        )
        for r in reports
    )


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

"""/map/signatories.geojson: what it holds, its filters, its HTTP caching and its query count."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.public.map_views import GEOJSON_CACHE_CONTROL
from pledges.models import Pledge
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory
from tests.public.map_helpers import bulk_signatories, report, signatory

pytestmark = pytest.mark.django_db

URL = "/map/signatories.geojson"


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    """No quarter-hour boundary between two requests of a test: the version turns only with the data."""
    monkeypatch.setattr("campaign.public.map_data.VERSION_BUCKET_SECONDS", 10**10)


PROPERTIES = {
    "name",
    "slug",
    "country",
    "country_name",
    "continent",
    "campaign",
    "signed_on",
    "commitments",
    "commitment_codes",
    "reporting",
}


@pytest.fixture
def campaign():
    return CampaignFactory(slug="cities-pledge", title_en="Cities pledge")


@pytest.fixture
def other_campaign():
    return CampaignFactory(slug="regions-pledge", title_en="Regions pledge")


@pytest.fixture
def rights(campaign):
    return CommitmentFactory(campaign=campaign, code="RIGHTS-1", order=10)


@pytest.fixture
def data(campaign):
    return CommitmentFactory(campaign=campaign, code="DATA-1", order=20)


def features(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body["features"]


def names(client, query=""):
    return [f["properties"]["name"] for f in features(client, query)]


def test_only_verified_pledges_are_features(client, campaign, rights):
    signatory(campaign, name="Verifiedville", commitments=[rights])
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        signatory(campaign, name=f"{status.title()}ville", status=status)

    assert names(client) == ["Verifiedville"]


def test_feature_has_what_the_map_needs_and_nothing_else(client, campaign, rights, data):
    pledge = signatory(
        campaign,
        name="Mechelen",
        country="BE",
        lat=51.0259123456,
        lon=4.4776543219,
        commitments=[data, rights],
        signed_on=date(2024, 3, 9),
    )

    [feature] = features(client)

    assert feature["type"] == "Feature"
    assert feature["id"] == pledge.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.47765, 51.02591]}
    assert set(feature["properties"]) == PROPERTIES
    assert feature["properties"] == {
        "name": "Mechelen",
        "slug": pledge.municipality.slug,
        "country": "BE",
        "country_name": "Belgium",
        "continent": "EU",
        "campaign": "cities-pledge",
        "signed_on": "2024-03-09",
        "commitments": 2,
        "commitment_codes": ["RIGHTS-1", "DATA-1"],  # the campaign's order
        "reporting": "none",
    }


def test_one_feature_per_pledge_sorted_by_name(client, campaign, other_campaign):
    signatory(campaign, name="Zagreb", country="HR")
    pledge = signatory(campaign, name="amman", country="JO")
    Pledge.objects.create(
        campaign=other_campaign,
        municipality=pledge.municipality,
        status=Pledge.Status.VERIFIED,
        verified_at=pledge.verified_at,
    )

    found = [(f["properties"]["name"], f["properties"]["campaign"]) for f in features(client)]

    assert found == [("amman", "cities-pledge"), ("amman", "regions-pledge"), ("Zagreb", "cities-pledge")]


@pytest.fixture
def world(campaign, other_campaign, rights, data):
    past = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    mechelen = signatory(campaign, name="Mechelen", country="BE", commitments=[rights])
    report(mechelen, past)
    signatory(campaign, name="Beirut", country="LB", lat=33.9, lon=35.5, commitments=[rights, data])
    sao = signatory(campaign, name="São Paulo", country="BR", lat=-23.5, lon=-46.6, commitments=[data])
    report(sao, past, is_late=True)
    signatory(other_campaign, name="Quito", country="EC", lat=-0.2, lon=-78.5)
    return past


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Beirut", "Mechelen", "Quito", "São Paulo"]),
        ("?campaign=regions-pledge", ["Quito"]),
        ("?continent=SA", ["Quito", "São Paulo"]),
        ("?continent=eu", ["Mechelen"]),
        ("?country=lb", ["Beirut"]),
        ("?commitment=DATA-1", ["Beirut", "São Paulo"]),
        ("?commitment=rights-1", ["Beirut", "Mechelen"]),
        ("?reporting=on_time", ["Mechelen"]),
        ("?reporting=late", ["Beirut", "São Paulo"]),  # Beirut never filed the past report
        ("?reporting=none", ["Quito"]),
        ("?continent=SA&campaign=cities-pledge", ["São Paulo"]),
        ("?campaign=unknown", []),
        ("?campaign=", ["Beirut", "Mechelen", "Quito", "São Paulo"]),
    ],
)
def test_filters(client, world, query, expected):
    assert names(client, query) == expected


@pytest.mark.parametrize(
    "query", ["?continent=XX", "?country=BEL", "?reporting=early", "?commitment=no%20spaces", "?campaign=a/b"]
)
def test_invalid_filter_value_is_refused(client, world, query):
    response = client.get(URL + query)
    assert response.status_code == 400
    assert "error" in response.json()


def test_cache_headers_and_strong_etag(client, world):
    response = client.get(URL)
    assert response["Cache-Control"] == GEOJSON_CACHE_CONTROL
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response["Access-Control-Allow-Origin"] == "*"

    filtered = client.get(URL + "?continent=SA")
    assert filtered["ETag"] != etag
    assert client.get(URL + "?continent=sa")["ETag"] == filtered["ETag"]


@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_gives_304(client, world, header):
    etag = client.get(URL)["ETag"]

    response = client.get(URL, headers={"If-None-Match": header.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == GEOJSON_CACHE_CONTROL


def test_stale_etag_gets_the_body(client, world):
    response = client.get(URL, headers={"If-None-Match": '"not-the-current-version"'})
    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 4


def test_same_bytes_from_the_cache_between_changes(client, world, django_assert_num_queries):
    first = client.get(URL).content
    with django_assert_num_queries(2):  # the version only: the body comes from the cache
        second = client.get(URL).content
    assert second == first
    filtered = client.get(URL + "?continent=SA").content
    with django_assert_num_queries(2):
        assert client.get(URL + "?continent=SA").content == filtered


def test_head_is_allowed_and_post_is_not(client, world):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def count_queries(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + query)
    assert response.status_code == 200
    return len(queries), len(json.loads(response.content)["features"])


@pytest.mark.parametrize("n", [10, 1000])
def test_fixed_number_of_queries_whatever_the_number_of_signatories(
    client, campaign, rights, data, n, django_assert_num_queries
):
    period = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    bulk_signatories(n, campaign, [rights, data], period=period)

    # cold cache: 2 for the version, 4 to build the body
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert len(json.loads(response.content)["features"]) == n
    etag = response["ETag"]
    # a filtered view of the same version is cut from the cached body: the version only
    with django_assert_num_queries(2):
        response = client.get(URL + "?reporting=late")
    assert len(json.loads(response.content)["features"]) == n // 2
    # a conditional request costs the version only
    with django_assert_num_queries(2):
        assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304


def test_query_count_is_the_same_at_10_and_1000(client, campaign, rights):
    bulk_signatories(10, campaign, [rights])
    small, found = count_queries(client)
    assert found == 10
    bulk_signatories(990, campaign, [rights], offset=10)
    large, found = count_queries(client)
    assert found == 1000
    assert small == large == 6

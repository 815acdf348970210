"""/map/signatories.geojson: what it holds (compact, from the read model), its filters, its
HTTP caching, its size and its query count.

The builders of tests/builders.py keep the read model in step; data written here in bulk
is followed by ``projection.rebuild()``, as bulk writes move no read-model row. The tests of what
the cache serves are transactional (``served``): data made inside the test's own
transaction is not committed, so the view computes each answer while it is open
(campaign/public/cache.py, ``sees_uncommitted_changes``).
"""

import gzip
import json
import random
import re
from datetime import date

import brotli
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Municipality
from campaign.public import map_data, projection
from pledges.models import Pledge, PledgeCommitment
from tests.builders import LONG_AGO, bulk_signatories, report, signatory
from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory, UserFactory
from tests.readers import chosen_codes

pytestmark = pytest.mark.django_db

URL = "/map/signatories.geojson"
PROPERTIES = {"n", "s", "c", "k", "p", "d", "x", "r"}


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    """No quarter-hour boundary between two requests of a test: the cached pages turn only
    with the data."""
    monkeypatch.setattr("campaign.public.cache.TIME_BUCKET_SECONDS", 10**10)


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


def collection(client, query="", **headers):
    response = client.get(URL + query, headers=headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    return body


def features(client, query=""):
    return collection(client, query)["features"]


def names(client, query=""):
    return [f["properties"]["n"] for f in features(client, query)]


def test_only_signatories_are_features(client, campaign, rights):
    signatory(campaign, name="Verifiedville", commitments=[rights])
    for status in ("draft", "submitted", "rejected", "withdrawn"):
        signatory(campaign, name=f"{status.title()}ville", status=status)
    signatory(CampaignFactory(slug="secret-draft", status="draft"), name="Draftcampaignville")

    assert names(client) == ["Verifiedville"]


def test_a_feature_is_compact_and_has_what_the_map_needs(client, campaign, rights, data):
    pledge = signatory(
        campaign,
        name="Mechelen",
        country="BE",
        lat=51.0259123456,
        lon=4.4776543219,
        commitments=[data, rights],
        signed_on=date(2024, 3, 9),
        slug="mechelen-be",
    )

    body = collection(client)
    [feature] = body["features"]

    assert feature == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [4.478, 51.026]},  # 3 decimals: about 110 m
        "properties": {
            "n": "Mechelen",  # no "s": the map derives "mechelen-be" from the name and country
            "c": "BE",
            "k": "EU",
            "p": "cities-pledge",
            "d": "2024-03-09",
            "x": "3",  # the campaign's first two codes
            "r": "n",
        },
    }
    assert set(feature["properties"]) == PROPERTIES - {"s"}
    assert pledge.municipality.slug == map_data.derived_slug("Mechelen", "BE")
    assert chosen_codes(body, feature) == ["RIGHTS-1", "DATA-1"]  # the campaign's order


@pytest.mark.parametrize(
    ("name", "country", "slug"),
    [
        ("São Paulo", "BR", "sao-paulo-br"),  # not ASCII: the script does not guess
        ("Paris", "US", "paris-tx-us"),  # told apart from another Paris
        ("Saint-Josse-ten-Noode", "BE", "city-1"),  # a slug the campaign team chose
    ],
)
def test_a_slug_the_map_cannot_derive_is_sent(client, campaign, name, country, slug):
    signatory(campaign, name=name, country=country, slug=slug)
    [feature] = features(client)
    assert feature["properties"]["s"] == slug


def test_the_body_is_written_without_spaces(client, campaign, rights):
    signatory(campaign, name="Saint-Josse-ten-Noode", commitments=[rights])
    signatory(campaign, name="São Paulo", country="BR", lat=-23.55052, lon=-46.633309)

    body = client.get(URL).content

    assert body.startswith(b'{"type":"FeatureCollection","commitments":{"cities-pledge":[')
    assert b'"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[' in body
    assert b": " not in body and b", " not in body
    assert "São Paulo".encode() in body  # UTF-8, not \\u escapes
    assert b"[-46.633,-23.551]" in body


def test_one_feature_per_pledge_sorted_by_name(client, campaign, other_campaign):
    signatory(campaign, name="Zagreb", country="HR")
    pledge = signatory(campaign, name="amman", country="JO")
    Pledge.objects.create(
        campaign=other_campaign,
        municipality=pledge.municipality,
        status=Pledge.Status.VERIFIED,
        verified_at=pledge.verified_at,
    )

    found = [(f["properties"]["n"], f["properties"]["p"]) for f in features(client)]

    assert found == [("amman", "cities-pledge"), ("amman", "regions-pledge"), ("Zagreb", "cities-pledge")]


def build_world(campaign, other_campaign, rights, data):
    past = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    mechelen = signatory(campaign, name="Mechelen", country="BE", commitments=[rights])
    report(mechelen, past)
    signatory(campaign, name="Beirut", country="LB", lat=33.9, lon=35.5, commitments=[rights, data])
    sao = signatory(campaign, name="São Paulo", country="BR", lat=-23.5, lon=-46.6, commitments=[data])
    report(sao, past, is_late=True)
    signatory(other_campaign, name="Quito", country="EC", lat=-0.2, lon=-78.5)
    return past


@pytest.fixture
def world(campaign, other_campaign, rights, data):
    return build_world(campaign, other_campaign, rights, data)


@pytest.fixture
def served(transactional_db):
    """Committed data: what the cache serves (see the module's docstring)."""


@pytest.fixture
def served_world(served, campaign, other_campaign, rights, data):
    return build_world(campaign, other_campaign, rights, data)


def test_reporting_states_are_short_codes(client, world):
    states = {f["properties"]["n"]: f["properties"]["r"] for f in features(client)}
    # Beirut never filed the past report; São Paulo filed it late; Quito's campaign has no period.
    assert states == {"Beirut": "l", "Mechelen": "o", "Quito": "n", "São Paulo": "l"}
    assert map_data.REPORTING_CODES == {"on_time": "o", "late": "l", "none": "n"}


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
        ("?commitment=RIGHTS-10", []),  # a code, not a prefix
        ("?reporting=on_time", ["Mechelen"]),
        ("?reporting=late", ["Beirut", "São Paulo"]),  # Beirut never filed the past report
        ("?reporting=none", ["Quito"]),
        ("?continent=SA&campaign=cities-pledge", ["São Paulo"]),
        ("?commitment=DATA-1&country=BR&reporting=late", ["São Paulo"]),
        ("?campaign=unknown", []),
        ("?campaign=", ["Beirut", "Mechelen", "Quito", "São Paulo"]),
    ],
)
def test_filters(client, world, query, expected):
    assert names(client, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "?continent=XX",
        "?country=BEL",
        "?reporting=early",
        "?reporting=withdrawn",  # never on the map
        "?commitment=no%20spaces",
        "?campaign=a/b",
    ],
)
def test_invalid_filter_value_is_refused(client, world, query):
    response = client.get(URL + query)
    assert response.status_code == 400
    assert "error" in response.json()


def directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_public_cacheable_open_to_every_site(client, served_world):
    response = client.get(URL)

    assert directives(response) >= {
        "public",
        "max-age=60",
        "s-maxage=300",
        "stale-while-revalidate=300",
        "stale-if-error=86400",
    }
    assert not directives(response) & {"private", "no-cache", "no-store"}
    assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
    assert response["Access-Control-Allow-Origin"] == "*"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")

    filtered = client.get(URL + "?continent=SA")
    assert filtered["ETag"] != etag
    assert client.get(URL + "?continent=sa")["ETag"] == filtered["ETag"]


@pytest.mark.parametrize("encoding, decompress", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_compressed_bodies(client, served_world, encoding, decompress):
    plain = client.get(URL).content

    response = client.get(URL, headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})

    assert response["Content-Encoding"] == encoding
    assert decompress(response.content) == plain
    assert len(response.content) < len(plain)


@pytest.mark.parametrize("header", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_gives_304(client, served_world, header):
    etag = client.get(URL)["ETag"]

    response = client.get(URL, headers={"If-None-Match": header.format(etag=etag)})

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in directives(response)
    assert response["Access-Control-Allow-Origin"] == "*"


def test_stale_etag_gets_the_body(client, world):
    response = client.get(URL, headers={"If-None-Match": '"not-the-current-version"'})
    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 4


def test_a_signed_in_visitor_gets_the_same_data_privately(client, served_world):
    public = client.get(URL).content
    client.force_login(UserFactory())

    response = client.get(URL)

    assert response.status_code == 200
    assert response.content == public
    assert "private" in directives(response)
    assert response["Access-Control-Allow-Origin"] == "*"
    etag = response["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(URL + "?continent=SA", headers={"If-None-Match": etag}).status_code == 200


def test_head_is_allowed_and_post_is_not(client, world):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_features_come_from_the_read_model(client, campaign, rights):
    """What the map shows is the read model's rows: a bulk write the projection did not see
    (no signal) shows once the read model is rebuilt."""
    pledge = signatory(campaign, name="Mechelen", commitments=[rights])
    Municipality.objects.filter(pk=pledge.municipality_id).update(name="Malines")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)

    assert names(client) == ["Mechelen"]
    projection.rebuild()
    assert names(client) == []


def count_queries(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + query)
    assert response.status_code == 200
    return len(queries), len(json.loads(response.content)["features"])


@pytest.mark.parametrize("n", [10, 1000])
def test_one_query_cold_none_warm(client, served, campaign, rights, data, n, django_assert_num_queries):
    period = ReportingPeriodFactory(campaign=campaign, opens=date(2021, 1, 1), due=date(2021, 6, 30))
    bulk_signatories(n, campaign, [rights, data], period=period)

    with django_assert_num_queries(2):  # cold: the read model's rows and the campaign's codes, once
        response = client.get(URL)
    assert len(json.loads(response.content)["features"]) == n
    etag = response["ETag"]
    with django_assert_num_queries(0):  # warm: finished bytes from the cache
        assert client.get(URL).content == response.content
    with django_assert_num_queries(0):
        assert client.get(URL, headers={"Accept-Encoding": "br"})["Content-Encoding"] == "br"
    with django_assert_num_queries(0):
        assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    with django_assert_num_queries(2):  # a filter is its own page: two queries cold...
        response = client.get(URL + "?reporting=late")
    assert len(json.loads(response.content)["features"]) == n // 2
    with django_assert_num_queries(0):  # ...and none warm
        client.get(URL + "?reporting=late")


def test_query_count_is_the_same_at_10_and_1000(client, served, campaign, rights):
    bulk_signatories(10, campaign, [rights])
    small, found = count_queries(client, "?commitment=RIGHTS-1")
    assert found == 10
    bulk_signatories(990, campaign, [rights], offset=10)
    large, found = count_queries(client, "?commitment=RIGHTS-1&continent=EU")
    assert found == 1000 // 6 + 1  # one city in six is in Belgium
    assert small == large == 2  # the rows and the campaign's codes


SYLLABLES = ["ma", "ri", "lo", "ber", "gen", "ta", "vel", "do", "ra", "mon", "sel", "ka", "ne", "bru", "san", "tor"]
COUNTRIES = ["BE", "FR", "DE", "ES", "IT", "BR", "MX", "US", "KE", "NG", "IN", "JP", "AU", "CO", "MA", "TR"]


def varied_signatories(n, campaign, commitments, *, seed=11):
    """n signatories as varied as real ones: names, places, a handful of commitments each."""
    rng = random.Random(seed)
    cities = Municipality.objects.bulk_create(
        [
            Municipality(
                name=(name := "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()),
                ascii_name=name,
                slug=f"{name.lower()}-{i}",
                country=rng.choice(COUNTRIES),
                latitude=rng.uniform(-50, 65),
                longitude=rng.uniform(-160, 170),
                time_zone="UTC",
            )
            for i in range(n)
        ]
    )
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                campaign=campaign,
                municipality=city,
                status=Pledge.Status.VERIFIED,
                verified_at=LONG_AGO,
                signed_on=date(2020, 1, 1 + rng.randrange(28)),
            )
            for city in cities
        ]
    )
    PledgeCommitment.objects.bulk_create(
        [
            PledgeCommitment(pledge=pledge, commitment=commitment)
            for pledge in pledges
            for commitment in rng.sample(commitments, rng.randint(4, 10))
        ]
    )
    projection.rebuild()


def test_the_body_stays_small(client, served, campaign):
    """At most 1 MB compressed for 20,000 signatories: under 50 bytes a feature."""
    codes = [f"{theme}-{i}" for theme in ("RIGHTS", "SERVICES", "DATA", "MEANS", "VOICE") for i in (1, 2, 3)]
    commitments = [CommitmentFactory(campaign=campaign, code=code, order=n) for n, code in enumerate(codes)]
    n = 1500
    varied_signatories(n, campaign, commitments)

    plain = client.get(URL).content
    served = {
        encoding: len(client.get(URL, headers={"Accept-Encoding": encoding}).content) for encoding in ("gzip", "br")
    }

    assert len(json.loads(plain)["features"]) == n
    assert len(plain) / n < 350  # mostly the commitment codes, which compress well
    assert served["gzip"] / n < 50, served
    assert served["br"] / n < 50, served
    assert len(gzip.compress(plain, compresslevel=6)) / n < 50  # what a proxy's default would give
    # Never more than 4 decimals to a coordinate (nothing else in the body has decimals).
    assert not re.search(rb"\.\d{5,}", plain)
    assert all(
        len(str(abs(value)).partition(".")[2]) <= 4
        for feature in json.loads(plain)["features"]
        for value in feature["geometry"]["coordinates"]
    )

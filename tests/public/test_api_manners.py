"""The open API's manners (campaign/public/api_manners.py): CORS for the open data only, rate
limits that also count the answers served from the cache and let readers through when the
cache is down, and answers that match the schema (400 for what it refuses, JSON 404s).

Rate limits: each test sets tiny rates with the ``settings`` fixture (DRF reloads them) and
starts from an empty throttle cache (``rates`` below; tests/conftest.py empties the cache
around every test too).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from rest_framework.exceptions import Throttled

from campaign.public import cache as public_cache
from tests.factories import CampaignFactory

ROOT = Path(__file__).resolve().parents[2]
OTHER_SITE = "https://dashboard.example.net"


@pytest.fixture
def rates(settings):
    """Tiny rates: call with the anonymous and the signed-in rate."""

    def set_rates(anon, user="100/min"):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}
        cache.clear()

    return set_rates


def json_get(client, url, params=None, **headers):
    return client.get(url, params or {}, headers={"Accept": "application/json", **headers})


# --- CORS ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/signatories/", "/api/v1/municipalities/?search=Me", "/data/signatories.csv", "/api/v1/schema/"]
)
def test_other_sites_may_read_the_open_data(client, open_data_world, url):
    response = client.get(url, headers={"Origin": OTHER_SITE})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "origin" in response["Vary"].lower()


@pytest.mark.django_db
def test_the_map_geojson_is_open_to_other_sites(client, open_data_world):
    response = client.get("/map/signatories.geojson", headers={"Origin": OTHER_SITE})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_a_preflight_allows_reading_only(client):
    response = client.options(
        "/api/v1/signatories/",
        headers={
            "Origin": OTHER_SITE,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "if-none-match" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_that_change_state_answer_no_cors(client, open_data_world, method):
    city = open_data_world["cities"]["unsigned"]
    pages = ["/en/accounts/login/", "/en/accounts/signup/", f"/en/pledges/cities-pledge/{city.slug}/"]
    for url in pages:
        response = getattr(client, method)(url, headers={"Origin": OTHER_SITE})
        assert response.status_code < 500, url
        assert "Access-Control-Allow-Origin" not in response, url
        preflight = client.options(url, headers={"Origin": OTHER_SITE, "Access-Control-Request-Method": method.upper()})
        assert "Access-Control-Allow-Origin" not in preflight, url
        assert "Access-Control-Allow-Methods" not in preflight, url


# --- rate limits -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_too_many_requests_get_429_with_retry_after_and_json(client, open_data_world, rates):
    rates("3/min")
    for _ in range(3):
        assert json_get(client, "/api/v1/signatories/").status_code == 200
    refused = json_get(client, "/api/v1/signatories/", Origin=OTHER_SITE)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/json"
    assert "throttled" in refused.json()["detail"].lower()
    assert refused["Cache-Control"] == "no-store"
    # Another site's script can read the refusal and when to come back.
    assert refused["Access-Control-Allow-Origin"] == "*"
    # The limit is the client's: every API address counts, another address is not limited.
    assert json_get(client, "/api/v1/municipalities/", {"search": "Me"}).status_code == 429
    assert client.get("/data/signatories.json").status_code == 429
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert json_get(other, "/api/v1/signatories/").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_reset_the_count(client, open_data_world, rates):
    rates("2/min")
    for n in range(2):
        assert json_get(client, "/api/v1/campaigns/", **{"X-Forwarded-For": f"198.51.100.{n}"}).status_code == 200
    assert json_get(client, "/api/v1/campaigns/", **{"X-Forwarded-For": "198.51.100.99"}).status_code == 429


@pytest.mark.django_db
def test_the_refusal_speaks_the_language_asked_for(client, open_data_world, rates):
    rates("1/min")
    json_get(client, "/api/v1/commitments/")
    refused = json_get(client, "/api/v1/commitments/", {"lang": "fr"})
    assert refused.status_code == 429
    with translation.override("fr"):
        expected = str(Throttled(wait=int(refused["Retry-After"])).detail)
    assert refused.json()["detail"] == expected


@pytest.mark.django_db(transaction=True)
def test_answers_served_from_the_cache_count_too(client, rates, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(public_cache, "TIME_BUCKET_SECONDS", 10**10)  # no quarter-hour turns mid-test
    CampaignFactory(slug="cities-pledge", status="open")  # committed: the cache stores the page
    rates("3/min")
    assert json_get(client, "/api/v1/campaigns/").status_code == 200
    with django_assert_num_queries(0):  # answered from the cache, the view never ran
        assert json_get(client, "/api/v1/campaigns/").status_code == 200
        assert json_get(client, "/api/v1/campaigns/").status_code == 200
        refused = json_get(client, "/api/v1/campaigns/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_signed_in_clients_have_their_own_rate(client, open_data_world, rates):
    rates("1/min", user="3/min")
    client.force_login(open_data_world["officials"]["verified"])
    for _ in range(3):
        assert json_get(client, "/api/v1/commitments/").status_code == 200
    assert json_get(client, "/api/v1/commitments/").status_code == 429
    # An anonymous client from the same address counts apart, at the anonymous rate.
    anonymous = Client()
    assert json_get(anonymous, "/api/v1/commitments/").status_code == 200
    assert json_get(anonymous, "/api/v1/commitments/").status_code == 429


def _cache_is_down(*args, **kwargs):
    raise ConnectionError("the cache is down")


@pytest.mark.django_db
def test_a_cache_that_fails_lets_readers_through(client, open_data_world, rates, monkeypatch, caplog):
    rates("1/min")
    backend = caches["default"]
    for name in ("get", "add", "set", "set_many", "get_many"):
        monkeypatch.setattr(backend, name, _cache_is_down)
    for _ in range(3):
        response = json_get(client, "/api/v1/signatories/")
        assert response.status_code == 200
        assert response.json()["count"] >= 1
    assert json_get(client, "/api/v1/municipalities/directory/").status_code == 200
    assert "API rate limit unavailable" in caplog.text


@pytest.mark.django_db
def test_an_empty_rate_means_no_limit(client, open_data_world, rates):
    rates(None, user=None)
    for _ in range(5):
        assert json_get(client, "/api/v1/campaigns/").status_code == 200


def test_rates_come_from_the_environment():
    env = {
        **os.environ,
        "API_THROTTLE_ANON": "7/hour",
        "API_THROTTLE_USER": "",
        "BEHIND_TLS_PROXY": "true",
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
    }
    script = (
        "from django.conf import settings; r = settings.REST_FRAMEWORK; "
        "print(r['DEFAULT_THROTTLE_RATES']['anon'], r['DEFAULT_THROTTLE_RATES']['user'], r['NUM_PROXIES'])"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["7/hour", "None", "1"]


# --- answers and schema agree ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["de", "FR", "", "en-gb"])
def test_an_unknown_lang_is_refused(client, open_data_world, lang):
    pledge = open_data_world["pledges"]["verified"]
    for url in ("/api/v1/commitments/", f"/api/v1/signatories/{pledge.pk}/", "/api/v1/municipalities/directory/"):
        response = json_get(client, url, {"lang": lang})
        assert response.status_code == 400, url
        assert list(response.json()) == ["lang"]
        assert "en, fr, es" in response.json()["lang"][0]


@pytest.mark.django_db
def test_the_refusal_of_a_lang_reads_in_the_header_language(client, open_data_world):
    response = json_get(client, "/api/v1/commitments/", {"lang": "de"}, **{"Accept-Language": "es"})
    assert response.status_code == 400
    assert response["Content-Language"] == "es"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/signatories/", {"municipality": "1.5"}, "municipality"),
        ("/api/v1/signatories/", {"geonames_id": "abc"}, "geonames_id"),
        ("/api/v1/reports/", {"period": "0"}, "period"),
        ("/api/v1/reports/", {"pledge": "99999999999999999999"}, "pledge"),
        ("/api/v1/reports/", {"late": "maybe"}, "late"),
        ("/api/v1/commitments/", {"required": "yes please"}, "required"),
        ("/api/v1/municipalities/directory/", {"has_signed": "2"}, "has_signed"),
        ("/api/v1/campaigns/", {"page_size": "abc"}, "page_size"),
        ("/api/v1/campaigns/", {"page_size": "0"}, "page_size"),
        ("/api/v1/campaigns/", {"page_size": ""}, "page_size"),
        ("/api/v1/campaigns/", {"page": ""}, "page"),
        ("/api/v1/signatories/", {"since": ""}, "since"),
        ("/api/v1/campaigns/", {"status": ""}, "status"),
    ],
)
def test_values_of_the_wrong_type_are_refused(client, open_data_world, url, params, field):
    response = json_get(client, url, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_ids_and_booleans_that_fit_are_accepted(client, open_data_world):
    pledge = open_data_world["pledges"]["verified"]
    found = json_get(client, "/api/v1/signatories/", {"municipality": str(pledge.municipality_id)}).json()
    assert [s["id"] for s in found["results"]] == [pledge.pk]
    assert json_get(client, "/api/v1/commitments/", {"required": "true"}).json()["count"] == 1
    assert json_get(client, "/api/v1/commitments/", {"required": "0"}).json()["count"] == 1
    big = json_get(client, "/api/v1/campaigns/", {"page_size": "5000"})
    assert big.status_code == 200  # capped at 200, not refused


@pytest.mark.django_db
def test_search_is_optional(client, open_data_world):
    response = json_get(client, "/api/v1/municipalities/")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/signatories/999999/",
        "/api/v1/campaigns/no-such-campaign/",
        "/api/v1/commitments/999999/",
        "/api/v1/reports/999999/",
        "/api/v1/municipalities/999999/",
        "/api/v1/reports/abc/",
        "/api/v1/municipalities/-1/",
        "/api/v1/no-such-thing/",
        "/api/v1/signatories/?page=999",
    ],
)
def test_not_found_is_json(client, open_data_world, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_a_missing_slash_still_redirects(client):
    response = client.get("/api/v1/signatories")
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/signatories/")


@pytest.mark.django_db
def test_the_schema_documents_errors_lang_search_and_ids(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    operations = [op for path_item in schema["paths"].values() for op in path_item.values()]
    # 11, the monitoring data: indicators, targets, means (list and one) and values; and peer
    # learning: actions and partnerships (list and one)
    assert len(operations) == 22
    for operation in operations:
        name = operation["operationId"]
        parameters = {p["name"]: p for p in operation.get("parameters", [])}
        responses = operation["responses"]
        assert {"200", "400", "429"} <= set(responses), name
        assert "Retry-After" in responses["429"]["headers"], name
        if any(p["in"] == "path" for p in parameters.values()) or "page" in parameters:
            assert "404" in responses, name
        if name != "municipalities_search":
            assert parameters["lang"]["schema"]["enum"] == sorted(code for code, _name in settings.LANGUAGES), name
        for parameter in parameters.values():
            if parameter["name"] in {"id", "municipality", "period", "pledge", "geonames_id", "page", "page_size"}:
                assert parameter["schema"]["type"] == "integer", (name, parameter["name"])
                if parameter["in"] == "query":
                    assert parameter["schema"]["minimum"] == 1
            assert parameter["schema"].get("type") != "number", (name, parameter["name"])
    search = schema["paths"]["/api/v1/municipalities/"]["get"]["parameters"]
    assert [p.get("required", False) for p in search if p["name"] == "search"] == [False]

"""PostgreSQL stopped: public pages served before are served again, the rest is a 503 of
ours with Retry-After, in the visitor's language; nothing answers a bare 500."""

import pytest
from django.test import Client

from campaign.public import cache as public_cache
from tests.resilience.outages import database_down


@pytest.fixture
def client():
    """A browser: it sees the page the site answers, not the exception behind it."""
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    monkeypatch.setattr(public_cache, "TIME_BUCKET_SECONDS", 10**10)


@pytest.fixture
def world(transactional_db, verified_pledge_a, city_a, current_period, official_a):
    return {"pledge": verified_pledge_a, "city": city_a, "official": official_a}


def retire_fresh_pages():
    """A change elsewhere retires the stored pages: only their last good copies are left."""
    public_cache._replace_version()
    public_cache.local_pages.clear()


@pytest.mark.parametrize("url", ["/en/cities/", "/fr/map/", "/map/signatories.geojson", "/api/v1/signatories/"])
def test_a_public_page_served_before_is_served_again_while_the_database_is_down(client, world, url):
    before = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert before.status_code == 200
    retire_fresh_pages()
    with database_down():
        during = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert during.status_code == 200
    assert during["X-Served-From"] == "last-good-copy"
    assert during["Cache-Control"] == "no-store"
    assert during.content == before.content


def test_the_last_good_copy_is_sent_plain_to_a_client_without_gzip(client, world):
    before = client.get("/en/cities/", headers={"Accept-Encoding": "identity"})
    retire_fresh_pages()
    with database_down():
        during = client.get("/en/cities/", headers={"Accept-Encoding": "identity"})
    assert during.status_code == 200
    assert "Content-Encoding" not in during
    assert during.content == before.content


def test_a_signed_in_visitor_gets_the_public_copy_too(client, world):
    client.get("/en/cities/")
    retire_fresh_pages()
    client.force_login(world["official"])
    with database_down():
        response = client.get("/en/cities/")
    assert response.status_code == 200
    assert b"Mechelen" in response.content


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "The site is briefly unavailable"),
        ("fr", "Le site est momentanément indisponible"),
        ("es", "El sitio no está disponible por un momento"),
    ],
)
def test_a_page_never_served_is_a_503_of_ours_in_the_visitors_language(client, world, language, heading):
    with database_down():
        response = client.get(f"/{language}/cities/{world['city'].slug}/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert heading in text
    assert f'lang="{language}"' in text


def test_a_write_while_the_database_is_down_says_it_may_not_be_saved(client, world):
    client.force_login(world["official"])
    with database_down():
        response = client.post(f"/en/reports/{world['pledge'].pk}/1/", {"action": "save"})
    assert response.status_code == 503
    assert "may not have been saved" in response.content.decode()


def test_the_api_answers_a_503_in_json(client, world):
    with database_down():
        response = client.get("/api/v1/campaigns/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"


def test_health_says_the_database_is_down(client, world):
    with database_down():
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "down"

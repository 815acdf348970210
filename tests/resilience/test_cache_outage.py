"""Redis stopped or frozen: the cache is a miss, never an error.

Pages are computed from the database, a saved change is reported as saved (what runs after
the commit may fail, the change stays), and the rate limits of sign-in refuse with a page of
ours rather than letting guesses through uncounted.
"""

import time

import pytest
from django.core.cache import cache

from campaign.public import cache as public_cache
from pledges.models import ProgressUpdate
from tests.resilience.outages import free_port, frozen_server, use_redis_cache


@pytest.fixture
def stopped_redis(settings):
    """Nothing listens on this port: what a stopped Redis looks like to the site."""
    use_redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def frozen_redis(settings):
    with frozen_server() as port:
        use_redis_cache(settings, f"redis://127.0.0.1:{port}/0")
        yield


@pytest.fixture
def world(transactional_db, verified_pledge_a, city_a, current_period, official_a):
    return {"pledge": verified_pledge_a, "city": city_a, "period": current_period, "official": official_a}


PUBLIC_PAGES = ["/en/", "/en/cities/", "/en/map/", "/en/dashboard/", "/map/signatories.geojson", "/api/v1/signatories/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_computed_while_redis_is_stopped(client, world, stopped_redis, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"Mechelen" in response.content


def test_a_frozen_redis_costs_one_time_out_not_one_per_lookup(world, frozen_redis, client):
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("anything") is None
    first = time.monotonic() - started
    # One socket time-out (1 s), then Redis is left alone for a few seconds.
    assert first < 3, f"20 lookups on a frozen Redis took {first:.1f} s"
    started = time.monotonic()
    response = client.get("/en/cities/")
    assert response.status_code == 200
    assert time.monotonic() - started < 2


def test_the_cache_is_used_again_once_redis_answers(settings, redis_url, monkeypatch):
    monkeypatch.setattr("campaign.cache_backend.SKIP_SECONDS", 0.2)
    use_redis_cache(settings, f"redis://127.0.0.1:{free_port()}/0")
    assert cache.get("k") is None  # fails: skipped for 0.2 s
    use_redis_cache(settings, redis_url)
    cache.set("k", "v")
    assert cache.get("k") == "v"


def test_sign_in_fails_closed_with_a_page_of_ours_while_redis_is_stopped(client, world, stopped_redis):
    response = client.post("/fr/accounts/login/", {"login": "someone@example.org", "password": "guess"})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    text = response.content.decode()
    assert "Veuillez patienter" in text
    assert "site.css" in text


def test_a_signed_in_official_keeps_working_while_redis_is_stopped(client, world, stopped_redis):
    official = world["official"]
    client.force_login(official)
    response = client.get(f"/en/reports/{world['pledge'].pk}/")
    assert response.status_code == 200


def test_health_reports_the_cache_down_within_its_budget(client, world, frozen_redis, settings):
    settings.REDIS_URL = ""
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "down"
    assert response.json()["checks"]["database"]["status"] == "up"


class RaisingCache:
    """A cache whose every command raises, as a backend without IGNORE_EXCEPTIONS would."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache unreachable")

        return fail


def test_a_change_saved_when_the_cache_raises_after_the_commit_is_reported_saved(client, world, monkeypatch, caplog):
    """The version bump runs after the commit: its failure is logged, the change stays."""
    pledge = world["pledge"]
    client.force_login(world["official"])
    url = f"/en/reports/{pledge.pk}/{world['period'].pk}/"
    form = client.get(url).context["formset"]
    data = {"action": "save"}
    for key, value in form.management_form.initial.items():
        data[f"{form.prefix}-{key}"] = value
    for subform in form.forms:
        data[f"{subform.prefix}-status"] = "in_progress"
        data[f"{subform.prefix}-narrative"] = "Saved while the cache raises"
    monkeypatch.setattr(public_cache, "cache", RaisingCache())
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Saved while the cache raises" in response.content.decode()
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "saved" in messages[0].lower()
    assert "Could not bump the public version" in caplog.text
    assert ProgressUpdate.objects.filter(narrative="Saved while the cache raises").exists()

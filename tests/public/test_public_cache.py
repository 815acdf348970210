"""Finished public pages (campaign/public/cache.py), seen through HTTP.

A visitor without a session is served the stored bytes: no query, gzip or brotli as their
browser asks, 304 when they have it, a Cache-Control a CDN may keep. A signed-in person
never gets that copy, nor does anyone get theirs. A change saved through a service shows on
the next load (the version is bumped on commit), and a cache that fails costs speed, not
the page. Production without Redis shares the cache between processes (a folder of files).

The tests that need the cache to answer are transactional (``transactional_db``): data made
inside the test's own transaction is not committed, so pages are computed, never stored,
while it is open (``sees_uncommitted_changes``); in these tests each service commits, as in
production.
"""

import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import brotli
import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaign.public import cache as public_cache
from campaign.public.charts import CHART_SLUGS
from pledges import services
from tests.factories import CampaignFactory

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "public, max-age=0, s-maxage=300, stale-while-revalidate=300, stale-if-error=86400"
EMBEDDED = "public, max-age=60, s-maxage=300, stale-while-revalidate=300, stale-if-error=86400"


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    """No quarter-hour boundary between two requests of a test: pages turn only with the data."""
    monkeypatch.setattr(public_cache, "TIME_BUCKET_SECONDS", 10**10)


@pytest.fixture
def world(transactional_db, verified_pledge_a, city_a, current_period):
    """A verified signatory (Mechelen), committed: the public side has something to show."""
    return {"pledge": verified_pledge_a, "city": city_a}


def public_cache_control(url):
    """Browsers ask again each time, but for the embeds, which other sites frame."""
    return EMBEDDED if url.rstrip("/").endswith(("/embed/counter", "/embed/map")) else PUBLIC


def get(client, url, encoding="identity", **headers):
    return client.get(url, headers={"Accept-Encoding": encoding, **headers})


def vary(response):
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def page_urls(city):
    return [
        "/en/",
        "/en/campaigns/",
        "/en/campaigns/cities-pledge/",
        "/en/cities/",
        f"/en/cities/{city.slug}/",
        "/en/map/",
        "/en/embed/",
        "/en/embed/counter/",
        "/en/embed/map/",
        "/en/dashboard/",
        f"/en/dashboard/{CHART_SLUGS[0]}.csv",
        "/en/open-data/",
        "/fr/cities/",
    ]


# --- anonymous visitors -------------------------------------------------------------------------


def test_every_public_page_is_served_warm_without_a_query(client, world, django_assert_num_queries):
    for url in page_urls(world["city"]):
        cold = get(client, url)
        assert cold.status_code == 200, url
        with django_assert_num_queries(0):
            warm = get(client, url)
        assert warm.status_code == 200, url
        assert warm.content == cold.content, url
        assert warm["Content-Type"] == cold["Content-Type"], url
        assert warm["ETag"] == cold["ETag"], url
        assert warm["Cache-Control"] == public_cache_control(url), url


def test_the_same_query_in_another_order_is_the_same_page(client, world, django_assert_num_queries):
    first = get(client, "/en/cities/?country=BE&q=Mech")
    assert "Mechelen" in first.content.decode()
    with django_assert_num_queries(0):
        again = get(client, "/en/cities/?q=Mech&country=BE")
    assert again.content == first.content


def test_each_language_has_its_own_page(client, world, django_assert_num_queries):
    english = get(client, "/en/cities/")
    french = get(client, "/fr/cities/")
    assert '<html lang="en" dir="ltr">' in english.content.decode()
    assert '<html lang="fr" dir="ltr">' in french.content.decode()
    with django_assert_num_queries(0):
        assert get(client, "/fr/cities/")["Content-Language"] == "fr"
        assert get(client, "/en/cities/")["Content-Language"] == "en"


@pytest.mark.parametrize(
    "accept_encoding, served",
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("*", "br"),
        ("gzip;q=0, br;q=0", "identity"),
        ("deflate", "identity"),
        ("identity", "identity"),
        ("", "identity"),
    ],
)
def test_the_encoding_follows_accept_encoding(client, world, accept_encoding, served):
    url = f"/en/cities/{world['city'].slug}/"
    identity = get(client, url).content
    for _ in range(2):  # the miss and the hit give the same answer
        response = get(client, url, accept_encoding)
        assert response.status_code == 200
        assert "accept-encoding" in vary(response)
        assert response["Content-Length"] == str(len(response.content))
        if served == "identity":
            assert not response.has_header("Content-Encoding")
            assert response.content == identity
        else:
            assert response["Content-Encoding"] == served
            decompress = brotli.decompress if served == "br" else gzip.decompress
            assert decompress(response.content) == identity
            assert len(response.content) < len(identity)


def test_304_when_the_visitor_has_the_page(client, world, django_assert_num_queries):
    url = "/en/campaigns/cities-pledge/"
    first = get(client, url, "br")
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert etag != get(client, url, "gzip")["ETag"] != get(client, url)["ETag"]  # one per encoding

    with django_assert_num_queries(0):
        again = get(client, url, "br", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"] == PUBLIC
    assert get(client, url, "br", **{"If-None-Match": f"W/{etag}"}).status_code == 304
    assert get(client, url, "br", **{"If-None-Match": '"something-else"'}).status_code == 200


def test_head_is_answered_from_the_same_copy(client, world, django_assert_num_queries):
    url = "/en/map/"
    body = get(client, url, "gzip")
    with django_assert_num_queries(0):
        head = client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == body["Content-Length"]
    assert head["ETag"] == body["ETag"]


def test_the_public_copy_carries_no_cookie_token_or_vary_cookie(client, world, settings):
    # Production's middleware asks who is signed in on every request (staff MFA).
    settings.STAFF_REQUIRE_MFA = True
    for url in page_urls(world["city"]):
        for response in (get(client, url), get(client, url)):  # the miss, then the hit
            assert response["Cache-Control"] == public_cache_control(url), url
            assert "cookie" not in vary(response), url
            assert not response.cookies, url
            assert b"csrfmiddlewaretoken" not in response.content, url
    assert not client.cookies


def test_a_visitor_with_a_csrf_cookie_is_served_from_the_cache(client, world, django_assert_num_queries):
    url = "/en/campaigns/"
    get(client, url)
    client.get("/en/accounts/login/")  # a form: the CSRF cookie, but no session
    assert "csrftoken" in client.cookies and "sessionid" not in client.cookies
    with django_assert_num_queries(0):
        response = get(client, url)
    assert response["Cache-Control"] == PUBLIC
    assert not response.cookies


def test_a_malformed_csrf_cookie_is_replaced_privately(client, world, django_assert_num_queries):
    url = "/en/campaigns/"
    get(client, url)
    client.cookies["csrftoken"] = "not a token!"
    with django_assert_num_queries(0):
        response = get(client, url)
    assert "csrftoken" in response.cookies  # Django's middleware renews it...
    assert response["Cache-Control"] == "private, no-cache"  # ...so no proxy may keep this answer
    assert get(Client(), url)["Cache-Control"] == PUBLIC


def test_the_language_switcher_links_to_the_same_page_in_each_language(client, world):
    html = get(client, "/fr/cities/?q=Mech").content.decode()
    assert 'href="/en/cities/?q=Mech" hreflang="en"' in html
    assert 'href="/es/cities/?q=Mech" hreflang="es"' in html
    assert '<span class="dropdown-item active" lang="fr" aria-current="true">Français</span>' in html
    assert "set_language" not in html and "/i18n/setlang/" not in html


def test_embeds_stay_framable_from_the_cache(client, world, django_assert_num_queries):
    cold = get(client, "/en/embed/counter/")
    get(client, "/en/")
    with django_assert_num_queries(0):
        warm = get(client, "/en/embed/counter/")
        home = get(client, "/en/")
    for counter in (cold, warm):
        assert counter["Cache-Control"] == EMBEDDED
        assert "frame-ancestors *" in counter["Content-Security-Policy"]
        assert "script-src 'self'" in counter["Content-Security-Policy"]
        assert not counter.has_header("X-Frame-Options")
    assert home["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in home["Content-Security-Policy"]


def test_chart_csv_keeps_its_file_name(client, world, django_assert_num_queries):
    url = f"/en/dashboard/{CHART_SLUGS[0]}.csv"
    cold = get(client, url)
    with django_assert_num_queries(0):
        warm = get(client, url)
    assert warm["Content-Type"] == "text/csv; charset=utf-8"
    assert warm["Content-Disposition"] == cold["Content-Disposition"]
    assert cold["Content-Disposition"].startswith('attachment; filename="cities-pledge-')


def test_a_page_that_renders_a_csrf_token_is_never_stored(rf):
    """Should a public template render a CSRF token, one visitor's token must not reach others."""

    @public_cache.finished_response()
    def page(request):
        return HttpResponse(f"<input value='{get_token(request)}'>")

    first, second = page(rf.get("/en/somewhere/")), page(rf.get("/en/somewhere/"))
    assert first.content != second.content
    assert not first.has_header("ETag")


# --- people with a session ------------------------------------------------------------------------


def test_a_signed_in_person_never_gets_the_anonymous_copy(client, world, official_a, django_assert_num_queries):
    url = f"/en/cities/{world['city'].slug}/"
    anonymous = get(client, url)
    with django_assert_num_queries(0):
        get(client, url)  # stored
    assert "My space" not in anonymous.content.decode()

    client.force_login(official_a)
    mine = get(client, url, "br")
    html = mine.content.decode()
    assert "My space" in html and "Log out" in html and "Log in" not in html
    assert mine["Cache-Control"] == "private, no-cache"
    assert "cookie" in vary(mine)
    assert not mine.has_header("Content-Encoding")
    assert not mine.has_header("ETag")


def test_an_anonymous_visitor_never_gets_a_signed_in_persons_page(client, world, official_a):
    url = "/en/campaigns/"
    client.force_login(official_a)
    assert "My space" in get(client, url).content.decode()

    stranger = get(Client(), url).content.decode()
    assert "My space" not in stranger and "Log in" in stranger

    client.logout()
    after = get(client, url)
    assert "My space" not in after.content.decode()
    assert after["Cache-Control"] == PUBLIC


def test_a_visitor_with_a_message_waiting_gets_the_page_computed(client, world):
    url = "/en/campaigns/"
    get(client, url)
    client.cookies["messages"] = "something"
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url)
    assert len(queries) > 0
    assert response["Cache-Control"] == "private, no-cache"


# --- changes -------------------------------------------------------------------------------------


def test_a_withdrawal_through_the_service_shows_on_the_next_load(client, world, official_a, django_assert_num_queries):
    url = f"/en/cities/{world['city'].slug}/"
    before = get(client, url, "br")
    assert "Verified signatory" in brotli.decompress(before.content).decode()
    with django_assert_num_queries(0):
        assert get(client, url, "br").content == before.content  # served from the cache

    services.pledge_withdraw(actor=official_a, pledge=world["pledge"], reason="A new council")

    after = get(client, url, "br", **{"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    html = brotli.decompress(after.content).decode()
    assert "Withdrawn on" in html and "Verified signatory" not in html
    assert after["ETag"] != before["ETag"]


def test_the_version_moves_on_commit_never_before(world):
    version = public_cache.public_version()
    with transaction.atomic():
        CampaignFactory(slug="another-campaign")
        assert public_cache.public_version() == version
    moved = public_cache.public_version()
    assert moved != version

    with pytest.raises(RuntimeError), transaction.atomic():
        world["city"].save()
        raise RuntimeError("rolled back")
    assert public_cache.public_version() == moved


def test_an_edit_in_the_test_transaction_is_seen_at_once(client, db, campaign, django_capture_on_commit_callbacks):
    """Inside a transaction that changed public rows the pages are computed (and not stored):
    the same request would otherwise be answered from before its own change."""
    assert "Cities for the rights of migrants" in get(client, "/en/campaigns/").content.decode()
    campaign.title_en = "A renamed campaign"
    campaign.save()
    assert public_cache.sees_uncommitted_changes()
    assert "A renamed campaign" in get(client, "/en/campaigns/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        campaign.save()
    assert public_cache._replace_version in callbacks


# --- a cache that fails ----------------------------------------------------------------------------


def _broken(*args, **kwargs):
    raise ConnectionError("the cache is down")


def test_a_cache_that_fails_still_serves_the_page(client, world, monkeypatch, caplog):
    backend = caches["default"]
    for name in ("get", "add", "set", "set_many", "get_many"):
        monkeypatch.setattr(backend, name, _broken)
    url = f"/en/cities/{world['city'].slug}/"
    for encoding in ("identity", "br"):
        response = get(client, url, encoding)
        assert response.status_code == 200
    assert "Verified signatory" in brotli.decompress(response.content).decode()
    assert "Public page cache unavailable" in caplog.text


def test_a_cache_that_fails_to_store_still_serves_the_page(client, world, monkeypatch, caplog):
    monkeypatch.setattr(caches["default"], "set_many", _broken)
    response = get(client, "/en/campaigns/")
    assert response.status_code == 200
    assert "Cities for the rights of migrants" in response.content.decode()
    assert "Could not store the public page" in caplog.text


def test_a_cache_that_fails_does_not_fail_the_change(client, world, official_a, monkeypatch, caplog):
    monkeypatch.setattr(caches["default"], "set", _broken)
    services.pledge_withdraw(actor=official_a, pledge=world["pledge"], reason="A new council")
    assert "Could not bump the public version" in caplog.text
    monkeypatch.undo()
    assert "Withdrawn on" in get(client, f"/en/cities/{world['city'].slug}/").content.decode()


# --- several processes ------------------------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys

    import django

    django.setup()
    from django.conf import settings

    from campaign.public import cache

    print(settings.CACHES["default"]["BACKEND"], flush=True)
    for line in sys.stdin:
        if line.strip() == "bump":
            cache.bump_public_version()  # no transaction: at once
        print(cache.public_version(), flush=True)
    """
)


def _worker(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="campaign.settings",
        DEBUG="false",
        SECRET_KEY="a-secret-for-two-processes-only",
        REDIS_URL="",
        CACHE_DIR=str(tmp_path / "cache"),
        PYTHONPATH=str(ROOT),
    )
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "django.core.cache.backends.filebased.FileBasedCache"
    return process


def _ask(process, command="read"):
    process.stdin.write(command + "\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


@pytest.mark.slow
def test_two_production_processes_share_the_version(tmp_path):
    first, second = _worker(tmp_path), _worker(tmp_path)
    try:
        version = _ask(first)
        assert version and _ask(second) == version
        bumped = _ask(second, "bump")
        assert bumped != version
        assert _ask(first) == bumped  # the other worker sees the change at once
    finally:
        for process in (first, second):
            process.stdin.close()
            assert process.wait(timeout=30) == 0
    assert list((tmp_path / "cache").glob("*.djcache"))


def test_cache_keys_are_short(rf):
    request = rf.get("/en/cities/", {"q": "x" * 500, "country": "BE"})
    key = public_cache.cache_key(request, public_cache._new_token(), "en", "br")
    assert len(key) < 100
    assert key.isascii() and " " not in key

"""Fixtures shared by every test folder.

Real services: tests that need Redis or Chromium ask for the `redis_url` or `browser`
fixture. Where the service is missing they skip with the reason; with REQUIRE_SERVICES=1
(as CI sets) the skip becomes a failure, so a missing service cannot pass silently.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest
import redis

from tests.factories import UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def require_service(available: bool, reason: str):
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            pytest.exit(f"REQUIRE_SERVICES=1 but the database is {engine}; set DATABASE_URL to PostgreSQL.", 3)


def redis_is_up(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_url():
    """A real Redis, emptied before the test: its database 15 unless TEST_REDIS_URL says otherwise."""
    require_service(redis_is_up(TEST_REDIS_URL), f"Redis is not reachable at {TEST_REDIS_URL}")
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL


@pytest.fixture
def redis_cache(settings, redis_url):
    """Switch Django's cache to the real Redis for this test."""
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    from django.core.cache import caches

    caches._settings = None  # rebuild handlers from the new settings
    for alias in list(caches):
        caches[alias].close()
    yield redis_url


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers cost a tenth of a second per user on purpose; tests make hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in another language must not leak into the
    next test's messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    # A test may have pointed the cache at a stopped server.
    with contextlib.suppress(Exception):
        cache.clear()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def chromium_path():
    require_service(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def password():
    return "a-Long-and-unusual-passphrase-42"


@pytest.fixture
def verified_user(password):
    return UserFactory(password=password)

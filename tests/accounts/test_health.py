import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_without_redis_configured_is_ok(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["cache"]["status"] == "up"
    assert body["checks"]["broker"]["status"] == "not configured"


def test_health_with_real_redis_reports_broker_up(client, redis_cache):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["status"] == "up"
    assert response.json()["checks"]["cache"]["status"] == "up"


def test_health_reports_stopped_redis_as_down(client, settings):
    # Nothing listens on port 1: this is what a stopped Redis looks like to the site.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    from django.core.cache import caches

    caches._settings = None
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "down"
    assert body["checks"]["cache"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"

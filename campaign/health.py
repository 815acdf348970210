"""/health/: is this instance able to serve? Used by load balancers and CI."""

import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check):
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    key = "health:probe"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker():
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def health(request):
    checks = {"database": _timed(_check_database), "cache": _timed(_check_cache)}
    if settings.REDIS_URL:
        checks["broker"] = _timed(_check_broker)
    else:
        checks["broker"] = {"status": "not configured", "detail": "tasks run in-process"}
    healthy = all(c["status"] in ("up", "not configured") for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)

"""/health/: is this instance able to serve? Used by load balancers and CI.

It answers within ``BUDGET_SECONDS`` whatever is down: the checks run side by side in
threads of their own (each with its own database connection, closed after), and one that
has not finished by then is reported as timed out. A frozen server leaves its thread waiting
until its own time-out (settings.py), not the request.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
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


BUDGET_SECONDS = 1.5
# Enough threads for the three checks of a few concurrent probes; more probes wait their turn
# and report a time-out, which is the truth.
_checks = ThreadPoolExecutor(max_workers=6, thread_name_prefix="health")


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()  # this thread's own connection


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
    probes = {"database": _check_database, "cache": _check_cache}
    if settings.REDIS_URL:
        probes["broker"] = _check_broker
    deadline = time.monotonic() + BUDGET_SECONDS
    running = {name: _checks.submit(_timed, probe) for name, probe in probes.items()}
    checks = {}
    for name, future in running.items():
        try:
            checks[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            checks[name] = {"status": "down", "error": f"no answer within {BUDGET_SECONDS} s"}
    if not settings.REDIS_URL:
        checks["broker"] = {"status": "not configured", "detail": "tasks run in-process"}
    healthy = all(c["status"] in ("up", "not configured") for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)

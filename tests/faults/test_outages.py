"""Outages under load, with real servers: gunicorn on its own PostgreSQL cluster (initdb in a
temporary folder) and its own redis-server, each on a free port. Each fault stops or
freezes one of them while a bounded load runs, then brings it back; the figures of each
are printed (tried, answered within 2 s, past the time-out, 5xx, writes acknowledged and
present afterwards).

The targets, under every fault: no request waits past the time-out, no 500 (a 503 or a
cached page instead), no acknowledged write lost and no write saved but reported failed.

    DATABASE_URL=postgres://... REQUIRE_SERVICES=1 .venv/bin/python -m pytest tests/faults -s

About two minutes. Needs initdb and redis-server (and runuser when run as root); without
them the tests skip with the reason (a failure under REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time

import pytest

from tests.faults.load import Figures, Load, Visitor
from tests.faults.servers import (
    Gunicorn,
    ThrowawayPostgres,
    ThrowawayRedis,
    manage,
    postgres_binaries,
    site_environment,
)
from tests.service_checks import require_service

# The site's time-outs in these tests (settings.py, campaign/deadline.py), shorter than
# production's so that the faults stay short.
REQUEST_DEADLINE = 5
CONNECT_TIMEOUT = 2
HANG_SECONDS = REQUEST_DEADLINE + CONNECT_TIMEOUT + 3
STEADY_SECONDS = 2
RECOVERY_SECONDS = 5

SEED = """
import json
from tests.builders import build_open_data_world
from tests.factories import MembershipFactory
world = build_open_data_world()
MembershipFactory(user=world["officials"]["verified"], municipality=world["cities"]["verified"], status="approved")
print(json.dumps({
    "pledge": world["pledges"]["verified"].pk,
    "period": world["periods"]["current"].pk,
    "email": world["officials"]["verified"].email,
    "city": world["cities"]["verified"].slug,
}))
"""
SAVES = (
    "from pledges.models import PledgeEvent; "
    "print(PledgeEvent.objects.filter(action=PledgeEvent.Action.REPORT_SAVED).count())"
)
PASSWORD = "a-Long-and-unusual-passphrase-42"  # tests/factories.py


def _tools_missing() -> str | None:
    if postgres_binaries() is None:
        return "initdb (PostgreSQL's server binaries) is not installed"
    if not shutil.which("redis-server"):
        return "redis-server is not installed"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser, which initdb needs"
    return None


@pytest.fixture(scope="module")
def stack():
    missing = _tools_missing()
    require_service(missing is None, f"fault tests: {missing}")
    postgres = ThrowawayPostgres()
    redis = ThrowawayRedis()
    private = tempfile.mkdtemp(prefix="faults-private-")
    static = tempfile.mkdtemp(prefix="faults-static-")
    web = None
    try:
        postgres.start()
        postgres.create_database()
        redis.start()
        env = site_environment(
            postgres.url,
            redis.url,
            REQUEST_DEADLINE=str(REQUEST_DEADLINE),
            DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            DATABASE_STATEMENT_TIMEOUT="4",
            SECURE_SSL_REDIRECT="false",
            PRIVATE_MEDIA_ROOT=private,
            # Files copied, not compressed and hashed: minutes saved, and whitenoise serves
            # them the same way.
            STATIC_ROOT=static,
            PLAIN_STATIC="true",
            WEB_CONCURRENCY="2",
            WEB_THREADS="4",
        )
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        world = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
        web = Gunicorn(env)
        web.start()
        yield {"postgres": postgres, "redis": redis, "web": web, "env": env, "world": world}
    finally:
        for server in (web, redis, postgres):
            if server is not None:
                server.stop()
        postgres.remove()
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(static, ignore_errors=True)


@pytest.fixture(scope="module")
def load(stack):
    web, world = stack["web"], stack["world"]
    visitor = Visitor(web.base)
    home = visitor.request("GET", "/en/").text
    stylesheet = re.search(r"/static/css/site(\.[0-9a-f]+)?\.css", home)
    assert stylesheet, "no stylesheet on the home page"
    cached = ["/en/", "/en/cities/", f"/en/cities/{world['city']}/", "/en/map/", "/map/signatories.geojson"]
    cached += ["/api/v1/signatories/", "/en/dashboard/"]
    for path in cached:  # served once: the finished pages and their last good copies are kept
        assert visitor.request("GET", path).status_code == 200, path
    load = Load(
        web.base,
        read_paths=[*cached, "/en/cities/?search=Mech&n={n}"],
        probe_paths=[stylesheet.group(0), "/health/"],
        write_path=f"/en/reports/{world['pledge']}/{world['period']}/",
        login=(world["email"], PASSWORD),
    )
    load.cached = cached
    load.stylesheet = stylesheet.group(0)
    return load


def saves(stack) -> int:
    return int(manage(stack["env"], "shell", "-c", SAVES).strip().splitlines()[-1])


def run_fault(stack, load, name, start, end, seconds, capsys):
    before = saves(stack)
    figures = Figures(name)
    runner = threading.Thread(target=load.run, args=(figures, STEADY_SECONDS + seconds + RECOVERY_SECONDS))
    runner.start()
    time.sleep(STEADY_SECONDS)
    began = time.monotonic()
    start()
    time.sleep(seconds)
    end()
    ended = time.monotonic()
    runner.join()
    present = saves(stack) - before
    summary = {**figures.summary(HANG_SECONDS), "writes present": present}
    with capsys.disabled():
        print("\n  " + " · ".join(f"{key}: {value}" for key, value in summary.items()))
    during = [o for o in figures.outcomes if began <= o.started <= ended]
    return figures, summary, during


def assert_targets(figures, summary, during, load, *, public_pages_answer: bool):
    slow = [
        (o.url, o.status, round(o.seconds, 1)) for o in figures.outcomes if o.seconds > HANG_SECONDS or not o.status
    ]
    assert not slow, f"requests past {HANG_SECONDS} s or unanswered: {slow[:10]}"
    errors = [(o.url, o.status) for o in figures.outcomes if o.status >= 500 and o.status != 503]
    assert not errors, f"5xx other than 503: {errors[:10]}"
    assert summary["writes present"] == summary["writes acknowledged"], "writes lost, or saved but reported failed"
    static = [o for o in during if o.url == load.stylesheet]
    assert static and all(o.status == 200 and o.seconds <= 2 for o in static), "static files waited"
    health = [o for o in during if o.url == "/health/"]
    assert health and all(o.seconds <= 2.5 for o in health), "health did not answer within 2 s"
    if public_pages_answer:
        public = [o for o in during if o.url in load.cached]
        assert public and all(o.status == 200 for o in public), [(o.url, o.status) for o in public if o.status != 200]
    assert summary["writes acknowledged"] > 0 or summary["writes tried"] == 0


def test_postgresql_stopped(stack, load, capsys):
    postgres = stack["postgres"]
    figures, summary, during = run_fault(stack, load, "PostgreSQL stopped", postgres.stop, postgres.start, 8, capsys)
    assert_targets(figures, summary, during, load, public_pages_answer=True)
    assert any(o.status == 503 for o in during), "nothing needed the database?"


def test_postgresql_frozen(stack, load, capsys):
    server = stack["postgres"].server
    figures, summary, during = run_fault(stack, load, "PostgreSQL frozen", server.freeze, server.thaw, 12, capsys)
    assert_targets(figures, summary, during, load, public_pages_answer=True)


def test_redis_stopped(stack, load, capsys):
    redis = stack["redis"]
    figures, summary, during = run_fault(stack, load, "Redis stopped", redis.stop, redis.start, 8, capsys)
    assert_targets(figures, summary, during, load, public_pages_answer=True)
    assert not any(o.status >= 500 for o in during if o.url != "/health/")


def test_redis_frozen(stack, load, capsys):
    server = stack["redis"].server
    figures, summary, during = run_fault(stack, load, "Redis frozen", server.freeze, server.thaw, 8, capsys)
    assert_targets(figures, summary, during, load, public_pages_answer=True)
    assert not any(o.status >= 500 for o in during if o.url != "/health/")

"""Real processes: a Celery worker and beat started as subprocesses, Redis as their broker,
the test's PostgreSQL database shared with them, and an aiosmtpd SMTP sink in this process.

Run them (CI does, with REQUIRE_SERVICES=1)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integ_pg REQUIRE_SERVICES=1 .venv/bin/pytest tests/integration -v

About a minute on two cores; add ``-s`` to see the measured figures (messages in when the
worker was killed or the broker flushed, duplicates through the SMTP window, recovery time).

How the pieces meet
-------------------

- Database: the tests use pytest-django's ``transactional_db`` (each statement commits, the
  tables are emptied after the test), and the subprocesses get ``DATABASE_URL`` pointing at
  the same test database (``test_<name>`` on PostgreSQL). SQLite is not supported: its test
  database lives in this process's memory, and the exactly-once protocol relies on row locks
  (SELECT ... FOR UPDATE SKIP LOCKED) that SQLite does not have. On SQLite the tests skip
  with that reason; with REQUIRE_SERVICES=1 (CI) the session insists on PostgreSQL anyway.
- Broker: ``INTEGRATION_BROKER_URL`` (default ``redis://127.0.0.1:6379/13``), flushed before
  and after each test; it is also the subprocesses' cache. Missing Redis skips (fails under
  REQUIRE_SERVICES=1) like the ``redis_url`` fixture.
- SMTP: an aiosmtpd ``Controller`` on 127.0.0.1 and a free port (``EMAIL_URL`` for the
  worker). It records every accepted message and every refused attempt; a ``policy``
  callable can make it answer 451 or 550 to RCPT or DATA.
- Beat: the scan (and, when asked, the stale-delivery sweep) are written to the
  django-celery-beat tables with an interval of a few seconds before beat starts (the tables
  are emptied between transactional tests, so the schedule from the migrations is gone).
- Timings come from the environment of the subprocesses (campaign/settings.py):
  EMAIL_RETRY_BASE_SECONDS, CELERY_VISIBILITY_TIMEOUT, REMINDER_STALE_CLAIM_MINUTES,
  EMAIL_STALE_QUEUED_MINUTES.

Every subprocess runs in its own session (process group), so SIGKILL takes the worker's pool
children with it, as a crashed machine would. They are always stopped when the test ends;
the tail of their logs is printed (pytest shows it when the test fails).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller

from tests.integration.helpers import wait_until
from tests.service_checks import redis_is_up, require_service

BASE_DIR = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("INTEGRATION_BROKER_URL", "redis://127.0.0.1:6379/13")
_CELERY_NEXT_TO_PYTHON = Path(sys.executable).with_name("celery")
CELERY = str(_CELERY_NEXT_TO_PYTHON if _CELERY_NEXT_TO_PYTHON.exists() else BASE_DIR / ".venv" / "bin" / "celery")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the SMTP sink -------------------------------------------------------------------------


@dataclass
class Received:
    rcpt: str
    message: email.message.EmailMessage
    at: float

    @property
    def delivery_id(self) -> str:
        return str(self.message["X-Campaign-Delivery"])

    @property
    def subject(self) -> str:
        return " ".join(str(self.message["Subject"]).split())  # unfolded

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


@dataclass
class Refusal:
    rcpt: str
    stage: str
    reply: str
    at: float


class SinkHandler:
    """aiosmtpd handler: records what it accepts and what it refuses.

    `policy(rcpt, stage, attempt)` returns None to accept, or an SMTP reply such as
    "451 4.3.0 Try again later" to refuse; `attempt` counts that recipient's tries at that
    stage ("RCPT" or "DATA"), from 1.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refused: list[Refusal] = []
        self.attempts: Counter = Counter()
        self.policy = None

    def _decide(self, rcpt: str, stage: str) -> str | None:
        with self.lock:
            self.attempts[(rcpt, stage)] += 1
            attempt = self.attempts[(rcpt, stage)]
        reply = self.policy(rcpt, stage, attempt) if self.policy else None
        if reply:
            with self.lock:
                self.refused.append(Refusal(rcpt, stage, reply, time.monotonic()))
        return reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        reply = self._decide(address.lower(), "RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        rcpts = [r.lower() for r in envelope.rcpt_tos]
        for rcpt in rcpts:
            reply = self._decide(rcpt, "DATA")
            if reply:
                return reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        now = time.monotonic()
        with self.lock:
            self.received.extend(Received(rcpt, message, now) for rcpt in rcpts)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, handler: SinkHandler, port: int):
        self.handler = handler
        self.port = port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def refusals(self) -> list[Refusal]:
        with self.handler.lock:
            return list(self.handler.refused)

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.received)

    def distinct_deliveries(self) -> int:
        with self.handler.lock:
            return len({r.delivery_id for r in self.handler.received})

    def set_policy(self, policy):
        self.handler.policy = policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        yield SmtpSink(handler, controller.port)
    finally:
        controller.stop()


# --- database and broker ---------------------------------------------------------------------


@pytest.fixture
def shared_db(transactional_db):
    """The test database, committed as we go, with the URL the subprocesses use to reach it."""
    from django.db import connection

    data = connection.settings_dict
    if connection.vendor != "postgresql":
        require_service(
            False,
            "integration tests share the test database with worker and beat subprocesses: they need "
            f"PostgreSQL (DATABASE_URL=postgres://...), not {connection.vendor} (in-memory test database, "
            "no SELECT ... FOR UPDATE SKIP LOCKED)",
        )
    user = quote(data.get("USER") or "", safe="")
    password = quote(data.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = data.get("HOST") or "127.0.0.1"
    port = data.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(data['NAME'], safe='')}"


@pytest.fixture
def broker():
    """The broker's Redis database, empty before and after the test."""
    require_service(redis_is_up(BROKER_URL), f"Redis is not reachable at {BROKER_URL}")
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


# --- worker and beat ---------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


class Stack:
    """Start worker and beat subprocesses against the shared database, broker and sink."""

    def __init__(self, *, database_url: str, sink: SmtpSink, log_dir: Path, env: dict):
        self.database_url = database_url
        self.sink = sink
        self.log_dir = log_dir
        self.env = env
        self.procs: list[Proc] = []

    def environment(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("REQUIRE_SERVICES", "PYTEST_CURRENT_TEST")}
        env.update(
            DJANGO_SETTINGS_MODULE="campaign.settings",
            DATABASE_URL=self.database_url,
            REDIS_URL=BROKER_URL,
            CACHE_KEY_PREFIX=f"integ-{uuid.uuid4().hex[:8]}",
            EMAIL_URL=self.sink.url,
            DEBUG="true",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
            PYTHONPATH=str(BASE_DIR),
        )
        env.update({k: str(v) for k, v in {**self.env, **(extra or {})}.items()})
        return env

    def _start(self, name: str, args: list[str], extra: dict | None) -> Proc:
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("ab") as out:
            popen = subprocess.Popen(
                [CELERY, "-A", "campaign", *args],
                cwd=BASE_DIR,
                env=self.environment(extra),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: killpg reaches the pool children
            )
        proc = Proc(name, popen, log_path)
        self.procs.append(proc)
        return proc

    def start_worker(self, name: str = "worker", *, wait_ready: bool = True, **extra) -> Proc:
        hostname = f"{name}-{uuid.uuid4().hex[:8]}@%h"
        proc = self._start(
            name,
            [
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                hostname,
                "--without-gossip",
                "--without-mingle",
            ],
            extra,
        )
        if wait_ready:
            wait_until(lambda: " ready." in proc.log() or not proc.alive, timeout=40, what=f"{name} to be ready")
            assert proc.alive, f"{name} exited:\n{proc.log()[-3000:]}"
        return proc

    def start_beat(self, **extra) -> Proc:
        return self._start(
            "beat",
            [
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--max-interval",
                "1",
                "--pidfile",
                str(self.log_dir / "beat.pid"),
            ],
            extra,
        )

    @staticmethod
    def kill(proc: Proc, sig=signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.popen.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.popen.wait(timeout=10)

    def stop(self, proc: Proc, *, timeout: float = 15):
        if proc.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.popen.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(proc)
        # Pool children left behind by a parent that died first.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.popen.pid, signal.SIGKILL)

    def stop_all(self):
        for proc in reversed(self.procs):
            self.stop(proc)

    def logs(self) -> str:
        return "\n".join(proc.log() for proc in self.procs)

    def count_in_logs(self, text: str) -> int:
        return self.logs().count(text)

    def report(self, *, failed: bool) -> str:
        parts = []
        for proc in self.procs:
            lines = proc.log().splitlines()
            notable = [line for line in lines if any(w in line for w in ("ERROR", "CRITICAL", "Traceback", "WARNING"))]
            tail = lines[-200:] if failed else lines[-15:]
            parts.append(
                f"===== {proc.name} (exit {proc.popen.returncode}) {proc.log_path} =====\n"
                + ("--- notable lines ---\n" + "\n".join(notable[-100:]) + "\n--- tail ---\n" if notable else "")
                + "\n".join(tail)
            )
        return "\n".join(parts)


@pytest.fixture
def stack(request, shared_db, broker, smtp_sink, tmp_path, settings):
    """Start processes with `stack.start_worker()` / `stack.start_beat()`; they end with the test."""
    settings.STAFF_REQUIRE_MFA = False
    stack = Stack(database_url=shared_db, sink=smtp_sink, log_dir=tmp_path, env={})
    try:
        yield stack
    finally:
        stack.stop_all()
        failed = any(
            getattr(request.node, f"rep_{when}", None) and getattr(request.node, f"rep_{when}").failed
            for when in ("setup", "call")
        )
        print(stack.report(failed=failed))
        # Connections of killed processes may linger for a moment; the table flush after the
        # test needs them gone.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )

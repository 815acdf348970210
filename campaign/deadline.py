"""A request never waits past ``REQUEST_DEADLINE`` on a database that stopped answering.

PostgreSQL's own time-outs (settings.py) cover a server that answers: ``connect_timeout``
a server that does not accept, ``statement_timeout`` a statement that runs long. A frozen
server (stopped with SIGSTOP, a VM paused, a network that drops packets silently) answers
neither: its kernel still accepts and acknowledges, so a query already sent waits forever,
until gunicorn kills the worker and every request it held.

So each request of the web server is watched: when it has run ``REQUEST_DEADLINE`` seconds,
a watchdog thread shuts down the socket of its thread's database connection. The query
waiting on it fails at once (psycopg: "server closed the connection"), Django raises
OperationalError, and campaign/errors.py answers 503 (or the last good copy of a public
page). A cut transaction was never committed, so it is rolled back by the server when it
wakes; only a COMMIT already sent is in doubt, which the 503 page says.

Gunicorn's time-out (gunicorn.conf.py) is above the deadline, so the request fails cleanly
before its worker would be killed. Only PostgreSQL connections are watched: SQLite, in a
file, does not freeze this way.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def _socket_of(database: Any) -> int | None:
    raw = getattr(database, "connection", None)
    if raw is None or database.vendor != "postgresql":
        return None
    try:
        fd = raw.fileno()
    except Exception:  # closed meanwhile: nothing to cut
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None


def cut_connection(database: Any) -> bool:
    """Shut down the socket under this database connection: its waiting query fails now.

    shutdown(), not close(): the descriptor stays the connection's, which Django closes
    when it sees the error; nothing else can be handed that number meanwhile.
    """
    fd = _socket_of(database)
    if fd is None:
        return False
    sock = socket.socket(fileno=fd)
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return False
    finally:
        sock.detach()  # the descriptor is psycopg's: do not close it with this object
    return True


class Watchdog:
    """One thread per process, waking at the next deadline of the requests it watches."""

    def __init__(self) -> None:
        self._deadlines: list[tuple[float, int]] = []
        self._watched: dict[int, tuple[str, Any]] = {}
        self._ids = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self.cuts = 0

    def watch(self, database: Any, seconds: float, what: str) -> int:
        ident = next(self._ids)
        with self._wake:
            self._watched[ident] = (what, database)
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, ident))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="request-deadline", daemon=True)
                self._thread.start()
            elif self._deadlines[0][1] == ident:
                self._wake.notify()
        return ident

    def forget(self, ident: int) -> None:
        # Under the lock: once forget() returns, this request's connection is never cut.
        with self._wake:
            self._watched.pop(ident, None)

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._deadlines and self._deadlines[0][1] not in self._watched:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    self._wake.wait(timeout=60)
                    continue
                due, ident = self._deadlines[0]
                now = time.monotonic()
                if due > now:
                    self._wake.wait(timeout=due - now)
                    continue
                heapq.heappop(self._deadlines)
                what, database = self._watched.pop(ident)
                if cut_connection(database):
                    self.cuts += 1
                    logger.error("%s waited past its deadline on the database: connection cut", what)


watchdog = Watchdog()


class RequestDeadlineMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.REQUEST_DEADLINE
        if not seconds:
            return self.get_response(request)
        # The wrapper of this thread's connection: the watchdog reads its socket from there,
        # whenever the request opens it.
        ident = watchdog.watch(connections["default"], seconds, f"{request.method} {request.path}")
        try:
            return self.get_response(request)
        finally:
            watchdog.forget(ident)

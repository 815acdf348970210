"""The public side at campaign scale, served by gunicorn beside a trivial view. Not a test: prints figures.

    .venv/bin/python benchmarks/public_load.py [--seconds 10] [--rounds 3] [--no-directory]
        [--keep DIR | --reuse DIR] [--client auto|wrk|python] [--connections 16]
        [--accept-encoding "gzip, deflate, br"] [--no-downloads] [--signatories 20016]

Run it from the project's root on a quiet machine (it takes both cores; the report gives the
load average). With the defaults it takes about 13 minutes: 5 to build (the directory and
collectstatic take 2 each), 6 of load, 2 for the downloads and the in-process figures.
``--keep DIR`` keeps the data set built in DIR; ``--reuse DIR`` then skips the build (8 minutes).

1. Builds a scratch SQLite database in a temporary folder, never the project's:
   ``manage.py migrate``; the full municipality directory (``import_municipalities
   --min-population 0``: 234,908 places in about 2 minutes; the list's search runs against
   it; ``--no-directory`` leaves it out); 20,016 verified signatories of an open campaign
   with their commitments and reports (benchmarks/dataset.py: bulk inserts, then the
   project's read models rebuilt); ``collectstatic`` into the same folder (DEBUG is off, so
   the hashed manifest is needed). The cache and media folders are in it too. With
   ``--reuse`` only migrate, the read models' rebuild and (if the project's static files
   changed) collectstatic run again.
2. In this process (django.test.Client, the same database and settings): the queries of each
   endpoint cold (cache cleared) and warm (right after), and of each download; the
   dashboard's numbers built cold; the trivial view, for scale.
3. Serves the database with gunicorn: 2 sync workers, DEBUG off, plain HTTP on 127.0.0.1 and
   a free port, settings benchmarks/bench_settings.py (the project's, plus
   ``/bench/trivial/``, a view that answers "ok", in the same URLconf). Warms every endpoint
   in both workers, reads each body raw and with ``Accept-Encoding: gzip`` and ``br`` (when
   the server does not compress, the sizes are computed here and marked ``*``), then loads
   each endpoint for ``--seconds`` with 16 connections and a browser's Accept-Encoding
   (``--accept-encoding identity`` for raw bodies): with wrk when it is installed, else with
   a Python client (threads, http.client; ``--client python`` chooses it; it needs CPU of its
   own, so its shares come out higher than wrk's). Every round loads the trivial view first
   and a share is against the trivial view of the same round; the table shows medians.
4. Downloads /data/*.csv and *.json, one at a time, timed from the client.

The targets (the issue's, at 20,000 signatories on this machine): cached public responses
(GeoJSON, dashboard, counter, embeds, home) at least 50% of the trivial view's req/s and no
query when warm; the list (first page, a search, a sort, a far page), a profile and the API
list at least 10%; the dashboard's numbers built cold in at most 300 ms.

Only URLs and a few well-known names are read from the project
(``campaign.public.dashboard.dashboard_data`` and ``cached_dashboard_data``,
``campaign.public.signatories.PAGE_SIZE``, the ``rebuild_public_signatories`` command); a
figure whose function is gone is skipped with a message, a page that fails is reported with
the end of gunicorn's log. Queries are counted in this process, the only place they can be,
on the same settings. REDIS_URL is ignored (the benchmark clears the cache), so the cache is
what production without Redis has: with DEBUG off, a folder of files, here in the scratch
folder, that the workers share.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import math
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
GUNICORN = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which("gunicorn")
SETTINGS = "benchmarks.bench_settings"
WORKERS = 2
SIGNATORIES = 20_016
SEARCH = "san"  # a prefix of about one signatory in ten (benchmarks/dataset.py)
CACHED_TARGET, READ_TARGET, DASHBOARD_TARGET_MS = 0.5, 0.1, 300
HTTP_TIMEOUT, DOWNLOAD_TIMEOUT = 60, 600
DOWNLOADS = ["signatories.csv", "signatories.json", "reports.csv", "reports.json"]
DB_NAME, META_NAME = "bench.sqlite3", "dataset.json"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Endpoint:
    label: str
    path: str
    target: float | None = None  # the least share of the trivial view's req/s
    cached: bool = False  # a cached response: no query when warm
    rps: list[float] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    errors: int = 0
    queries: tuple[str, str] = ("-", "-")
    app_ms: float | None = None  # in this process, warm, one request at a time
    cold_ms: float | None = None  # in this process, the cache cleared
    first_ms: float | None = None  # the first request over HTTP, the cache cleared before the server started
    status: int | None = None
    headers: Any = None  # http.client.HTTPMessage of the first answer
    sizes: tuple[str, str, str] = ("-", "-", "-")


# --- the scratch database -------------------------------------------------------------------


def environment(folder: Path) -> dict[str, str]:
    """What the scratch run needs: DEBUG off, plain HTTP on 127.0.0.1, nothing in the project."""
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"sqlite:///{folder / DB_NAME}",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-public-load-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "CACHE_DIR": str(folder / "cache"),  # when DEBUG is off and there is no Redis: shared by the workers
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private-media"),
        "LOG_LEVEL": "WARNING",
        # One client address asks thousands of times a second: the API's rate limits
        # (campaign/public/api_manners.py) would answer 429s, not pages.
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_USER": "",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.pop("PLAIN_STATIC", None)  # the production storage: hashed, compressed
    os.environ.pop("REDIS_URL", None)  # never a shared Redis: the benchmark clears the cache
    os.environ.update(env)
    return {**os.environ}


def manage(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def static_is_stale(folder: Path) -> bool:
    manifest = folder / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max((p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()), default=0)
    return newest > manifest.stat().st_mtime


def build(folder: Path, env: dict[str, str], args: argparse.Namespace) -> dict:
    """The data set, from an empty folder; returns its description (also saved in the folder)."""
    for name in (DB_NAME, META_NAME):
        (folder / name).unlink(missing_ok=True)
    steps = {}
    log("migrate")
    steps["migrate"] = manage(env, "migrate", "--noinput", "-v0")
    if args.directory:
        log("import_municipalities --min-population 0 (about 2 minutes)")
        steps["directory"] = manage(env, "import_municipalities", "--min-population", "0", "--no-progress")
    setup_django()
    from benchmarks import dataset

    log(f"{args.signatories:,} signatories (bulk inserts)")
    summary = dataset.build(args.signatories, seed=args.seed)
    read_models = summary.pop("read models")
    steps["signatories"] = summary.pop("seconds") - sum(read_models.values())
    steps.update(read_models)
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "directory": args.directory,
        "dataset": summary,
        "build_seconds": {k: round(v, 1) for k, v in steps.items()},
    }
    (folder / META_NAME).write_text(json.dumps(meta, indent=1))
    return meta


def setup_django() -> None:
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def describe_database() -> dict[str, int]:
    from accounts.models import Municipality, MunicipalityName
    from pledges.models import Pledge

    verified = Pledge.objects.filter(status=Pledge.Status.VERIFIED)
    found = verified.filter(municipality__search_names__normalized_name__startswith=SEARCH).values("pk").distinct()
    return {
        "signatories": verified.count(),
        "places": Municipality.objects.count(),
        "searchable names": MunicipalityName.objects.count(),
        f"signatories found by {SEARCH!r}": found.count(),
    }


def endpoints() -> list[Endpoint]:
    """The public endpoints, with a far page and a profile read from the database."""
    from django.db.models import Count, Q

    from pledges.models import Pledge

    verified = Pledge.objects.filter(status=Pledge.Status.VERIFIED)
    try:
        page_size = import_module("campaign.public.signatories").PAGE_SIZE
    except (ImportError, AttributeError):
        page_size = 25
    last_page = max(1, math.ceil(verified.count() / page_size))
    busiest = (
        verified.annotate(n=Count("reports", filter=Q(reports__status="submitted")))
        .order_by("-n", "pk")
        .values_list("municipality__slug", flat=True)
        .first()
    )
    cached: dict[str, Any] = {"target": CACHED_TARGET, "cached": True}
    read: dict[str, Any] = {"target": READ_TARGET}
    return [
        Endpoint("trivial view", "/bench/trivial/"),
        Endpoint("home", "/en/", **cached),
        Endpoint("list, page 1", "/en/cities/", **read),
        Endpoint(f"list, search {SEARCH!r}", f"/en/cities/?q={SEARCH}", **read),
        Endpoint("list, by country, page 3", "/en/cities/?sort=country&page=3", **read),
        Endpoint(f"list, page {last_page} (last)", f"/en/cities/?page={last_page}", **read),
        Endpoint("profile", f"/en/cities/{busiest}/", **read),
        Endpoint("API signatories", "/api/v1/signatories/", **read),
        Endpoint("GeoJSON", "/map/signatories.geojson", **cached),
        Endpoint("dashboard", "/en/dashboard/", **cached),
        Endpoint("embed counter", "/en/embed/counter/", **cached),
        Endpoint("embed map", "/en/embed/map/", **cached),
    ]


# --- in this process -------------------------------------------------------------------------


def in_process(client, path: str) -> tuple[int | str, int, float, int]:
    """(status or error, queries, ms, bytes) of one GET, streamed bodies read to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        try:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as error:  # the view failed: report it, measure the rest
            return f"error {type(error).__name__}: {error}", len(captured), 0.0, 0
        ms = (time.perf_counter() - started) * 1000
    return response.status_code, len(captured), ms, len(body)


def count_queries(points: list[Endpoint], problems: list[str]) -> None:
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    in_process(client, "/bench/trivial/")  # the process's first request loads the URLconf: not the cache's cost
    for point in points:
        cache.clear()
        cold_status, cold, point.cold_ms, _size = in_process(client, point.path)
        warm_status, warm, _ms, _size = in_process(client, point.path)
        times = [in_process(client, point.path)[2] for _ in range(3)]
        point.app_ms = statistics.median(times)
        point.queries = (str(cold), str(warm))
        for status in (cold_status, warm_status):
            if status != 200:
                problems.append(f"in process, {point.path}: {status}")


def download_queries() -> dict[str, tuple[int | str, int, float]]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    found = {}
    for name in DOWNLOADS:
        status, queries, ms, _size = in_process(client, f"/data/{name}")
        found[name] = (status, queries, ms)
    return found


def dashboard_build(runs: int) -> list[str]:
    """The dashboard's numbers computed with the cache cleared, timed in this process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from campaign.models import Campaign

    lines = []
    try:
        dashboard = import_module("campaign.public.dashboard")
    except ImportError as error:
        return [f"dashboard cold build: skipped, campaign.public.dashboard cannot be imported ({error})"]
    campaign = Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("pk").first()
    for name in ("dashboard_data", "cached_dashboard_data"):
        function = getattr(dashboard, name, None)
        if function is None:
            lines.append(f"{name}(campaign): skipped, campaign.public.dashboard has no {name}")
            continue
        times, queries = [], 0
        try:
            for _ in range(runs):
                cache.clear()
                with translation.override("en"), CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    function(campaign)
                    times.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
        except Exception as error:  # a new signature, say: say so rather than stop
            lines.append(f"{name}(campaign): skipped, {type(error).__name__}: {error}")
            continue
        verdict = "ok" if statistics.median(times) <= DASHBOARD_TARGET_MS else "MISS"
        lines.append(
            f"{name + '(campaign)':<34} median {statistics.median(times):7.0f} ms  (min {min(times):.0f}, "
            f"max {max(times):.0f}; {runs} runs, cache cleared)  {queries} queries  "
            f"target <= {DASHBOARD_TARGET_MS} ms: {verdict}"
        )
    client = Client(HTTP_HOST="127.0.0.1")
    page = []
    for _ in range(runs):
        cache.clear()
        status, queries, ms, _size = in_process(client, "/en/dashboard/")
        if status != 200:
            lines.append(f"{'GET /en/dashboard/, cache cleared':<34} {status}")
            break
        page.append(ms)
    else:
        lines.append(
            f"{'GET /en/dashboard/, cache cleared':<34} median {statistics.median(page):7.0f} ms  "
            f"(the whole page; {queries} queries)"
        )
    trivial = [in_process(client, "/bench/trivial/")[2] for _ in range(300)]
    lines.append(f"{'GET /bench/trivial/ (for scale)':<34} median {statistics.median(trivial):7.2f} ms  (300 runs)")
    return lines


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn in its own process group, stopped (the group) on exit, whatever happens."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.command = [
            *(GUNICORN, "campaign.wsgi:application", "--chdir", str(ROOT)),
            *("--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}"),
            *("--timeout", str(DOWNLOAD_TIMEOUT), "--graceful-timeout", "5", "--log-level", "warning"),
            # gunicorn.conf.py logs each request; a log line per request is not what is measured.
            *("--access-logfile", "/dev/null"),
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        # Not a with block: the file stays open while gunicorn runs, and __exit__ closes it.
        self.log_file = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log_file, stderr=self.log_file, start_new_session=True
        )
        try:
            self._wait_until_ready()
        except BaseException:  # __exit__ is not called when __enter__ fails
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                if get(self.port, "/bench/trivial/", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}:\n{self.tail()}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log_file.close()

    def tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join("    " + line for line in text) or "    (gunicorn wrote nothing)"


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = HTTP_TIMEOUT):
    """(status, headers, body, seconds to the first byte, seconds in all) of one GET; the
    headers are an http.client.HTTPMessage (case-insensitive, get_all for Set-Cookie)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept-Encoding": "identity", **(headers or {})})
        response = connection.getresponse()
        first = time.perf_counter() - started
        chunks = []
        while chunk := response.read(1 << 20):
            chunks.append(chunk)
        return response.status, response.msg, b"".join(chunks), first, time.perf_counter() - started
    finally:
        connection.close()


def warm(server: Server, point: Endpoint, problems: list[str]) -> None:
    """One request (its headers and time are kept), then concurrent ones until every worker
    has answered: an idle sync worker takes every request sent one at a time."""
    try:
        point.status, point.headers, _body, _first, seconds = get(server.port, point.path)
    except OSError as error:  # a time-out, a reset
        problems.append(f"{point.path}: {error!r}; gunicorn's log ends with:\n{server.tail()}")
        return
    point.first_ms = seconds * 1000
    if point.status != 200:
        problems.append(f"{point.path}: HTTP {point.status}; gunicorn's log ends with:\n{server.tail()}")
        return
    workers = {point.headers.get("X-Bench-Worker", "?")}
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        for _batch in range(10):
            answers = list(pool.map(lambda _n: get(server.port, point.path), range(2 * WORKERS)))
            workers.update(headers.get("X-Bench-Worker", "?") for _s, headers, *_rest in answers)
            if len(workers) >= WORKERS:
                return
    problems.append(f"{point.path}: only workers {sorted(workers)} answered the warm-up")


def kilobytes(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    return f"{size / 1000:,.1f} kB" if size < 10_000_000 else f"{size / 1e6:,.1f} MB"


def body_sizes(server: Server, point: Endpoint) -> None:
    """Raw, gzip and br sizes as served; computed here (marked *) when the server does not compress."""
    raw = get(server.port, point.path)[2]
    sizes = [kilobytes(len(raw))]
    for encoding in ("gzip", "br"):
        _status, headers, body, _first, _seconds = get(server.port, point.path, {"Accept-Encoding": encoding})
        served = headers.get("Content-Encoding", "")
        if served == encoding:
            sizes.append(kilobytes(len(body)))
        elif encoding == "gzip":
            sizes.append(kilobytes(len(gzip.compress(raw, compresslevel=6))) + "*")
        else:
            try:
                import brotli  # not a requirement: only when installed
            except ImportError:
                sizes.append("-")
            else:
                sizes.append(kilobytes(len(brotli.compress(raw, quality=5))) + "*")
    point.sizes = (sizes[0], sizes[1], sizes[2])


# --- load ---------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50_ms: float
    errors: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def load_wrk(url: str, seconds: int, connections: int, accept_encoding: str) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    command += ["-H", f"Accept-Encoding: {accept_encoding}", url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s|m)\b", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not rps:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    errors = (int(bad.group(1)) if bad else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    return Load(float(rps.group(1)), float(p50.group(1)) * UNITS[p50.group(2)] if p50 else math.nan, errors)


def load_python(url: str, seconds: int, connections: int, accept_encoding: str) -> Load:
    """wrk's job in Python: threads, each with an http.client connection, for a bounded time."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run() -> None:
        mine, failed = [], 0
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept-Encoding": accept_encoding})
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 400
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=run, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - started
    p50 = statistics.median(latencies) * 1000 if latencies else math.nan
    return Load(len(latencies) / elapsed, p50, errors[0])


def load_rounds(server: Server, points: list[Endpoint], args: argparse.Namespace, client: str) -> None:
    load = load_wrk if client == "wrk" else load_python
    loaded = [p for p in points if p.status == 200]
    for number in range(1, args.rounds + 1):
        trivial = None
        for point in loaded:
            log(f"round {number}/{args.rounds}: {point.path} for {args.seconds} s")
            url = f"http://127.0.0.1:{server.port}{point.path}"
            result = load(url, args.seconds, args.connections, args.accept_encoding)
            trivial = trivial or result.rps
            point.rps.append(result.rps)
            point.shares.append(result.rps / trivial if trivial else math.nan)
            point.p50_ms.append(result.p50_ms)
            point.errors += result.errors


def served_encoding(port: int, path: str, asked: str) -> str:
    """The Content-Encoding answered to Accept-Encoding: asked, from the headers alone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DOWNLOAD_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": asked})
        return connection.getresponse().getheader("Content-Encoding") or "none"
    finally:
        connection.close()


def downloads_over_http(server: Server) -> dict[str, tuple]:
    """Each download read whole (timed from the client), and the encoding served on asking for gzip, br."""
    found = {}
    for name in DOWNLOADS:
        log(f"download /data/{name}")
        status, _headers, body, first, seconds = get(server.port, f"/data/{name}", timeout=DOWNLOAD_TIMEOUT)
        encoding = served_encoding(server.port, f"/data/{name}", "gzip, br")
        if name.endswith(".csv"):
            rows = body.count(b"\n") - 1
        else:
            try:
                rows = json.loads(body).get("count", "?")
            except ValueError:
                rows = "?"
        local_gzip = len(gzip.compress(body, compresslevel=6))
        found[name] = (status, len(body), local_gzip, encoding, rows, first * 1000, seconds * 1000)
    return found


# --- the report ---------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else math.nan


def verdict(point: Endpoint) -> str:
    if point.target is None:
        return ""
    if not point.shares:
        return "not measured"
    misses = []
    if median(point.shares) < point.target:
        misses.append("speed")
    if point.cached and point.queries[1] != "0":
        misses.append("queries")
    goal = f">={point.target:.0%}" + (", 0 q" if point.cached else "")
    return f"{goal}: " + ("MISS " + "+".join(misses) if misses else "ok")


def table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append(" | ".join(cells).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return lines


def endpoint_table(points: list[Endpoint]) -> list[str]:
    head = ["endpoint", "req/s", "share of trivial", "target", "p50 ms", "app ms", "cold ms", "queries cold/warm"]
    rows = [[*head, "raw", "gzip", "br", "errors"]]
    for p in points:
        measured = bool(p.rps)
        rows.append(
            [
                f"{p.label}  {p.path}" if len(p.path) < 44 else f"{p.label}  {p.path[:41]}...",
                f"{median(p.rps):,.0f}" if measured else f"HTTP {p.status}",
                f"{median(p.shares):.1%}" if measured else "-",
                verdict(p),
                f"{median(p.p50_ms):.1f}" if measured else "-",
                f"{p.app_ms:.1f}" if p.app_ms else "-",
                f"{p.cold_ms:.0f}" if p.cold_ms else "-",
                "/".join(p.queries),
                *p.sizes,
                str(p.errors),
            ]
        )
    return [
        *table(rows, right={1, 2, 4, 5, 6, 7, 8, 9, 10, 11}),
        "",
        "  trivial view by round: " + ", ".join(f"{r:,.0f}" for r in points[0].rps) + " req/s",
        "  req/s, share and p50 ms: medians over the rounds; share: of the trivial view's req/s in the same round;",
        "  p50 ms: latency under load, from the client; in this process, one request at a time: app ms warm,",
        "  cold ms with the cache cleared;",
        "  queries: in this process, cold (cache cleared) / warm (right after); sizes as served for each",
        "  Accept-Encoding, * = the server sent it uncompressed and the size is gzip -6 / brotli -q5 computed here.",
    ]


def response_table(points: list[Endpoint]) -> list[str]:
    rows = [["endpoint", "status", "first ms", "Content-Type", "Cache-Control", "ETag", "Vary", "Set-Cookie"]]
    for p in points:
        h = p.headers
        if h is None:
            rows.append([p.label, "-", "-", "-", "-", "-", "-", "-"])
            continue
        cookies = [c.split("=", 1)[0] for c in h.get_all("Set-Cookie") or []]
        rows.append(
            [
                p.label,
                str(p.status),
                f"{p.first_ms:.0f}",
                h.get("Content-Type", "-"),
                h.get("Cache-Control", "-"),
                "yes" if h.get("ETag") else "-",
                h.get("Vary", "-"),
                ",".join(cookies) or "-",
            ]
        )
    return ["Responses (the first request of each endpoint, the cache cold):", *table(rows, right={1, 2})]


def download_table(downloads: dict[str, tuple], download_q: dict[str, tuple]) -> list[str]:
    if not downloads:
        return ["Downloads: skipped (--no-downloads)."]
    head = ["download", "status", "rows", "raw", "gzip", "served for gzip, br", "first byte ms", "total ms"]
    rows = [[*head, "app ms", "queries"]]
    for name, (status, size, local_gzip, encoding, count, first, total) in downloads.items():
        q_status, queries, app_ms = download_q[name]
        rows.append(
            [
                f"/data/{name}",
                str(status),
                f"{count:,}" if isinstance(count, int) else str(count),
                kilobytes(size),
                kilobytes(local_gzip) + "*",
                encoding,
                f"{first:,.0f}",
                f"{total:,.0f}",
                f"{app_ms:,.0f}",
                str(queries) if q_status == 200 else f"{queries} ({q_status})",
            ]
        )
    return [
        "Downloads (read whole from the client, one at a time; app ms and queries: in this process):",
        *table(rows, right={1, 2, 3, 4, 6, 7, 8, 9}),
        "  gzip*: gzip -6 of the raw body, computed here; served: Content-Encoding answered to gzip, br.",
    ]


def report(points, downloads, download_q, dashboard_lines, context) -> None:
    out = [
        "",
        f"Public load at {context['signatories']:,} signatories  ({context['when']})",
        *(f"  {'data set' if i == 0 else '':<10} {line}" for i, line in enumerate(context["dataset"])),
        f"  machine    {os.cpu_count()} CPUs; Python {sys.version.split()[0]}, Django {context['django']}, "
        f"SQLite {context['sqlite']}, {context['cache']}",
        f"             {context['busy']} (this run alone: about {WORKERS + 1})",
        f"  server     {context['server']}",
        f"  load       {context['load']}",
        "",
        *endpoint_table(points),
        "",
        *response_table(points),
        "",
        *download_table(downloads, download_q),
        "",
        "Dashboard built cold (in this process):",
        *("  " + line for line in dashboard_lines),
        "",
        "Times:",
        *(f"  {k:<12} {v}" for k, v in context["times"].items()),
        "",
        "Command:",
        "  " + " ".join(shlex.quote(a) for a in [PYTHON, *sys.argv]),
    ]
    print("\n".join(out), flush=True)


# --- main -----------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load time of each endpoint in each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections of the load")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="auto: wrk if installed")
    parser.add_argument(
        "--accept-encoding",
        default="gzip, deflate, br",
        help="the load's Accept-Encoding header (default: a browser's; identity for raw bodies)",
    )
    parser.add_argument("--directory", action=argparse.BooleanOptionalAction, default=True, help="import the directory")
    parser.add_argument("--signatories", type=int, default=SIGNATORIES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dashboard-runs", type=int, default=5)
    parser.add_argument("--downloads", action=argparse.BooleanOptionalAction, default=True, help="time /data/*")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--keep", type=Path, metavar="DIR", help="build the data set in DIR and keep it")
    where.add_argument("--reuse", type=Path, metavar="DIR", help="reuse the data set kept in DIR")
    args = parser.parse_args()
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed")
    if not GUNICORN:
        parser.error("gunicorn is not installed (.venv/bin/gunicorn, from requirements.txt)")
    return args


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that gunicorn is stopped too
    started = time.perf_counter()
    folder = (args.reuse or args.keep or Path(tempfile.mkdtemp(prefix="public-load-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder)
    times = {}
    try:
        if args.reuse:
            if not (folder / META_NAME).exists():
                sys.exit(f"{folder} holds no data set: build one with --keep {folder}")
            meta = json.loads((folder / META_NAME).read_text())
            log(f"reusing the data set of {meta['built_at']} in {folder}; migrate, rebuild the read models")
            manage(env, "migrate", "--noinput", "-v0")
            setup_django()
            from benchmarks import dataset

            took = ", ".join(f"{k} {v:.0f} s" for k, v in dataset.refresh_read_models().items()) or "none"
            built = f"{meta['built_at']}, in {sum(meta['build_seconds'].values()):.0f} s"
            times["build"] = f"reused (built {built}); read models rebuilt: {took}"
        else:
            meta = build(folder, env, args)
            steps = ", ".join(f"{k} {v:.0f} s" for k, v in meta["build_seconds"].items())
            times["build"] = f"{sum(meta['build_seconds'].values()):.0f} s ({steps})"
        if static_is_stale(folder):
            log("collectstatic (about 2 minutes)")
            times["static"] = f"collectstatic {manage(env, 'collectstatic', '--noinput', '-v0'):.0f} s"
        setup_django()
        import django
        from django.conf import settings
        from django.db import connection

        points = endpoints()
        problems: list[str] = []
        log("queries and timings in this process")
        phase = time.perf_counter()
        count_queries(points, problems)
        download_q = download_queries() if args.downloads else {}
        dashboard_lines = dashboard_build(args.dashboard_runs)
        times["in process"] = f"{time.perf_counter() - phase:.0f} s"
        described = describe_database()
        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()")
            sqlite = cursor.fetchone()[0]

        from django.core.cache import cache

        cache.clear()  # a shared cache (files, Redis) would otherwise start the server warm
        with Server(env, folder / "gunicorn.log") as server:
            log(f"gunicorn on port {server.port}; warming each endpoint in both workers")
            phase = time.perf_counter()
            for point in points:
                warm(server, point, problems)
                if point.status == 200:
                    body_sizes(server, point)
            before = os.getloadavg()[0]
            load_rounds(server, points, args, args.client)
            times["load"] = f"{time.perf_counter() - phase:.0f} s"
            busy = f"load average (1 min) {before:.1f} before the load, {os.getloadavg()[0]:.1f} at its end"
            phase = time.perf_counter()
            downloads = downloads_over_http(server) if args.downloads else {}
            times["downloads"] = f"{time.perf_counter() - phase:.0f} s"
            if any(p.errors for p in points):
                problems.append("errors under load; gunicorn's log ends with:\n" + server.tail())
        times["total"] = f"{time.perf_counter() - started:.0f} s"
        wrk = "wrk 4 (-t2)" if args.client == "wrk" else "Python client (threads, http.client)"
        dataset = meta["dataset"]
        context = {
            "signatories": described["signatories"],
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "dataset": [
                ", ".join(f"{v:,} {k}" for k, v in described.items())
                + (" (directory imported)" if meta["directory"] else " (no directory)"),
                f"{dataset['countries']} countries, {dataset['commitments']} commitments, "
                f"{dataset['chosen']:,} chosen; {dataset['versions']:,} report versions",
                "reports " + ", ".join(f"{k} {v:,}" for k, v in dataset["reports"].items()),
                "periods " + ", ".join(dataset["periods"]),
            ],
            "django": django.get_version(),
            "sqlite": sqlite,
            "cache": "cache {} {}".format(
                settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1], settings.CACHES["default"].get("LOCATION", "")
            ),
            "server": " ".join(shlex.quote(c) for c in server.command[1:]) + f"  (DJANGO_SETTINGS_MODULE={SETTINGS})",
            "load": f"{wrk}, {args.connections} connections, {args.seconds} s per endpoint, {args.rounds} rounds, "
            f"Accept-Encoding: {args.accept_encoding}",
            "times": times,
            "busy": busy,
        }
        report(points, downloads, download_q, dashboard_lines, context)
        if problems:
            print("\nProblems:\n" + "\n".join("  " + p for p in problems))
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

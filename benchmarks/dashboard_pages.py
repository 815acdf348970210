"""Time the dashboard and the list of signatories with many signatories.

    .venv/bin/python benchmarks/dashboard_pages.py [--signatories 1000] [--runs 20]

Builds a scratch SQLite database in a temporary folder (never the project's), creates the
signatories in bulk, and prints the median and worst time and the number of queries of:
the dashboard's numbers computed cold, the dashboard page cold and from the cache, the
signatories list (first page, a search, a sort) and the CSV of one chart.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="dashboard-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def measure(label, func, runs, before=None):
    times, queries = [], 0
    for _ in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            func()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    print(f"{label:<48} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms   {queries:3d} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatories", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from campaign.public import dashboard
    from tests.builders import bulk_world

    start = time.perf_counter()
    campaign = bulk_world(args.signatories)
    print(
        f"{args.signatories} signatories with 2 commitments and a report each, built in "
        f"{time.perf_counter() - start:.1f} s ({SCRATCH})"
    )
    client = Client()
    url = f"/en/dashboard/?campaign={campaign.slug}"

    def ok(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    measure("dashboard_data() (numbers only, cold)", lambda: dashboard.dashboard_data(campaign), args.runs)
    measure("GET dashboard, cold cache", lambda: ok(url), args.runs, before=cache.clear)
    ok(url)
    measure("GET dashboard, from the cache", lambda: ok(url), args.runs)
    measure(
        "GET progress.csv, from the cache",
        lambda: ok(f"/en/dashboard/progress.csv?campaign={campaign.slug}"),
        args.runs,
    )
    measure("GET signatories list, first page", lambda: ok("/en/cities/"), args.runs)
    measure("GET signatories list, search 'bulk 9'", lambda: ok("/en/cities/?q=bulk+9"), args.runs)
    measure("GET signatories list, by country, page 3", lambda: ok("/en/cities/?sort=country&page=3"), args.runs)


if __name__ == "__main__":
    main()

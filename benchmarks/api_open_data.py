"""Time the open data API pages and the downloads with many signatories.

    .venv/bin/python benchmarks/api_open_data.py [--signatories 5000] [--runs 10]

Builds a scratch SQLite database in a temporary folder (never the project's), creates the
signatories (3 commitments and one submitted report each) in bulk, and prints the median and
worst time and the number of queries of API pages and of each streamed download.
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
SCRATCH = tempfile.mkdtemp(prefix="api-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def measure(client, label, url, runs, *, stream=False):
    times, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, headers={"accept": "application/json"})
            body = b"".join(response.streaming_content) if stream else response.content
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries, size = len(ctx.captured_queries), len(body)
    print(
        f"{label:<44} median {statistics.median(times) * 1000:8.1f} ms   worst {max(times) * 1000:8.1f} ms"
        f"   {queries:3d} queries   {size / 1024:8.1f} KiB"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatories", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from datetime import date, timedelta

    from tests.builders import add_signatories
    from tests.factories import CampaignFactory, CommitmentFactory, ReportingPeriodFactory

    campaign = CampaignFactory(slug="bulk")
    commitments = [CommitmentFactory(campaign=campaign) for _ in range(3)]
    today = date.today()
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    start = time.perf_counter()
    add_signatories(campaign, commitments, period, 0, args.signatories)
    print(f"{args.signatories} signatories built in {time.perf_counter() - start:.1f} s (SQLite, {SCRATCH})\n")

    client = Client()
    measure(client, "signatories, first page (50)", "/api/v1/signatories/", args.runs)
    measure(client, "signatories, page 20 of 200 a page", "/api/v1/signatories/?page=20&page_size=200", args.runs)
    measure(
        client, "signatories, country + ordering", "/api/v1/signatories/?country=BE&ordering=-verified_at", args.runs
    )
    measure(client, "reports, first page", "/api/v1/reports/", args.runs)
    measure(
        client, "municipalities directory, has_signed", "/api/v1/municipalities/directory/?has_signed=true", args.runs
    )
    measure(client, "commitments", "/api/v1/commitments/?lang=fr", args.runs)
    runs = max(1, args.runs // 3)
    for name in ("signatories.csv", "signatories.json", "reports.csv", "reports.json", "commitments.csv"):
        measure(client, f"download /data/{name}", f"/data/{name}", runs, stream=True)


if __name__ == "__main__":
    main()

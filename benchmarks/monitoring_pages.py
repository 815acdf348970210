"""Time the monitoring pages (indicators, baselines, targets, values) at campaign scale.

    .venv/bin/python benchmarks/monitoring_pages.py [--signatories 2000] [--runs 10]

Builds a scratch SQLite database in a temporary folder (never the project's) with
``dataset.build(n)``, then adds monitoring in bulk: for every public pledge's chosen
commitment that has campaign indicators, a baseline and target per indicator and the means
of implementation, and for every published report version the indicators' values in its
content (as a submitted report freezes them). Then, in this process with django.test.Client,
each target interleaved with a trivial view (the yardstick: /bench/trivial/ of
benchmarks/bench_urls.py), prints one line per target: median and p95 time, queries,
response size, and the median as a multiple of the trivial view's median of the same runs.

Targets: a city profile with the most indicators (cold cache), the dashboard (cold and
from the cache), the long CSV of indicator values (cold) and the API's first page of
indicator values (cold).
"""

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = tempfile.mkdtemp(prefix="monitoring-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"  # the trivial view at /bench/trivial/
os.environ.pop("REDIS_URL", None)  # never a shared Redis: the benchmark clears the cache
os.environ["CACHE_DIR"] = f"{SCRATCH}/cache"
os.environ["MEDIA_ROOT"] = f"{SCRATCH}/media"
os.environ["PRIVATE_MEDIA_ROOT"] = f"{SCRATCH}/private-media"
# One client asks many times a second: the API's rate limits (api_manners.py) would answer 429s.
os.environ["API_THROTTLE_ANON"] = ""
os.environ["API_THROTTLE_USER"] = ""

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from benchmarks import dataset  # noqa: E402

TRIVIAL = "/bench/trivial/"
SUPPORT = ["resources", "tools", "partnerships"]


def _plain(value: Decimal) -> str:
    """As the frozen content writes a value: "1234.5", "1000", never "1E+3"."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return format(normal, "f")


def _baseline_and_target(rng: random.Random, indicator) -> tuple[Decimal, Decimal]:
    up = indicator.higher_is_better
    kind = indicator.kind
    if kind == "yes_no":
        return (Decimal(0), Decimal(1)) if up else (Decimal(1), Decimal(0))
    if kind == "percentage":
        base = Decimal(rng.randint(0, 600)) / 10
        goal = Decimal(rng.randint(int(base * 10), 1000)) / 10 if up else Decimal(rng.randint(0, int(base * 10))) / 10
        return base, goal
    if kind == "amount":
        base = Decimal(rng.randint(1_000_000, 100_000_000)) / 100
        factor = Decimal(rng.randint(110, 300)) / 100 if up else Decimal(rng.randint(30, 90)) / 100
        return base, (base * factor).quantize(Decimal("0.01"))
    base = Decimal(rng.randint(0, 500))  # count: whole
    return base, (base + rng.randint(10, 500) if up else Decimal(rng.randint(0, int(base))))


def _value(rng: random.Random, kind: str, base: Decimal, goal: Decimal, share: float) -> Decimal:
    """A value part of the way from baseline to target, with some noise, valid for its kind."""
    if kind == "yes_no":
        return goal if rng.random() < share else base
    raw = float(base) + (float(goal) - float(base)) * share * rng.uniform(0.6, 1.2)
    if kind == "percentage":
        return Decimal(str(round(min(100.0, max(0.0, raw)), 1)))
    if kind == "amount":
        return Decimal(str(round(max(0.0, raw), 2)))
    return Decimal(max(0, round(raw)))


def add_monitoring(seed: int = 11) -> dict[str, int]:
    """Targets, means and values for the public pledges built by dataset.build(), in bulk."""
    from pledges.models import PledgeCommitment, ReportVersion
    from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation
    from pledges.rules import public_pledges

    rng = random.Random(seed)
    indicators: dict[int, list] = {}
    for indicator in Indicator.objects.filter(municipality__isnull=True).order_by("commitment_id", "order", "code"):
        indicators.setdefault(indicator.commitment_id, []).append(indicator)
    pledges = public_pledges()
    chosen = list(
        PledgeCommitment.objects.filter(pledge__in=pledges, commitment_id__in=indicators).select_related("pledge")
    )
    targets, means = [], []
    # (pledge id, commitment id) -> [(indicator, baseline, target)]
    plans: dict[tuple[int, int], list] = {}
    for link in chosen:
        joined = link.pledge.verified_at.date()
        for indicator in indicators[link.commitment_id]:
            base, goal = _baseline_and_target(rng, indicator)
            targets.append(
                IndicatorTarget(
                    chosen=link,
                    indicator=indicator,
                    baseline_value=base,
                    baseline_year=joined.year - 1,
                    target_value=goal,
                    target_date=date(rng.randint(2027, 2030), 12, 31),
                    currency="EUR" if indicator.kind == "amount" else "",
                )
            )
            plans.setdefault((link.pledge_id, link.commitment_id), []).append((indicator, base, goal))
        means.append(
            MeansOfImplementation(
                chosen=link,
                budget_amount=Decimal(rng.randint(5_000, 2_000_000)),
                budget_currency="EUR",
                staff_fte=Decimal(rng.randint(5, 80)) / 10,
                lead_department="Social affairs",
                support_needed=sorted(rng.sample(SUPPORT, k=rng.randint(0, len(SUPPORT))), key=SUPPORT.index),
            )
        )
    values = 0
    with transaction.atomic():
        IndicatorTarget.objects.bulk_create(targets, batch_size=5000)
        MeansOfImplementation.objects.bulk_create(means, batch_size=5000)
        versions = list(
            ReportVersion.objects.filter(report__pledge__in=pledges, published_at__isnull=False)
            .select_related("report")
            .only("pk", "content", "report__pledge_id", "report__period_id")
        )
        periods = sorted({v.report.period_id for v in versions})
        for version in versions:
            share = (periods.index(version.report.period_id) + 1) / (len(periods) + 1)
            for update in (version.content or {}).get("updates") or []:
                plan = plans.get((version.report.pledge_id, update.get("commitment_id")))
                if not plan:
                    continue
                update["indicators"] = [
                    {
                        "indicator_id": indicator.pk,
                        "code": indicator.code,
                        "value": _plain(_value(rng, indicator.kind, base, goal, share)),
                    }
                    for indicator, base, goal in plan
                ]
                values += len(plan)
        ReportVersion.objects.bulk_update(versions, ["content"], batch_size=1000)
    return {"targets": len(targets), "means": len(means), "values": values, "versions": len(versions)}


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(client, label, url, runs, *, before=None, headers=None):
    """Each run: the trivial view, then the target (after ``before``, untimed)."""
    trivial, times, queries, size = [], [], set(), 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(TRIVIAL)
        trivial.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (TRIVIAL, response.status_code)
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, headers=headers or {})
            body = b"".join(response.streaming_content) if response.streaming else response.content
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(captured))
        size = len(body)
    median = statistics.median(times)
    counted = str(min(queries)) if len(queries) == 1 else f"{min(queries)}-{max(queries)}"
    print(
        f"{label:<36} median {median:8.1f} ms  p95 {_p95(times):8.1f} ms  {counted:>5} queries"
        f"  {size / 1024:8.1f} KiB  {median / statistics.median(trivial):7.1f}x trivial"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatories", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from django.db.models import Count

    from pledges.monitoring.models import IndicatorTarget

    start = time.perf_counter()
    built = dataset.build(args.signatories)
    base_seconds = time.perf_counter() - start
    added = add_monitoring()
    dataset.refresh_read_models()
    cache.clear()
    seconds = time.perf_counter() - start
    print(
        f"{built['signatories']} signatories, {added['targets']} indicator targets, {added['means']} means, "
        f"{added['values']} values in {added['versions']} published versions; built in {seconds:.1f} s "
        f"(dataset {base_seconds:.1f} s, monitoring and read models {seconds - base_seconds:.1f} s; {SCRATCH})"
    )

    busiest = (
        IndicatorTarget.objects.values("chosen__pledge_id", "chosen__pledge__municipality__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "chosen__pledge_id")
        .first()
    )
    slug, campaign = busiest["chosen__pledge__municipality__slug"], built["campaign"]
    client = Client()
    client.get(TRIVIAL)  # the first request loads the URLconf: not the targets' cost
    runs = args.runs
    measure(client, f"city profile ({busiest['n']} indicators), cold", f"/en/cities/{slug}/", runs, before=cache.clear)
    dashboard = f"/en/dashboard/?campaign={campaign}"
    measure(client, "dashboard, cold", dashboard, runs, before=cache.clear)
    client.get(dashboard)
    measure(client, "dashboard, from the cache", dashboard, runs)
    measure(client, "download indicator-values.csv, cold", "/data/indicator-values.csv", runs, before=cache.clear)
    measure(
        client,
        "API indicator-values, page 1, cold",
        "/api/v1/indicator-values/",
        runs,
        before=cache.clear,
        headers={"accept": "application/json"},
    )


if __name__ == "__main__":
    main()

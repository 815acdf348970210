"""Latency of the municipality search against the directory in the configured database.

Import the full directory first (``python manage.py import_municipalities --min-population 0``),
then run, from the project's root:

    .venv/bin/python benchmarks/search_municipalities.py [--queries 400] [--seed 42]

with DATABASE_URL pointing at the database to measure. Prints the median, 95th percentile
and worst latency of ``search_municipalities`` over prefixes (2 to 8 letters) of real
place names drawn from the directory, plus the names of DESIGN.md's flows. Not a test.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import Municipality, MunicipalityName  # noqa: E402
from accounts.search import search_municipalities  # noqa: E402

FIXED = ["Malines", "Beyrouth", "Tanger", "Sao Paulo", "Mechelen", "Beirut", "Tangier", "São Paulo", "Paulo"]


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def build_queries(n, seed):
    rng = random.Random(seed)
    max_id = Municipality.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    names = []
    while len(names) < n and max_id:
        pk = rng.randint(1, max_id)
        name = Municipality.objects.filter(pk__gte=pk).order_by("pk").values_list("name", flat=True).first()
        if name and len(name) >= 2:
            names.append(name)
    queries = [name[: rng.randint(2, min(8, len(name)))] for name in names]
    return queries + FIXED


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    places = Municipality.objects.count()
    if not places:
        sys.exit("The directory is empty: run manage.py import_municipalities --min-population 0 first.")
    queries = build_queries(args.queries, args.seed)
    for q in queries[:20]:  # warm the caches
        search_municipalities(q)

    timings, empty = [], 0
    for q in queries:
        start = time.perf_counter()
        results = search_municipalities(q)
        timings.append((time.perf_counter() - start) * 1000)
        empty += not results
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"directory: {places} municipalities, {MunicipalityName.objects.count()} searchable names")
    print(f"queries: {len(queries)} ({empty} without results)")
    print(f"median: {statistics.median(timings):.1f} ms")
    print(f"p95:    {percentile(timings, 95):.1f} ms")
    print(f"max:    {max(timings):.1f} ms")
    print("slowest: " + ", ".join(f"{q!r} {t:.0f} ms" for t, q in slowest))
    for q in FIXED[:4]:
        top = search_municipalities(q)[:1]
        print(f"{q!r} → {top[0].name + ', ' + top[0].country if top else 'nothing'}")


if __name__ == "__main__":
    main()

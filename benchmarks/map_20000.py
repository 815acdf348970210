"""How the signatory map copes with 20,000 signatories in Chromium. Not a test: prints figures.

    .venv/bin/python benchmarks/map_20000.py [--features 20000] [--port 8797] [--seed 7]
        [--dataset synthetic|realistic]

Fills a scratch SQLite database with N synthetic verified signatories (bulk_create: cities
spread over the globe, chosen commitments, reports on time, late and missing; or, with
``--dataset realistic``, benchmarks/dataset.py's campaign: 47 countries, varied names, 6 to
12 commitments each), then the public read model from them (bulk_create sends no signal:
``projection.rebuild()``, what ``manage.py rebuild_public_signatories`` does), starts
``manage.py runserver`` on it, so that the real /map/signatories.geojson builds and serves
them, refuses map tiles (as when the tile server is down), loads /en/map/ in headless
Chromium and prints:

- the server's time to build the GeoJSON (cold cache) and to serve it again (warm), and
  the body's size: raw, and compressed as campaign/public/cache.py stores it (gzip level 9,
  brotli quality 9), per feature too; then what Chromium was sent (encoded / decoded);

- time from navigation start to the first clustered render (every marker handed to
  Supercluster and the clusters of the view drawn), read from map.js's window.cfmMap timings,
  and, independently of map.js, from a requestAnimationFrame poll started before any script
  runs: the first frame with an icon on the map, and the first whose icons (clusters
  counted by their number) account for every signatory;
- long tasks (> 50 ms) seen by a PerformanceObserver from the start: count, longest, total;
- the same after choosing a continent filter and after clearing it again;
- how many list rows are in the DOM (capped at 100 behind "Show more");
- the first clustered render of three new visitors (fresh browser contexts) once the
  server has the page and the GeoJSON cached.
"""

import argparse
import gzip
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

try:
    import brotli
except ImportError:  # the figures then leave brotli out
    brotli = None

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
COUNTRIES = [
    ("BE", "Belgium", "EU"),
    ("BR", "Brazil", "SA"),
    ("JP", "Japan", "AS"),
    ("KE", "Kenya", "AF"),
    ("US", "United States", "NA"),
    ("AU", "Australia", "OC"),
    ("FR", "France", "EU"),
    ("IN", "India", "AS"),
]
CODES = ["RIGHTS-1", "SERVICES-1", "SERVICES-2", "DATA-1", "MONITOR-1", "MEANS-1"]

OBSERVER = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push({start: e.startTime, duration: e.duration});
}).observe({type: "longtask", buffered: true});
window.__firstIconFrame = null;
window.__completeFrame = null;
(function poll() {
  requestAnimationFrame(() => {
    let drawn = 0;
    document.querySelectorAll("#signatory-map .leaflet-marker-icon").forEach((el) => {
      drawn += el.classList.contains("marker-cluster") ? parseInt(el.textContent, 10) : 1;
    });
    if (drawn && window.__firstIconFrame === null) window.__firstIconFrame = performance.now();
    if (drawn >= window.__expected) window.__completeFrame = performance.now();
    else poll();
  });
})();
"""


def fill_database(db: Path, n: int, seed: int, dataset: str) -> None:
    """n verified signatories in a fresh database, through the ORM's bulk_create, then the
    public read model from them."""
    if db.exists():
        db.unlink()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from campaign.public import projection

    if dataset == "realistic":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import dataset as realistic

        realistic.build(n, seed=seed)
    else:
        synthetic(n, seed)
    start = time.perf_counter()
    rows = projection.rebuild()
    print(f"read model rebuilt            {rows:,} rows in {time.perf_counter() - start:.1f} s")


def synthetic(n: int, seed: int) -> None:
    from datetime import UTC, date, datetime

    from accounts.models import Municipality
    from campaign.models import Campaign, Commitment, ReportingPeriod
    from pledges.models import Pledge, PledgeCommitment, ProgressReport

    rng = random.Random(seed)
    campaign = Campaign.objects.create(title_en="Cities for Migration", slug="cities-for-migration", status="open")
    commitments = [
        Commitment.objects.create(campaign=campaign, code=code, theme="rights", title_en=code, order=i)
        for i, code in enumerate(CODES)
    ]
    period = ReportingPeriod.objects.create(
        campaign=campaign, label_en="2024", opens=date(2024, 1, 1), due=date(2024, 12, 15)
    )
    cities = Municipality.objects.bulk_create(
        [
            Municipality(
                name=f"Synthetic city {i:05d}",
                ascii_name=f"Synthetic city {i:05d}",
                slug=f"synthetic-city-{i:05d}",
                country=rng.choice(COUNTRIES)[0],
                latitude=rng.uniform(-55, 70),
                longitude=rng.uniform(-170, 170),
                time_zone="UTC",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                campaign=campaign,
                municipality=city,
                status="verified",
                verified_at=datetime(2023, 1, 1, tzinfo=UTC),
                signed_on=date(2023, 1, 1),
            )
            for city in cities
        ],
        batch_size=2000,
    )
    PledgeCommitment.objects.bulk_create(
        [PledgeCommitment(pledge=p, commitment=c) for p in pledges for c in rng.sample(commitments, 4)],
        batch_size=5000,
    )
    ProgressReport.objects.bulk_create(
        [
            ProgressReport(pledge=p, period=period, status="submitted", is_late=rng.random() < 0.3, version=1)
            for p in pledges
            if rng.random() < 0.7
        ],
        batch_size=5000,
    )


def timed_get(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        body = response.read()
    return (time.perf_counter() - start) * 1000, body


def sizes(body: bytes, n: int) -> str:
    """Raw, gzip and brotli sizes, with the levels campaign/public/cache.py stores."""
    found = [("raw", len(body)), ("gzip", len(gzip.compress(body, compresslevel=9, mtime=0)))]
    if brotli is not None:
        found.append(("brotli", len(brotli.compress(body, quality=9))))
    return ", ".join(f"{name} {size / 1e6:.2f} MB ({size / max(n, 1):.1f} B/feature)" for name, size in found)


def wait_for_server(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def long_tasks_since(page, since: float) -> dict:
    tasks = [t for t in page.evaluate("window.__longTasks") if t["start"] >= since]
    return {
        "count": len(tasks),
        "longest_ms": round(max((t["duration"] for t in tasks), default=0)),
        "total_ms": round(sum(t["duration"] for t in tasks)),
    }


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def wait_render(page, renders_before: int) -> float:
    page.wait_for_function(f"() => window.cfmMap && window.cfmMap.timings.renders > {renders_before}", timeout=120_000)
    page.wait_for_timeout(300)  # let the last chunk's paint and any trailing task be observed
    return page.evaluate("window.cfmMap.timings.lastRenderMs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dataset", choices=["synthetic", "realistic"], default="synthetic")
    args = parser.parse_args()

    db = Path(tempfile.gettempdir()) / "map_benchmark.sqlite3"
    start = time.perf_counter()
    fill_database(db, args.features, args.seed, args.dataset)
    print(f"database filled               {args.features:,} signatories in {time.perf_counter() - start:.1f} s")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "true"}
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for_server(base + "/health/")
        print(f"load average                  {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
        cold, body = timed_get(base + "/map/signatories.geojson")
        warm, _body = timed_get(base + "/map/signatories.geojson")
        print(f"GeoJSON on the server         cold {cold:.0f} ms, warm {warm:.0f} ms")
        print(f"  body                       {sizes(body, args.features)}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.add_init_script(f"window.__expected = {args.features};" + OBSERVER)
            page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
            page.goto(base + "/en/map/")
            first = wait_render(page, 0)
            load_tasks = long_tasks_since(page, 0)
            t = page.evaluate("window.cfmMap.timings")
            icon_frame, complete_frame = page.evaluate("[window.__firstIconFrame, window.__completeFrame]")
            resource = page.evaluate(
                """() => performance.getEntriesByType("resource").filter(e => e.name.includes("signatories.geojson"))
                .map(e => ({encoded: e.encodedBodySize, decoded: e.decodedBodySize, start: e.startTime,
                            end: e.responseEnd}))[0] || null"""
            )
            print(f"first clustered render       {first:.0f} ms after navigation start")
            print(f"  first frame with icons     {ms(icon_frame)}")
            print(f"  first frame with them all  {ms(complete_frame)}")
            if resource:
                print(
                    f"  GeoJSON in Chromium        {resource['encoded'] / 1e6:.2f} MB sent, "
                    f"{resource['decoded'] / 1e6:.2f} MB decoded, "
                    f"fetched {resource['start']:.0f}-{resource['end']:.0f} ms"
                )
            print(
                f"  phases (ms from start)     script {t['scriptMs']:.0f}, response {t['responseMs']:.0f}, "
                f"parsed {t['parsedMs']:.0f}, markers built {t['builtMs']:.0f}, clustered {t['firstRenderMs']:.0f}"
            )
            print(f"  long tasks during load     {load_tasks}")
            print(f"  DOM marker/cluster icons   {page.locator('.leaflet-marker-icon').count()}")
            print(f"  list rows in the DOM       {page.locator('#map-list > li').count()}")
            print(f"  count text                 {page.locator('#map-count').inner_text()!r}")

            for label, value in (("filter continent=EU", "EU"), ("clear the filter", "")):
                renders = page.evaluate("window.cfmMap.timings.renders")
                start = page.evaluate("performance.now()")
                page.select_option("#filter-continent", value)
                end = wait_render(page, renders)
                print(f"{label:<28} {end - start:.0f} ms to re-render")
                print(f"  long tasks                 {long_tasks_since(page, start)}")
                print(f"  count text                 {page.locator('#map-count').inner_text()!r}")

            renders = page.evaluate("window.cfmMap.timings.renders")
            start = page.evaluate("performance.now()")
            page.mouse.move(640, 500)
            page.mouse.wheel(0, -400)
            page.wait_for_timeout(1500)
            print(f"zoom in with the wheel       long tasks {long_tasks_since(page, start)}")

            # A new visitor (a fresh browser context: nothing in its HTTP cache) once the
            # server has the page and the GeoJSON ready: what most visits are.
            for visit in range(1, 4):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.add_init_script(f"window.__expected = {args.features};" + OBSERVER)
                page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
                page.goto(base + "/en/map/")
                first = wait_render(page, 0)
                complete_frame = page.evaluate("window.__completeFrame")
                print(
                    f"new visitor, warm server #{visit} first clustered render {first:.0f} ms, all drawn "
                    f"{ms(complete_frame)}, long tasks {long_tasks_since(page, 0)}"
                )
                context.close()
            print(f"JavaScript errors            {errors or 'none'}")
            print(f"load average                 {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

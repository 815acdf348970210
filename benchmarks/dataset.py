"""A campaign-scale data set for the benchmarks, built in bulk (not a test helper).

``build(n)`` fills the configured (scratch) database with ``n`` verified signatories of one
OPEN campaign: the commitment catalogue of ``manage.py seed_commitments`` (27 commitments,
4 required, yearly periods) or, if that command is gone, a small campaign of its own; cities
spread over 47 countries on every continent, with their own time zone, searchable names and
population; each pledge takes the required commitments and a few others with a target; and
for every period it owes, a report on time, late, a draft or none (missing), some corrected
once (two frozen versions). Everything goes through ``bulk_create`` in one transaction, so
20,000 signatories take well under a minute on SQLite; bulk inserts send no signal, so the
read models the project derives from these rows are rebuilt after (READ_MODEL_COMMANDS).

Call it after ``django.setup()`` on a migrated database. Names are made of syllables with
common prefixes, so that a prefix such as "san" matches about one city in ten.
"""

from __future__ import annotations

import io
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

# code, time zone, latitude, longitude, weight (how many signatories, relatively)
COUNTRIES = [
    ("BE", "Europe/Brussels", 50.8, 4.4, 6),
    ("FR", "Europe/Paris", 46.6, 2.4, 10),
    ("DE", "Europe/Berlin", 51.1, 10.4, 9),
    ("ES", "Europe/Madrid", 40.2, -3.7, 8),
    ("IT", "Europe/Rome", 42.8, 12.5, 9),
    ("PT", "Europe/Lisbon", 39.6, -8.0, 3),
    ("NL", "Europe/Amsterdam", 52.2, 5.3, 4),
    ("GR", "Europe/Athens", 39.1, 22.0, 3),
    ("PL", "Europe/Warsaw", 52.0, 19.4, 3),
    ("SE", "Europe/Stockholm", 60.1, 15.6, 2),
    ("NO", "Europe/Oslo", 61.0, 9.0, 1),
    ("IE", "Europe/Dublin", 53.2, -8.0, 1),
    ("GB", "Europe/London", 53.0, -1.5, 5),
    ("CH", "Europe/Zurich", 46.8, 8.2, 2),
    ("AT", "Europe/Vienna", 47.6, 14.1, 2),
    ("TR", "Europe/Istanbul", 39.0, 35.0, 3),
    ("MA", "Africa/Casablanca", 31.8, -7.1, 3),
    ("TN", "Africa/Tunis", 34.0, 9.5, 1),
    ("SN", "Africa/Dakar", 14.5, -14.5, 2),
    ("NG", "Africa/Lagos", 9.1, 8.7, 3),
    ("GH", "Africa/Accra", 7.9, -1.0, 1),
    ("KE", "Africa/Nairobi", 0.2, 37.9, 2),
    ("ET", "Africa/Addis_Ababa", 9.1, 40.5, 1),
    ("ZA", "Africa/Johannesburg", -29.0, 25.0, 2),
    ("EG", "Africa/Cairo", 26.8, 30.8, 2),
    ("LB", "Asia/Beirut", 33.9, 35.9, 1),
    ("JO", "Asia/Amman", 31.2, 36.5, 1),
    ("IN", "Asia/Kolkata", 22.0, 79.0, 5),
    ("BD", "Asia/Dhaka", 23.7, 90.4, 1),
    ("NP", "Asia/Kathmandu", 28.4, 84.1, 1),
    ("ID", "Asia/Jakarta", -2.5, 118.0, 2),
    ("PH", "Asia/Manila", 12.9, 121.8, 2),
    ("JP", "Asia/Tokyo", 36.2, 138.3, 3),
    ("KR", "Asia/Seoul", 36.0, 127.8, 2),
    ("US", "America/Chicago", 39.8, -98.6, 10),
    ("CA", "America/Toronto", 52.0, -95.0, 4),
    ("MX", "America/Mexico_City", 23.6, -102.5, 6),
    ("GT", "America/Guatemala", 15.8, -90.2, 1),
    ("CO", "America/Bogota", 4.6, -74.3, 4),
    ("EC", "America/Guayaquil", -1.8, -78.2, 2),
    ("PE", "America/Lima", -9.2, -75.0, 3),
    ("BR", "America/Sao_Paulo", -14.2, -51.9, 8),
    ("AR", "America/Argentina/Buenos_Aires", -38.4, -63.6, 4),
    ("CL", "America/Santiago", -35.7, -71.5, 3),
    ("AU", "Australia/Sydney", -25.3, 133.8, 3),
    ("NZ", "Pacific/Auckland", -40.9, 174.9, 1),
    ("FJ", "Pacific/Fiji", -17.7, 178.1, 1),
]
PREFIXES = [("San ", 6), ("Santa ", 2), ("São ", 1), ("Saint-", 2), ("Bad ", 1), ("Nova ", 1), ("Port ", 1)]
PREFIXES += [("", 100 - sum(weight for _prefix, weight in PREFIXES))]
SYLLABLES = ["ma", "ri", "lo", "ber", "gen", "ta", "vel", "do", "ra", "mon", "sel", "ka", "ne", "bru", "san"]
SYLLABLES += ["tor", "vi", "la", "ge", "ro", "pa", "li", "me", "che", "len", "ha", "zu", "an", "ost", "wal"]
SUFFIXES = ["", "", "", "", "burg", "ville", "dorf", "polis", "ton", "ia", "ada", "heim"]
UPDATE_STATUSES = [("not_started", 2), ("planned", 3), ("in_progress", 4), ("achieved", 2)]

# Commands that rebuild what is derived from the rows (read models), run after the bulk
# inserts since those send no signal; each one only when the project has it.
READ_MODEL_COMMANDS = ["rebuild_public_signatories"]

# Used only when seed_commitments is not there any more.
FALLBACK_COMMITMENTS = [
    ("RIGHTS-1", "rights", True),
    ("SERVICES-1", "services", False),
    ("SERVICES-2", "services", False),
    ("PROTECT-1", "protection", False),
    ("VOICE-1", "participation", False),
    ("DATA-1", "data", True),
    ("MEANS-1", "means", False),
    ("MONITOR-1", "monitoring", True),
]


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _w in pairs], weights=[w for _v, w in pairs])[0]


def _at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _campaign(today: date):
    """The open campaign with its commitments and periods: the catalogue when possible."""
    from django.core.management import CommandError, call_command

    from campaign.models import Campaign, Commitment, ReportingPeriod

    try:
        call_command("seed_commitments", verbosity=0, stdout=io.StringIO())
        campaign = Campaign.objects.filter(commitments__isnull=False).distinct().order_by("pk").first()
    except CommandError:
        campaign = None
    if campaign is None:
        campaign = Campaign.objects.create(
            title_en="Cities for Migration pledge",
            slug="cities-for-migration",
            signing_opens=date(today.year - 4, 1, 1),
        )
        for order, (code, theme, required) in enumerate(FALLBACK_COMMITMENTS):
            Commitment.objects.create(
                campaign=campaign,
                code=code,
                theme=theme,
                is_required=required,
                order=order,
                title_en=f"Commitment {code}",
            )
        for year in range(today.year - 3, today.year + 2):
            ReportingPeriod.objects.create(
                campaign=campaign, label_en=f"Year {year}", opens=date(year, 1, 15), due=date(year, 12, 15)
            )
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.OPEN)
    campaign.refresh_from_db()
    return campaign


def refresh_read_models() -> dict[str, float]:
    """Run each READ_MODEL_COMMANDS the project has; returns the seconds each took."""
    from django.core.management import call_command, get_commands

    took = {}
    for name in READ_MODEL_COMMANDS:
        if name in get_commands():
            started = time.perf_counter()
            call_command(name, verbosity=0, stdout=io.StringIO())
            took[name] = time.perf_counter() - started
    return took


def _search_forms(names: list[str]) -> set[str]:
    try:
        from accounts.names import search_forms
    except ImportError:  # the normaliser moved: lower-cased names still serve a prefix search
        return {name.lower() for name in names}
    return search_forms(names)


def _ascii(name: str) -> str:
    try:
        from accounts.names import ascii_fold
    except ImportError:
        return name
    return ascii_fold(name)


def _report_of(rng: random.Random, period, joined: date, today: date) -> tuple[str, date | None]:
    """What a city did for a period it owes: ("on_time" | "late", the day it submitted),
    ("draft", None) or ("missing", None). Late reports come up to four months after the due date."""
    roll, past = rng.random(), period.due < today
    if roll < (0.55 if past else 0.25):
        return "on_time", _day_between(rng, max(period.opens, joined), min(period.due, today))
    if past and roll < 0.75:
        return "late", _day_between(rng, period.due + timedelta(days=1), min(period.due + timedelta(days=120), today))
    if roll < (0.8 if past else 0.35):
        return "draft", None
    return "missing", None


def city_name(rng: random.Random) -> str:
    root = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) + rng.choice(SUFFIXES)
    return _weighted(rng, PREFIXES) + root.capitalize()


def build(n: int = 20_016, *, seed: int = 7, today: date | None = None) -> dict[str, Any]:
    """n verified signatories with their commitments and reports; returns what was made."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Municipality, MunicipalityName
    from accounts.names import unique_slug
    from campaign.models import ReportingPeriod
    from pledges.models import Pledge, PledgeCommitment, ProgressReport, ReportVersion

    started = time.perf_counter()
    rng = random.Random(seed)
    today = today or timezone.now().date()
    with transaction.atomic():
        campaign = _campaign(today)
        commitments = list(campaign.commitments.order_by("order", "code"))
        required = [c for c in commitments if c.is_required]
        optional = [c for c in commitments if not c.is_required]
        periods = [p for p in ReportingPeriod.objects.filter(campaign=campaign).order_by("opens") if p.opens <= today]
        first_day = campaign.signing_opens or (today - timedelta(days=4 * 365))

        # Slugs as the directory's import makes them ("name-cc", told apart only when taken):
        # what the profile links on the map and in the list carry.
        taken = set(Municipality.objects.values_list("slug", flat=True))
        cities = []
        for _ in range(n):
            code, zone, lat, lon, _weight = rng.choices(COUNTRIES, weights=[c[4] for c in COUNTRIES])[0]
            name = city_name(rng)
            ascii_name = _ascii(name)
            population = None if rng.random() < 0.04 else int(10 ** rng.uniform(3.3, 6.8))
            cities.append(
                Municipality(
                    name=name,
                    ascii_name=ascii_name,
                    alternate_names=[city_name(rng)] if rng.random() < 0.1 else [],
                    slug=unique_slug(ascii_name, code, taken),
                    country=code,
                    latitude=max(-85.0, min(85.0, lat + rng.uniform(-4, 4))),
                    longitude=max(-180.0, min(180.0, lon + rng.uniform(-5, 5))),
                    population=population,
                    time_zone=zone,
                )
            )
        cities = Municipality.objects.bulk_create(cities, batch_size=2000)
        MunicipalityName.objects.bulk_create(
            (
                MunicipalityName(municipality=city, normalized_name=form)
                for city in cities
                for form in sorted(_search_forms([city.name, city.ascii_name, *city.alternate_names]))
            ),
            batch_size=5000,
        )

        pledges = []
        for city in cities:
            joined = _day_between(rng, first_day + timedelta(days=20), today - timedelta(days=20))
            pledges.append(
                Pledge(
                    campaign=campaign,
                    municipality=city,
                    status=Pledge.Status.VERIFIED,
                    signatory_name=f"Mayor of {city.name}",
                    signatory_title="Mayor",
                    statement=f"{city.name} welcomes everyone who lives here and commits to the rights of migrants.",
                    council_decision_date=joined - timedelta(days=rng.randint(20, 60)),
                    signed_on=joined - timedelta(days=rng.randint(5, 19)),
                    submitted_at=_at_noon(joined - timedelta(days=rng.randint(1, 4))),
                    verified_at=_at_noon(joined),
                )
            )
        pledges = Pledge.objects.bulk_create(pledges, batch_size=2000)

        chosen: dict[int, list[Any]] = {}
        links = []
        for pledge in pledges:
            picked = required + rng.sample(optional, k=min(len(optional), rng.randint(2, 8)))
            chosen[pledge.pk] = sorted(picked, key=lambda c: (c.order, c.code))
            links += [
                PledgeCommitment(pledge=pledge, commitment=c, target=f"{c.code}: a measurable local target by 2030")
                for c in picked
            ]
        PledgeCommitment.objects.bulk_create(links, batch_size=5000)

        reports, versions, states = [], [], {"on_time": 0, "late": 0, "draft": 0, "missing": 0}
        for pledge in pledges:
            joined = pledge.verified_at.date()
            for period in periods:
                if period.due < joined:
                    continue  # already due when the city joined: not owed
                state, day = _report_of(rng, period, joined, today)
                states[state] += 1
                if state == "missing":
                    continue
                report = ProgressReport(pledge=pledge, period=period, status=ProgressReport.Status.DRAFT)
                if day is not None:
                    corrections = 1 if rng.random() < 0.08 else 0
                    report.status = ProgressReport.Status.SUBMITTED
                    report.first_submitted_at = _at_noon(day)
                    report.submitted_at = _at_noon(min(today, day + timedelta(days=30 * corrections)))
                    report.is_late = state == "late"
                    report.version = 1 + corrections
                reports.append(report)
        reports = ProgressReport.objects.bulk_create(reports, batch_size=5000)
        for report in reports:
            for number in range(1, report.version + 1):
                updates = [
                    {
                        "commitment_id": c.pk,
                        "code": c.code,
                        "status": _weighted(rng, UPDATE_STATUSES),
                        "narrative": f"Work on {c.code} this year: a working group met and a first measure passed.",
                        "evidence_links": [],
                        "figures": "",
                    }
                    for c in chosen[report.pledge_id]
                ]
                submitted = report.first_submitted_at if number == 1 else report.submitted_at
                versions.append(
                    ReportVersion(
                        report=report,
                        number=number,
                        submitted_at=submitted,
                        published_at=submitted,
                        content={"period": str(report.period.label), "updates": updates},
                    )
                )
        ReportVersion.objects.bulk_create(versions, batch_size=2000)
    read_models = refresh_read_models()

    return {
        "campaign": campaign.slug,
        "signatories": len(pledges),
        "countries": len({c.country for c in cities}),
        "commitments": len(commitments),
        "chosen": len(links),
        "periods": [f"{p.label} (due {p.due})" for p in periods],
        "reports": states,
        "versions": len(versions),
        "read models": {name: round(seconds, 1) for name, seconds in read_models.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }

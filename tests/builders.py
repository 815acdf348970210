"""Data written straight to the database for the public pages' tests (and the benchmarks),
faster than going through the services. Plain functions, no fixtures: fixtures live in the
conftest files (``open_data_world`` in tests/public/conftest.py wraps the open data world).
Dates are relative to the current date, or fixed ones that are past on any date the suite
runs (2020, 2024), or plain data never compared with the clock (a target date of 2030).

Signatories for the map, embed and reporting tests:

- ``signatory(campaign, name=..., ...)``: one pledge (verified by default) for a new
  municipality, with chosen commitments; verified and signed long ago (``LONG_AGO``).
- ``report(pledge, period, submitted=True, is_late=False)``: a report without versions.
- ``bulk_signatories(n, campaign, ...)``: n verified ones spread over the globe, bulk-created.

The dashboard's kind of data (also used by the list of signatories and the e2e pages):

- ``pledge_for_city(campaign, city, status=..., signed_on=..., commitments=...)``: a pledge for an
  existing municipality, verified 400 days ago when verified or withdrawn.
- ``report_content(*(commitment, status))``: the content of a frozen report version.
- ``report_with_versions(pledge, period, late=..., versions=[content, ...], status=...)``.
- ``bulk_world(n)``: a campaign ``bulk-<n>`` with n verified signatories, two commitments and a
  submitted report each (one late in three), in bulk.

The API's bulk signatories: ``add_signatories(campaign, commitments, period, start, n)``.

The open data world: ``build_open_data_world()`` and ``assert_nothing_private(text)`` (below).
"""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from accounts.models import Municipality
from campaign.public import projection
from campaign.writes import after_writes, write_batch
from pledges.models import Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    UserFactory,
)

# --- signatories for the map, the embeds and the reporting states -------------------------

LONG_AGO = datetime(2020, 1, 1, 12, tzinfo=UTC)


@write_batch()
def signatory(
    campaign,
    *,
    name,
    country="BE",
    lat=51.0,
    lon=4.5,
    status=Pledge.Status.VERIFIED,
    commitments=(),
    verified_at=LONG_AGO,
    time_zone="UTC",
    signed_on=date(2020, 1, 1),
    slug=None,
) -> Pledge:
    place = {"name": name, "country": country, "latitude": lat, "longitude": lon, "time_zone": time_zone}
    municipality = MunicipalityFactory(**place, **({"slug": slug} if slug else {}))
    public = status in (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)
    pledge = Pledge.objects.create(
        campaign=campaign,
        municipality=municipality,
        status=status,
        verified_at=verified_at if public else None,
        signed_on=signed_on if public else None,
    )
    PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=pledge, commitment=c) for c in commitments])
    after_writes(projection.refresh_pledges, [pledge.pk])  # bulk_create sends no signal to the read model
    return pledge


def report(pledge, period, *, submitted=True, is_late=False) -> ProgressReport:
    now = datetime.now(UTC)
    return ProgressReport.objects.create(
        pledge=pledge,
        period=period,
        status=ProgressReport.Status.SUBMITTED if submitted else ProgressReport.Status.DRAFT,
        is_late=is_late,
        submitted_at=now if submitted else None,
        first_submitted_at=now if submitted else None,
        version=1 if submitted else 0,
    )


@write_batch()
def bulk_signatories(n, campaign, commitments=(), *, offset=0, period=None):
    """n verified signatories spread over the globe, each with the given commitments and,
    when a period is given, a submitted report for every other one."""
    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(
                name=f"Bulkton {offset + i:05d}",
                ascii_name=f"Bulkton {offset + i:05d}",
                slug=f"bulkton-{offset + i:05d}",
                country=("BE", "BR", "JP", "KE", "US", "AU")[i % 6],
                latitude=-60 + (i * 7.31) % 120,
                longitude=-170 + (i * 13.7) % 340,
                time_zone="UTC",
            )
            for i in range(n)
        ]
    )
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                campaign=campaign,
                municipality=m,
                status=Pledge.Status.VERIFIED,
                verified_at=LONG_AGO + timedelta(minutes=i),
                signed_on=date(2020, 1, 1),
            )
            for i, m in enumerate(municipalities)
        ]
    )
    PledgeCommitment.objects.bulk_create(
        [PledgeCommitment(pledge=p, commitment=c) for p in pledges for c in commitments]
    )
    if period is not None:
        ProgressReport.objects.bulk_create(
            [
                ProgressReport(pledge=p, period=period, status=ProgressReport.Status.SUBMITTED, version=1)
                for p in pledges[::2]
            ]
        )
    after_writes(projection.refresh_pledges, [p.pk for p in pledges])  # bulk writes send no signal to the read model
    return pledges


# --- the dashboard's kind of data ---------------------------------------------------------


def report_content(*updates):
    """The content of a frozen report version: one update per (commitment, status)."""
    return {"updates": [{"commitment_id": c.pk, "code": c.code, "status": s, "narrative": "x"} for c, s in updates]}


@write_batch()
def report_with_versions(pledge, period, *, late=False, versions=(), status="submitted"):
    r = ProgressReport.objects.create(
        pledge=pledge, period=period, status=status, is_late=late, version=len(versions), submitted_at=timezone.now()
    )
    for number, body in enumerate(versions, start=1):
        moment = timezone.now()
        ReportVersion.objects.create(report=r, number=number, submitted_at=moment, published_at=moment, content=body)
    return r


@write_batch()
def pledge_for_city(campaign, city, status="verified", signed_on=None, commitments=()):
    """A pledge of an existing municipality; verified 400 days ago if verified or withdrawn."""
    p = Pledge.objects.create(
        campaign=campaign,
        municipality=city,
        status=status,
        signed_on=signed_on,
        verified_at=timezone.now() - timedelta(days=400) if status in ("verified", "withdrawn") else None,
    )
    PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=p, commitment=c) for c in commitments])
    after_writes(projection.refresh_pledges, [p.pk])  # bulk_create sends no signal to the read model
    return p


@write_batch()
def bulk_world(n: int):
    """n verified signatories with two commitments and a submitted report each, in bulk."""
    today = timezone.localdate()
    campaign = CampaignFactory(slug=f"bulk-{n}", status="open")
    c1 = CommitmentFactory(campaign=campaign, code="B-1", is_required=True)
    c2 = CommitmentFactory(campaign=campaign, code="B-2")
    period = ReportingPeriodFactory(
        campaign=campaign, opens=today - timedelta(days=100), due=today - timedelta(days=10)
    )
    countries = ["BE", "FR", "MA", "BR", "JP", "KE", "US", "IN", "AU", "DE", "ES", "IT", "CA", "MX", "AR", "NG", "EG"]
    cities = Municipality.objects.bulk_create(
        [
            Municipality(
                name=f"Bulk {i}",
                ascii_name=f"Bulk {i}",
                slug=f"bulk-{n}-{i}",
                country=countries[i % len(countries)],
                latitude=0,
                longitude=0,
                population=1000 + i,
                time_zone="UTC",
            )
            for i in range(n)
        ]
    )
    joined = datetime(2024, 1, 1, tzinfo=UTC)
    pledges = Pledge.objects.bulk_create(
        [
            Pledge(
                campaign=campaign,
                municipality=city,
                status="verified",
                verified_at=joined,
                signed_on=date(2024, 1 + i % 12, 1),
            )
            for i, city in enumerate(cities)
        ]
    )
    PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=p, commitment=c) for p in pledges for c in (c1, c2)])
    reports = ProgressReport.objects.bulk_create(
        [
            ProgressReport(pledge=p, period=period, status="submitted", is_late=i % 3 == 0, version=1)
            for i, p in enumerate(pledges)
        ]
    )
    ReportVersion.objects.bulk_create(
        [
            ReportVersion(
                report=r,
                number=1,
                submitted_at=joined,
                published_at=joined,
                content=report_content((c1, "achieved"), (c2, "in_progress")),
            )
            for r in reports
        ]
    )
    after_writes(projection.refresh_pledges, [p.pk for p in pledges])  # bulk writes send no signal to the read model
    return campaign


# --- the API's bulk signatories -------------------------------------------------------------


@write_batch()
def add_signatories(campaign, commitments, period, start: int, n: int):
    now = timezone.now()
    cities = Municipality.objects.bulk_create(
        Municipality(
            name=f"Bulkville {i:05d}",
            ascii_name=f"Bulkville {i:05d}",
            slug=f"bulkville-{i:05d}-be",
            country="BE",
            latitude=50 + i / 10_000,
            longitude=4,
            population=1000 + i,
            time_zone="Europe/Brussels",
            geonames_id=9_000_000 + i,
        )
        for i in range(start, start + n)
    )
    pledges = Pledge.objects.bulk_create(
        Pledge(
            campaign=campaign,
            municipality=city,
            status=Pledge.Status.VERIFIED,
            signatory_name="Mayor",
            statement="We sign.",
            signed_on=date(2024, 1, 1),
            verified_at=now - timedelta(days=300),
        )
        for city in cities
    )
    PledgeCommitment.objects.bulk_create(
        PledgeCommitment(pledge=p, commitment=c, target="A target") for p in pledges for c in commitments
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(
            pledge=p,
            period=period,
            status=ProgressReport.Status.SUBMITTED,
            first_submitted_at=now - timedelta(days=5),
            submitted_at=now - timedelta(days=5),
            version=1,
        )
        for p in pledges
    )
    ReportVersion.objects.bulk_create(
        ReportVersion(
            report=r,
            number=1,
            submitted_at=now - timedelta(days=5),
            published_at=now - timedelta(days=5),
            content={"period": "Bulk year", "updates": [{"code": c.code, "status": "planned"} for c in commitments]},
        )
        for r in reports
    )
    after_writes(projection.refresh_pledges, [p.pk for p in pledges])  # bulk writes send no signal to the read model


# --- the open data world (API and downloads) -------------------------------------------------
#
# ``build_open_data_world()`` (the ``open_data_world`` fixture of tests/public/conftest.py)
# makes one campaign with every kind of pledge, so that each test can check both what appears
# and what must not:
#
# - ``verified`` (Mechelen, BE): statement starting with "=HYPERLINK(", RIGHTS-1 and DATA-1
#   chosen; its past-period report submitted twice (versions 1 and 2) and edited since
#   without submitting; a draft report for the current period.
# - ``withdrawn`` (Lyon, FR): verified, then withdrawn.
# - ``submitted`` (Beirut, LB), ``draft`` (Sfax, TN), ``rejected`` (Quito, EC): never public;
#   ``submitted`` even has a submitted report.
# - ``hidden_campaign_pledge``: a verified pledge of a DRAFT campaign (not public either).
#
# Every official has an address at example.org: no such address may appear in open data.

HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
SECRET_DRAFT_TEXT = "DRAFT EDIT NOT SUBMITTED"
SECRET_CURRENT_DRAFT = "draft narrative of the current period"
FIRST_VERSION_TEXT = "first version of the narrative"
CORRECTED_TEXT = "corrected narrative, version two"


@write_batch()
def make_pledge(campaign, municipality, status, commitments=(), *, official=None, verified_at=None, **extra):
    now = timezone.now()
    if verified_at is None and status in ("verified", "withdrawn"):
        verified_at = now - timedelta(days=100)
    pledge = Pledge.objects.create(
        campaign=campaign,
        municipality=municipality,
        status=status,
        signatory_name=f"Mayor of {municipality.name}",
        signatory_title="Mayor",
        statement=extra.pop("statement", f"{municipality.name} welcomes everyone."),
        created_by=official,
        submitted_at=now - timedelta(days=120) if status != "draft" else None,
        signed_on=extra.pop("signed_on", date.today() - timedelta(days=130)),
        verified_at=verified_at,
        **extra,
    )
    for i, commitment in enumerate(commitments):
        PledgeCommitment.objects.create(
            pledge=pledge,
            commitment=commitment,
            target=f"Target {i} of {municipality.name}",
            target_date=date(2030, 1, 1),
        )
    return pledge


@write_batch()
def submit_report(pledge, period, narratives, *, is_late=False, live_narrative=None):
    """A submitted report with one version per narrative; the live updates then say
    ``live_narrative`` (an edit never submitted) if given."""
    when = timezone.now() - timedelta(days=10)
    report = ProgressReport.objects.create(
        pledge=pledge,
        period=period,
        status=ProgressReport.Status.SUBMITTED,
        first_submitted_at=when,
        submitted_at=when + timedelta(days=len(narratives) - 1),
        is_late=is_late,
        version=len(narratives),
    )
    chosen = list(pledge.chosen.select_related("commitment"))
    for number, narrative in enumerate(narratives, start=1):
        ReportVersion.objects.create(
            report=report,
            number=number,
            submitted_at=when + timedelta(days=number - 1),
            published_at=when + timedelta(days=number - 1),
            content={
                "period": period.label,
                "updates": [
                    {
                        "commitment_id": pc.commitment_id,
                        "code": pc.commitment.code,
                        "status": "in_progress",
                        "narrative": narrative,
                        "evidence_links": ["https://example.org/evidence"],
                        "figures": "-5 budget",
                    }
                    for pc in chosen
                ],
            },
        )
    for pc in chosen:
        ProgressUpdate.objects.create(
            report=report, chosen=pc, status="achieved", narrative=live_narrative or narratives[-1]
        )
    return report


@write_batch()
def build_open_data_world() -> dict:
    campaign = CampaignFactory(slug="cities-pledge", title_en="Cities pledge", title_fr="Engagement des villes")
    hidden = CampaignFactory(slug="secret-draft", status="draft", title_en="Not published yet")
    rights = CommitmentFactory(
        campaign=campaign,
        code="RIGHTS-1",
        theme="rights",
        is_required=True,
        order=10,
        title_en="Equal rights",
        title_fr="Égalité des droits",
        title_es="Igualdad de derechos",
    )
    data = CommitmentFactory(campaign=campaign, code="DATA-1", theme="data", order=20, title_en="Count who lives here")
    hidden_commitment = CommitmentFactory(campaign=hidden, code="HIDDEN-1", title_en="Hidden commitment")
    today = date.today()
    past = ReportingPeriodFactory(
        campaign=campaign, label_en="Last year", opens=today - timedelta(days=500), due=today - timedelta(days=200)
    )
    current = ReportingPeriodFactory(
        campaign=campaign, label_en="This year", opens=today - timedelta(days=30), due=today + timedelta(days=60)
    )
    cities = {
        "verified": MunicipalityFactory(name="Mechelen", country="BE", geonames_id=2791537, population=86_000),
        "withdrawn": MunicipalityFactory(
            name="Lyon", country="FR", time_zone="Europe/Paris", latitude=45.75, longitude=4.85
        ),
        "submitted": MunicipalityFactory(name="Beirut", country="LB", time_zone="Asia/Beirut"),
        "draft": MunicipalityFactory(name="Sfax", country="TN", time_zone="Africa/Tunis"),
        "rejected": MunicipalityFactory(name="Quito", country="EC", time_zone="America/Guayaquil"),
        "hidden": MunicipalityFactory(name="Hiddenburg", country="DE", time_zone="Europe/Berlin"),
        "unsigned": MunicipalityFactory(name="Gent", country="BE", kind=Municipality.Kind.MUNICIPALITY),
        "region": MunicipalityFactory(name="Flanders Region", country="BE", kind=Municipality.Kind.REGIONAL),
    }
    officials = {key: UserFactory(email=f"official-{key}@example.org") for key in cities}
    pledges = {
        "verified": make_pledge(
            campaign,
            cities["verified"],
            "verified",
            [rights, data],
            official=officials["verified"],
            statement=HYPERLINK,
        ),
        "withdrawn": make_pledge(
            campaign,
            cities["withdrawn"],
            "withdrawn",
            [rights],
            official=officials["withdrawn"],
            withdrawn_at=timezone.now() - timedelta(days=5),
            withdrawal_reason="PRIVATE withdrawal reason",
        ),
        "submitted": make_pledge(campaign, cities["submitted"], "submitted", [rights], official=officials["submitted"]),
        "draft": make_pledge(campaign, cities["draft"], "draft", [rights], official=officials["draft"]),
        "rejected": make_pledge(
            campaign,
            cities["rejected"],
            "rejected",
            [rights],
            official=officials["rejected"],
            rejection_reason="PRIVATE rejection reason",
        ),
        "hidden": make_pledge(hidden, cities["hidden"], "verified", [hidden_commitment], official=officials["hidden"]),
    }
    reports = {
        "verified_past": submit_report(
            pledges["verified"], past, [FIRST_VERSION_TEXT, CORRECTED_TEXT], live_narrative=SECRET_DRAFT_TEXT
        ),
        "submitted_past": submit_report(pledges["submitted"], past, ["report of a pledge nobody verified"]),
        "hidden_past": None,
    }
    draft_report = ProgressReport.objects.create(pledge=pledges["verified"], period=current, status="draft")
    for pc in pledges["verified"].chosen.all():
        ProgressUpdate.objects.create(report=draft_report, chosen=pc, status="planned", narrative=SECRET_CURRENT_DRAFT)
    return {
        "campaign": campaign,
        "hidden_campaign": hidden,
        "commitments": {"rights": rights, "data": data, "hidden": hidden_commitment},
        "periods": {"past": past, "current": current},
        "cities": cities,
        "pledges": pledges,
        "reports": reports,
        "draft_report": draft_report,
        "officials": officials,
    }


def assert_nothing_private(text: str):
    """No official's address, no private reason, no draft content, no non-public city."""
    for needle in (
        "@example.org",
        "PRIVATE",
        SECRET_DRAFT_TEXT,
        SECRET_CURRENT_DRAFT,
        FIRST_VERSION_TEXT,
        "nobody verified",
        "Beirut",
        "Sfax",
        "Quito",
        "Hiddenburg",
        "resolution",
    ):
        assert needle not in text, needle

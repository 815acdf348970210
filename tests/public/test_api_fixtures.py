"""Data for the open data tests (API and downloads), written straight to the database.

``build_open_data_world()`` (each test module wraps it in an ``open_data_world`` fixture)
makes one campaign with every kind of pledge, so that each test can
check both what appears and what must not:

- ``verified`` (Mechelen, BE): statement starting with "=HYPERLINK(", RIGHTS-1 and DATA-1
  chosen; its past-period report submitted twice (versions 1 and 2) and edited since
  without submitting; a draft report for the current period.
- ``withdrawn`` (Lyon, FR): verified, then withdrawn.
- ``submitted`` (Beirut, LB), ``draft`` (Sfax, TN), ``rejected`` (Quito, EC): never public;
  ``submitted`` even has a submitted report.
- ``hidden_campaign_pledge``: a verified pledge of a DRAFT campaign (not public either).

Every official has an address at example.org: no such address may appear in open data.
"""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Municipality
from pledges.models import Pledge, PledgeCommitment, ProgressReport, ProgressUpdate, ReportVersion
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    UserFactory,
)

HYPERLINK = '=HYPERLINK("http://evil.example/x","click")'
SECRET_DRAFT_TEXT = "DRAFT EDIT NOT SUBMITTED"
SECRET_CURRENT_DRAFT = "draft narrative of the current period"
FIRST_VERSION_TEXT = "first version of the narrative"
CORRECTED_TEXT = "corrected narrative, version two"


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

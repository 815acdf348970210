"""Signatories made straight in the database, for the map and embed tests.

``signatory(...)`` makes one pledge (verified by default) for a new municipality, with
chosen commitments; ``bulk_signatories(n, ...)`` makes n verified ones with bulk_create.
"""

from datetime import UTC, date, datetime, timedelta

from accounts.models import Municipality
from pledges.models import Pledge, PledgeCommitment, ProgressReport
from tests.factories import MunicipalityFactory

LONG_AGO = datetime(2020, 1, 1, 12, tzinfo=UTC)


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
) -> Pledge:
    municipality = MunicipalityFactory(name=name, country=country, latitude=lat, longitude=lon, time_zone=time_zone)
    public = status in (Pledge.Status.VERIFIED, Pledge.Status.WITHDRAWN)
    pledge = Pledge.objects.create(
        campaign=campaign,
        municipality=municipality,
        status=status,
        verified_at=verified_at if public else None,
        signed_on=signed_on if public else None,
    )
    PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=pledge, commitment=c) for c in commitments])
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
    return pledges

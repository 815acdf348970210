"""Shared pledge fixtures: reuse them in every test about signing, reports and city profiles.

What you get (all function-scoped, all in the database):

- ``campaign``: an OPEN campaign (slug ``cities-pledge``) with
  ``required_commitments`` (RIGHTS-1 and MONITORING-1, every signatory takes them on) and
  ``optional_commitments`` (SERVICES-1, SERVICES-2 and DATA-1, chosen by each city);
  ``past_period`` (due 200 days ago), ``current_period`` (opened 30 days ago, due in 60 days)
  and ``future_period`` (opens in 200 days).
- ``city_a`` (Mechelen, BE) and ``city_b`` (Lyon, FR), each with an approved official:
  ``official_a`` and ``official_b`` (verified email, English).
- ``staff_admin``: a campaign admin (is_staff, verified email).
- ``pdf_upload()``: a fresh small real PDF upload each call (``pdf_bytes`` for the raw bytes).
- pledges of city A made through the services: ``draft_pledge_a`` (just started),
  ``ready_pledge_a`` (complete draft: signatory, decision date, resolution PDF, statement,
  SERVICES-1 chosen with a target), ``submitted_pledge_a`` and ``verified_pledge_a``.

Private documents are written to a temporary folder for each test (``private_media``, autouse).
"""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import empty
from pypdf import PdfWriter

from accounts.models import Membership
from campaign.storage import private_storage
from pledges import services
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    StaffFactory,
    UserFactory,
)

STATEMENT_A = "Mechelen stands for the rights of every newcomer, whatever their papers."


def make_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def approve_official(user, municipality, role=Membership.Role.FOCAL_POINT) -> Membership:
    """An approved membership, as after an admin approved the request."""
    return Membership.objects.create(user=user, municipality=municipality, role=role, status=Membership.Status.APPROVED)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Resolutions and letters go to a temporary folder, never to the project's media."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private_storage._wrapped = empty
    yield settings.PRIVATE_MEDIA_ROOT
    private_storage._wrapped = empty


@pytest.fixture
def pdf_bytes():
    return make_pdf_bytes()


@pytest.fixture
def pdf_upload():
    """Call it for a new upload each time: ``pdf_upload()`` or ``pdf_upload("decision.pdf")``."""

    def make(name="resolution.pdf"):
        return SimpleUploadedFile(name, make_pdf_bytes(), content_type="application/pdf")

    return make


@pytest.fixture
def campaign(db):
    return CampaignFactory(
        slug="cities-pledge",
        title_en="Cities for the rights of migrants",
        status="open",
        signing_opens=date.today() - timedelta(days=365),
        signing_closes=None,
    )


@pytest.fixture
def required_commitments(campaign):
    return [
        CommitmentFactory(
            campaign=campaign, code="RIGHTS-1", theme="rights", is_required=True, order=10, title_en="Equal rights"
        ),
        CommitmentFactory(
            campaign=campaign,
            code="MONITORING-1",
            theme="monitoring",
            is_required=True,
            order=90,
            title_en="Report progress every year",
        ),
    ]


@pytest.fixture
def optional_commitments(campaign, required_commitments):
    return [
        CommitmentFactory(
            campaign=campaign, code="SERVICES-1", theme="services", order=20, title_en="Health care for everyone"
        ),
        CommitmentFactory(
            campaign=campaign, code="SERVICES-2", theme="services", order=30, title_en="Schools for every child"
        ),
        CommitmentFactory(campaign=campaign, code="DATA-1", theme="data", order=40, title_en="Count who lives here"),
    ]


@pytest.fixture
def past_period(campaign):
    today = date.today()
    return ReportingPeriodFactory(
        campaign=campaign, label_en="Last year", opens=today - timedelta(days=500), due=today - timedelta(days=200)
    )


@pytest.fixture
def current_period(campaign):
    today = date.today()
    return ReportingPeriodFactory(
        campaign=campaign, label_en="This year", opens=today - timedelta(days=30), due=today + timedelta(days=60)
    )


@pytest.fixture
def future_period(campaign):
    today = date.today()
    return ReportingPeriodFactory(
        campaign=campaign, label_en="Next year", opens=today + timedelta(days=200), due=today + timedelta(days=500)
    )


@pytest.fixture
def city_a(db):
    return MunicipalityFactory(
        name="Mechelen", country="BE", admin_region="Flanders", population=86_000, time_zone="Europe/Brussels"
    )


@pytest.fixture
def city_b(db):
    return MunicipalityFactory(
        name="Lyon",
        country="FR",
        admin_region="Auvergne-Rhône-Alpes",
        population=520_000,
        latitude=45.75,
        longitude=4.85,
        time_zone="Europe/Paris",
    )


@pytest.fixture
def official_a(city_a):
    user = UserFactory(email="focal@mechelen.be", full_name="Anna Official")
    approve_official(user, city_a)
    return user


@pytest.fixture
def official_b(city_b):
    user = UserFactory(email="focal@lyon.fr", full_name="Bruno Official")
    approve_official(user, city_b)
    return user


@pytest.fixture
def staff_admin(db):
    return StaffFactory(email="admin@campaign.org", full_name="Carla Admin")


@pytest.fixture
def draft_pledge_a(campaign, required_commitments, optional_commitments, official_a, city_a):
    return services.pledge_start(actor=official_a, campaign=campaign, municipality=city_a)


@pytest.fixture
def ready_pledge_a(draft_pledge_a, official_a, optional_commitments, pdf_upload):
    """A complete draft: everything filled in, SERVICES-1 chosen with the city's own target."""
    return services.pledge_save_draft(
        actor=official_a,
        pledge=draft_pledge_a,
        signatory_name="Bart Somers",
        signatory_title="Mayor of Mechelen",
        council_decision_date=date.today() - timedelta(days=10),
        statement=STATEMENT_A,
        chosen=[
            services.ChosenCommitment(
                commitment=optional_commitments[0],
                target="Every resident has a family doctor",
                target_date=date.today() + timedelta(days=700),
            )
        ],
        resolution=pdf_upload(),
    )


@pytest.fixture
def submitted_pledge_a(ready_pledge_a, official_a):
    return services.pledge_submit(actor=official_a, pledge=ready_pledge_a)


@pytest.fixture
def verified_pledge_a(submitted_pledge_a, staff_admin):
    return services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)

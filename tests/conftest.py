"""Fixtures shared by every test folder.

Pledge fixtures (all function-scoped, all in the database), for every test about signing,
reports, city profiles and the public pages:

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

Real services: tests that need Redis or Chromium ask for the `redis_url` or `browser`
fixture. Where the service is missing they skip with the reason; with REQUIRE_SERVICES=1
(as CI sets) the skip becomes a failure, so a missing service cannot pass silently
(tests/service_checks.py).

Dates: every date in the tests is relative to today (the factories' too), or fixed and
frozen with time-machine, so the suite passes whatever the date. Two ways to prove it:

- ``TEST_TODAY=2031-06-01 .venv/bin/python -m pytest ...`` travels the whole session (from
  before collection, so module-level dates follow too) to 12:00 UTC that day with
  time-machine, the clock ticking from there; a full ISO moment such as
  ``TEST_TODAY=2028-02-29T23:40:00+00:00`` travels to that moment (naive means UTC), e.g. to
  the late evening, when Europe already has tomorrow's date. Tests that travel themselves
  still do so from inside. Only this Python process travels: not the subprocesses of
  tests/integration nor the browser's own clock in tests/e2e.
- ``faketime -f '+500d' .venv/bin/python -m pytest ...`` (libfaketime, Debian package
  ``faketime``) moves the clock of the whole process, SQLite and the subprocesses included.

``midday``: for a test whose answer depends on the hour (a count of days in a city's own
time zone), the clock at 12:00 UTC today, ticking; at that hour every city from UTC-11 to
UTC+11 has the server's date. Ask for it first, before the fixtures that make the data.
"""

import contextlib
import os
import shutil
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import redis
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.functional import empty

from campaign.storage import private_storage
from pledges import services
from tests.factories import (
    STATEMENT_A,
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    StaffFactory,
    UserFactory,
    approve_official,
    make_pdf_bytes,
)
from tests.service_checks import REQUIRE_SERVICES, redis_is_up, require_service

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


TEST_TODAY = os.environ.get("TEST_TODAY", "")
_travel_for_the_session = None


def session_moment(value: str) -> datetime:
    """TEST_TODAY's moment: a date means 12:00 UTC that day; a naive ISO moment is UTC."""
    if "T" not in value and " " not in value.strip():
        return datetime.combine(date.fromisoformat(value), time(12), tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pytest_configure(config):
    global _travel_for_the_session
    if TEST_TODAY and _travel_for_the_session is None:
        _travel_for_the_session = time_machine.travel(session_moment(TEST_TODAY), tick=True)
        _travel_for_the_session.start()


def pytest_unconfigure(config):
    global _travel_for_the_session
    if _travel_for_the_session is not None:
        _travel_for_the_session.stop()
        _travel_for_the_session = None


def pytest_report_header(config):
    if TEST_TODAY:
        return f"TEST_TODAY={TEST_TODAY}: the session runs from {session_moment(TEST_TODAY).isoformat()}"
    return None


def pytest_sessionstart(session):
    if REQUIRE_SERVICES:
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            pytest.exit(f"REQUIRE_SERVICES=1 but the database is {engine}; set DATABASE_URL to PostgreSQL.", 3)


@pytest.fixture
def redis_url():
    """A real Redis, emptied before the test: its database 15 unless TEST_REDIS_URL says otherwise."""
    require_service(redis_is_up(TEST_REDIS_URL), f"Redis is not reachable at {TEST_REDIS_URL}")
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL


@pytest.fixture
def redis_cache(settings, redis_url):
    """Switch Django's cache to the real Redis for this test."""
    from campaign.settings import redis_cache_settings

    settings.REDIS_URL = redis_url
    settings.CACHES = {"default": redis_cache_settings(redis_url)}
    from django.core.cache import caches

    caches._settings = None  # rebuild handlers from the new settings
    for alias in list(caches):
        caches[alias].close()
    yield redis_url


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers cost a tenth of a second per user on purpose; tests make hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in English: a request in another language must not leak into the
    next test's messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    # A test may have pointed the cache at a stopped server.
    with contextlib.suppress(Exception):
        cache.clear()


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def chromium_path():
    require_service(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def midday():
    """The clock at 12:00 UTC today, ticking: the same date in every city from UTC-11 to UTC+11."""
    with time_machine.travel(datetime.combine(timezone.now().date(), time(12), tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def password():
    return "a-Long-and-unusual-passphrase-42"


@pytest.fixture
def verified_user(password):
    return UserFactory(password=password)


# --- pledges ---------------------------------------------------------------------------


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

"""A request stuck on the database is cut loose at REQUEST_DEADLINE (campaign/deadline.py)
and answered with a 503 of ours, long before gunicorn would kill its worker.

A statement that sleeps on a live PostgreSQL stands for a frozen server here: both keep the
request waiting for an answer; the fault tests (tests/faults/) freeze a real one.
"""

import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import path

from campaign import errors
from campaign.deadline import watchdog
from tests.service_checks import require_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    require_service(connection.vendor == "postgresql", "the deadline cuts PostgreSQL connections; set DATABASE_URL")


def wait_on_the_database(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(20)")
    raise AssertionError("the statement was not cut")


urlpatterns = [path("stuck/", wait_on_the_database)]
handler500 = errors.server_error


def test_a_request_stuck_on_the_database_gets_a_503_at_its_deadline(settings):
    settings.ROOT_URLCONF = __name__
    settings.REQUEST_DEADLINE = 1
    cuts = watchdog.cuts
    started = time.monotonic()
    response = Client(raise_request_exception=False).get("/stuck/", headers={"Accept-Language": "en"})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert 0.9 < elapsed < 4, f"answered after {elapsed:.1f} s"
    assert watchdog.cuts == cuts + 1
    # The connection was closed after the error: the next request opens a new one.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_request_that_ends_in_time_is_never_cut(settings, client):
    settings.REQUEST_DEADLINE = 1
    cuts = watchdog.cuts
    for _ in range(3):
        assert client.get("/health/").status_code == 200
    time.sleep(1.5)
    assert watchdog.cuts == cuts
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

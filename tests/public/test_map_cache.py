"""The map's data is served finished from the cache (campaign/public/cache.py) and moves with
the public version: verifying, withdrawing and submitting a report through the real
services show on the next load, with a new ETag; a reporting state a due date moves shows
within the quarter of an hour the cached pages turn with.

Transactional: each service commits, as in production, and only committed changes bump
the version (a test's own open transaction is never served from the cache).
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.public import cache, projection
from pledges import services
from tests.readers import chosen_codes

URL = "/map/signatories.geojson"


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    """No quarter-hour boundary between two requests of a test: the version turns only with the data."""
    monkeypatch.setattr(cache, "TIME_BUCKET_SECONDS", 10**10)


@pytest.fixture
def committed(transactional_db):
    """Every fixture and service commits (see the module's docstring)."""


def get(client, etag=None):
    response = client.get(URL, headers={"If-None-Match": etag} if etag else {})
    body = json.loads(response.content) if response.status_code == 200 else None
    return response, body


def properties(body):
    return [f["properties"] for f in body["features"]]


def test_verify_changes_the_version_and_the_body(client, committed, submitted_pledge_a, staff_admin):
    before, body = get(client)
    assert body["features"] == []
    assert get(client, before["ETag"])[0].status_code == 304

    services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    [mechelen] = properties(body)
    assert mechelen["n"] == "Mechelen"
    assert chosen_codes(body, body["features"][0]) == ["RIGHTS-1", "SERVICES-1", "MONITORING-1"]  # in order
    assert mechelen["r"] == "n"
    assert get(client, after["ETag"])[0].status_code == 304


def test_withdraw_changes_the_version_and_the_body(client, committed, verified_pledge_a, official_a):
    before, body = get(client)
    assert len(body["features"]) == 1

    services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="New council")

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert body["features"] == []


def test_report_submit_changes_the_state(client, committed, verified_pledge_a, official_a, current_period):
    before, body = get(client)
    assert properties(body)[0]["r"] == "n"
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    assert client.get(URL).content == before.content  # a draft changes nothing public

    services.report_submit(actor=official_a, report=report)

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert properties(body)[0]["r"] == "o"


def test_rejecting_changes_nothing_public(client, committed, submitted_pledge_a, staff_admin):
    before, _body = get(client)
    services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="Resolution missing")
    assert client.get(URL).content == before.content


def test_a_due_date_passing_shows_once_the_hourly_refresh_runs(client, committed, verified_pledge_a, current_period):
    _response, body = get(client)
    assert properties(body)[0]["r"] == "n"

    # The hourly task, once the period is past due with no report: the row turns late, and
    # the task bumps the version, so the finished map turns with it.
    assert projection.refresh_due(now=timezone.now() + timedelta(days=61)) == 1
    assert properties(get(client)[1])[0]["r"] == "l"

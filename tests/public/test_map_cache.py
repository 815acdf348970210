# ruff: noqa: F811 - the pledge fixtures are imported, then asked for by name
"""The map's version (ETag and cache key) changes when a pledge is verified or withdrawn and
when a report is submitted, through the real services; and with each quarter of an hour."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from campaign.public.map_data import data_version
from pledges import services

URL = "/map/signatories.geojson"


@pytest.fixture(autouse=True)
def _steady_quarter(monkeypatch):
    """No quarter-hour boundary between two requests of a test: the version turns only with the data."""
    monkeypatch.setattr("campaign.public.map_data.VERSION_BUCKET_SECONDS", 10**10)


def get(client, etag=None):
    response = client.get(URL, headers={"If-None-Match": etag} if etag else {})
    body = json.loads(response.content) if response.status_code == 200 else None
    return response, body


def test_verify_changes_the_version_and_the_body(client, submitted_pledge_a, staff_admin):
    before, body = get(client)
    assert body["features"] == []
    assert get(client, before["ETag"])[0].status_code == 304

    services.pledge_verify(actor=staff_admin, pledge=submitted_pledge_a)

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert [f["properties"]["name"] for f in body["features"]] == ["Mechelen"]


def test_withdraw_changes_the_version_and_the_body(client, verified_pledge_a, official_a):
    before, body = get(client)
    assert len(body["features"]) == 1

    services.pledge_withdraw(actor=official_a, pledge=verified_pledge_a, reason="New council")

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert body["features"] == []


def test_report_submit_changes_the_version_and_the_state(client, verified_pledge_a, official_a, current_period):
    before, body = get(client)
    assert body["features"][0]["properties"]["reporting"] == "none"
    report = services.report_open(actor=official_a, pledge=verified_pledge_a, period=current_period)
    assert get(client, before["ETag"])[0].status_code == 304  # a draft changes nothing public

    services.report_submit(actor=official_a, report=report)

    after, body = get(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert body["features"][0]["properties"]["reporting"] == "on_time"


def test_rejecting_changes_nothing_public(client, submitted_pledge_a, staff_admin):
    before, _body = get(client)
    services.pledge_reject(actor=staff_admin, pledge=submitted_pledge_a, reason="Resolution missing")
    assert get(client, before["ETag"])[0].status_code == 304


@pytest.mark.django_db
def test_version_turns_each_quarter_of_an_hour(monkeypatch):
    monkeypatch.setattr("campaign.public.map_data.VERSION_BUCKET_SECONDS", 15 * 60)
    start = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)
    assert data_version(start) == data_version(start + timedelta(minutes=14, seconds=59))
    assert data_version(start) != data_version(start + timedelta(minutes=15))

"""Every public surface gives the same answer for one tricky data set (pledges/rules.py).

The world, frozen at noon UTC on a due date:

- an OPEN campaign with three periods: "Old" (due 300 days ago), "Now" (due today) and
  "Next" (due in 100 days); a CLOSED campaign; a DRAFT campaign;
- in the open campaign:
  - Early (Brussels): verified long ago; Old reported late and then corrected (two
    versions), Now reported on time -> late;
  - Steady (Brussels): verified long ago; Old and Now reported on time -> on_time;
  - Silent (Brussels): verified long ago; nothing reported -> late (Old missing);
  - Newcomer (Brussels): verified 100 days ago, after Old was due: Old is not owed; Now
    reported on time -> on_time;
  - Dawn (Kiritimati, UTC+14, already tomorrow) and Dusk (Pago Pago, UTC-11, still
    yesterday): verified 200 days ago, Old not owed, nothing reported. "Now" is past due
    at Dawn (late) but not yet at Dusk (none);
  - Leaver: verified, then withdrawn -> on the record (API, downloads, profile), not a
    signatory;
  - Bounced (rejected), Resubmitted (rejected then submitted again), Waiting (submitted):
    never public;
- in the closed campaign: Closer, verified -> a signatory;
- in the draft campaign: Hidden, verified -> nothing public.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.geo import local_today
from campaign.models import Campaign
from campaign.public import dashboard, projection
from campaign.public.models import PublicReport, PublicSignatory, SignatoryCommitment, SignatoryReport
from pledges import rules, services
from pledges.models import Pledge
from pledges.queries import pledge_period_rows
from pledges.reminders import due_reminders
from pledges.reports.calendar import build_calendar
from tests.builders import make_pledge, submit_report
from tests.factories import (
    CampaignFactory,
    CommitmentFactory,
    MunicipalityFactory,
    ReportingPeriodFactory,
    UserFactory,
    approve_official,
)

pytestmark = pytest.mark.django_db

NOW = datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
TODAY = NOW.date()

SIGNATORIES = {"Early", "Steady", "Silent", "Newcomer", "Dawn", "Dusk", "Closer"}
ON_RECORD = SIGNATORIES | {"Leaver"}
NEVER_PUBLIC = {"Bounced", "Resubmitted", "Waiting", "Hidden"}
STATES = {
    "Early": rules.LATE,
    "Steady": rules.ON_TIME,
    "Silent": rules.LATE,
    "Newcomer": rules.ON_TIME,
    "Dawn": rules.LATE,
    "Dusk": rules.NONE,
    "Closer": rules.NONE,
    "Leaver": rules.WITHDRAWN,
}


@pytest.fixture
def world(settings):
    settings.REDIS_URL = ""
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    try:
        yield _build()
    finally:
        traveller.stop()


def _build():
    open_campaign = CampaignFactory(slug="open-one", status=Campaign.Status.OPEN)
    closed = CampaignFactory(slug="closed-one", status=Campaign.Status.CLOSED)
    draft = CampaignFactory(slug="draft-one", status=Campaign.Status.DRAFT)
    commitment = CommitmentFactory(campaign=open_campaign, code="RIGHTS-1")
    CommitmentFactory(campaign=closed, code="CLOSED-1")
    old = ReportingPeriodFactory(
        campaign=open_campaign, label_en="Old", opens=TODAY - timedelta(days=400), due=TODAY - timedelta(days=300)
    )
    now = ReportingPeriodFactory(campaign=open_campaign, label_en="Now", opens=TODAY - timedelta(days=90), due=TODAY)
    ReportingPeriodFactory(
        campaign=open_campaign, label_en="Next", opens=TODAY + timedelta(days=1), due=TODAY + timedelta(days=100)
    )
    long_ago = NOW - timedelta(days=500)

    def city(name, zone="Europe/Brussels"):
        return MunicipalityFactory(name=name, country="BE", time_zone=zone)

    def pledge(name, status="verified", *, campaign=open_campaign, zone="Europe/Brussels", verified_at=long_ago):
        return make_pledge(
            campaign,
            city(name, zone),
            status,
            [commitment] if campaign == open_campaign else [],
            verified_at=verified_at,
        )

    p = {}
    p["Early"] = pledge("Early")
    submit_report(p["Early"], old, ["late", "corrected"], is_late=True)
    submit_report(p["Early"], now, ["on time"])
    p["Steady"] = pledge("Steady")
    submit_report(p["Steady"], old, ["on time"])
    submit_report(p["Steady"], now, ["on time"])
    p["Silent"] = pledge("Silent")
    p["Newcomer"] = pledge("Newcomer", verified_at=NOW - timedelta(days=100))
    submit_report(p["Newcomer"], now, ["on time"])
    p["Dawn"] = pledge("Dawn", zone="Pacific/Kiritimati", verified_at=NOW - timedelta(days=200))
    p["Dusk"] = pledge("Dusk", zone="Pacific/Pago_Pago", verified_at=NOW - timedelta(days=200))
    p["Leaver"] = pledge("Leaver", "withdrawn")
    Pledge.objects.filter(pk=p["Leaver"].pk).update(withdrawn_at=NOW - timedelta(days=3))
    p["Bounced"] = pledge("Bounced", "rejected", verified_at=None)
    p["Resubmitted"] = pledge("Resubmitted", "submitted", verified_at=None)
    p["Waiting"] = pledge("Waiting", "submitted", verified_at=None)
    p["Closer"] = pledge("Closer", campaign=closed)
    p["Hidden"] = pledge("Hidden", campaign=draft)
    projection.refresh_pledges([x.pk for x in p.values()])  # the update() above sent no signal
    return {"pledges": p, "open": open_campaign, "old": old, "now": now}


def test_the_read_model_holds_the_public_pledges_in_their_states(world):
    rows = {row.name: row for row in PublicSignatory.objects.all()}
    assert set(rows) == ON_RECORD
    assert {name: row.reporting_state for name, row in rows.items()} == STATES


def _read_model() -> tuple[list[dict], list[tuple], list[dict], list[dict]]:
    commitments = SignatoryCommitment.objects.order_by("signatory_id", "commitment_id")
    return (
        list(PublicSignatory.objects.order_by("pk").values()),
        list(commitments.values_list("signatory_id", "campaign_id", "commitment_id", "chosen", "status")),
        list(
            SignatoryReport.objects.order_by("signatory_id", "period_id").values(
                "signatory_id", "campaign_id", "period_id", "is_late", "time_zone", "owed"
            )
        ),
        list(PublicReport.objects.order_by("pk").values()),
    )


def test_the_rebuild_from_scratch_equals_what_the_changes_kept(world):
    kept = _read_model()
    assert any(status for *_ids, status in kept[1]), "the world's reports leave statuses"
    assert any(row["is_late"] for row in kept[2]), "and late reports"
    assert all(row["csv_row"] and row["json_record"] for row in kept[0]), "and every download's texts"
    assert kept[3], "and the reports' download texts"
    projection.rebuild()
    assert _read_model() == kept


def test_the_list_shows_the_signatories(client, world):
    html = client.get("/en/cities/").content.decode()
    assert {name for name in ON_RECORD | NEVER_PUBLIC if f">{name}</a>" in html} == SIGNATORIES


def test_profiles_exist_for_what_is_on_the_record(client, world):
    for name, pledge in world["pledges"].items():
        status = client.get(f"/en/cities/{pledge.municipality.slug}/").status_code
        assert status == (200 if name in ON_RECORD else 404), name


def test_the_counter_counts_the_signatories(client, world):
    html = client.get("/en/embed/counter/").content.decode()
    assert f'data-count="{len(SIGNATORIES)}"' in html


def test_the_map_draws_the_signatories(client, world):
    body = client.get("/map/signatories.geojson").json()
    named = {(p.municipality.name, p.campaign.slug): name for name, p in world["pledges"].items()}
    assert {named[f["properties"]["n"], f["properties"]["p"]] for f in body["features"]} == SIGNATORIES


def test_the_api_and_the_downloads_give_the_record_and_the_states(client, world):
    api = client.get("/api/v1/signatories/", headers={"accept": "application/json"}).json()["results"]
    assert {r["municipality"]["name"]: r["reporting"]["state"] for r in api} == STATES
    download = client.get("/data/signatories.json")
    records = json.loads(b"".join(download.streaming_content))["results"]
    assert {r["municipality"]["name"]: r["reporting"]["state"] for r in records} == STATES


def test_the_dashboard_counts_each_city_on_its_own_calendar(world):
    data = dashboard.dashboard_data(world["open"])
    assert data["signatories"] == len(SIGNATORIES) - 1  # Closer signed the closed campaign
    by_period = {row["label"]: row["counts"] for row in data["reporting"]}
    # Old: Steady on time, Early late, Silent missing; Newcomer, Dawn and Dusk joined after it.
    assert by_period["Old"] == {"on_time": 1, "late": 1, "missing": 1, "awaited": 0}
    # Now (due today): Early, Steady and Newcomer on time; past due at Dawn (missing), not
    # at Dusk nor in Brussels (Silent), where it is still awaited.
    assert by_period["Now"] == {"on_time": 3, "late": 0, "missing": 1, "awaited": 2}


def test_reminders_and_the_calendar_skip_what_is_not_owed(world):
    silent = world["pledges"]["Silent"]
    approve_official(UserFactory(), silent.municipality)
    # Three days after "Now" was due, a city joins: it does not owe "Now".
    with time_machine.travel(NOW + timedelta(days=3), tick=False):
        latecomer = make_pledge(
            world["open"],
            MunicipalityFactory(name="Latecomer", time_zone="Europe/Brussels"),
            "verified",
            verified_at=timezone.now(),
        )
        approve_official(UserFactory(), latecomer.municipality)
    # A week after the due date, at 09:30 in Brussels: the reminder "7 days late" is due.
    with time_machine.travel(
        datetime.combine(TODAY + timedelta(days=7), datetime.min.time(), tzinfo=UTC) + timedelta(hours=8, minutes=30),
        tick=False,
    ):
        reminded = {(d.pledge.pk, d.period.pk) for d in due_reminders(include_claimed=True)}
    assert (silent.pk, world["now"].pk) in reminded
    assert (latecomer.pk, world["now"].pk) not in reminded
    newcomer = world["pledges"]["Newcomer"]
    feed = build_calendar(newcomer).decode()
    assert "Old" not in feed and "Now" in feed


def test_an_official_cannot_file_what_is_not_owed(world):
    newcomer = world["pledges"]["Newcomer"]
    official = UserFactory()
    approve_official(official, newcomer.municipality)
    rows = {row.period.label: row for row in pledge_period_rows(newcomer)}
    assert not rows["Old"].owed and not rows["Old"].can_open
    assert rows["Now"].owed
    with pytest.raises(ValidationError):
        services.report_open(actor=official, pledge=newcomer, period=world["old"])


def test_today_is_each_citys_own(world):
    dawn, dusk = world["pledges"]["Dawn"], world["pledges"]["Dusk"]
    assert local_today(dawn.municipality) == TODAY + timedelta(days=1)  # 02:00 tomorrow in Kiritimati
    assert local_today(dusk.municipality) == TODAY  # 01:00 today in Pago Pago

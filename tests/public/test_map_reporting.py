"""The reporting state of each signatory on the map: "on_time", "late" or "none", sent as the
short codes "o", "l" and "n" (campaign/public/map_data.py).

The rule is pledges/rules.py's: a period is owed when it is due on or after the day the
pledge was verified (in the city's time zone), and counts once its due date has passed
there. The map reads the state from the read model (campaign/public/projection.py), which
computes it at a given moment: the tests rebuild the read model at theirs.
"""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from campaign.public import map_data, projection
from pledges.rules import LATE, NONE, ON_TIME, reporting_state
from tests.builders import report, signatory
from tests.factories import CampaignFactory, ReportingPeriodFactory

TODAY = date(2030, 6, 15)
JOINED = date(2029, 1, 10)
P1, P2, P3 = 1, 2, 3
STATES = {code: state for state, code in map_data.REPORTING_CODES.items()}


def state(due_dates, submitted=None, today=TODAY, joined=JOINED):
    """``submitted``: period -> whether its submitted report was late."""
    return reporting_state(due_dates=due_dates, submitted=submitted or {}, today=today, joined=joined)


class TestRule:
    def test_nothing_owed_nothing_filed_is_none(self):
        assert state([]) == NONE
        assert state([(P1, date(2030, 12, 15))]) == NONE  # owed but not due yet

    def test_every_owed_report_submitted_on_time(self):
        due = [(P1, date(2029, 12, 15)), (P2, date(2030, 6, 14)), (P3, date(2030, 12, 15))]
        assert state(due, {P1: False, P2: False}) == ON_TIME

    def test_a_missing_owed_report_is_late(self):
        due = [(P1, date(2029, 12, 15)), (P2, date(2030, 6, 14))]
        assert state(due, {P1: False}) == LATE

    def test_a_late_owed_report_stays_late(self):
        due = [(P1, date(2029, 12, 15)), (P2, date(2030, 6, 14))]
        assert state(due, {P1: True, P2: False}) == LATE

    def test_due_today_is_not_due_yet(self):
        assert state([(P1, TODAY)]) == NONE
        assert state([(P1, TODAY - timedelta(days=1))]) == LATE

    def test_a_period_due_before_the_city_joined_is_not_owed(self):
        assert state([(P1, JOINED - timedelta(days=1))]) == NONE
        assert state([(P1, JOINED)]) == LATE  # due the day it joined: owed

    def test_filing_early_or_for_a_period_not_owed_counts_as_on_time(self):
        assert state([(P1, date(2030, 12, 15))], {P1: False}) == ON_TIME
        assert state([(P1, date(2028, 12, 15))], {P1: True}) == ON_TIME

    def test_the_open_data_reads_the_same_rule(self):
        """map_data.reporting_state (what campaign/public/opendata.py calls) takes report objects."""
        due = [(P1, date(2029, 12, 15)), (P2, date(2030, 6, 14))]
        for submitted in ({}, {P1: False}, {P1: True, P2: False}, {P1: False, P2: False}):
            reports = {period: SimpleNamespace(is_late=late) for period, late in submitted.items()}
            assert map_data.reporting_state(due_dates=due, submitted=reports, today=TODAY, joined=JOINED) == state(
                due, submitted
            )


@pytest.mark.django_db
class TestInTheGeoJSON:
    @pytest.fixture
    def campaign(self):
        return CampaignFactory(slug="cities-pledge")

    def states(self, now):
        projection.rebuild(now=now)
        return {f["properties"]["n"]: STATES[f["properties"]["r"]] for f in map_data.collection()["features"]}

    def test_states_from_reports(self, campaign):
        past = ReportingPeriodFactory(campaign=campaign, opens=date(2029, 1, 1), due=date(2029, 12, 15))
        current = ReportingPeriodFactory(campaign=campaign, opens=date(2030, 1, 1), due=date(2030, 12, 15))
        verified = datetime(2029, 1, 10, 9, tzinfo=UTC)
        report(signatory(campaign, name="OnTime", verified_at=verified), past)
        report(signatory(campaign, name="Late", verified_at=verified), past, is_late=True)
        signatory(campaign, name="Overdue", verified_at=verified)
        report(signatory(campaign, name="DraftOnly", verified_at=verified), past, submitted=False)
        signatory(campaign, name="JoinedAfter", verified_at=datetime(2030, 1, 5, tzinfo=UTC))
        report(signatory(campaign, name="Early", verified_at=datetime(2030, 1, 5, tzinfo=UTC)), current)

        assert self.states(datetime(2030, 6, 15, 12, tzinfo=UTC)) == {
            "OnTime": ON_TIME,
            "Late": LATE,
            "Overdue": LATE,
            "DraftOnly": LATE,
            "JoinedAfter": NONE,
            "Early": ON_TIME,
        }

    def test_due_dates_pass_in_the_citys_own_time_zone(self, campaign):
        ReportingPeriodFactory(campaign=campaign, opens=date(2030, 1, 1), due=date(2030, 6, 15))
        verified = datetime(2029, 1, 10, tzinfo=UTC)
        signatory(campaign, name="Kiritimati", time_zone="Pacific/Kiritimati", verified_at=verified)  # UTC+14
        signatory(campaign, name="Greenwich", time_zone="Europe/London", verified_at=verified)
        signatory(campaign, name="Honolulu", time_zone="Pacific/Honolulu", verified_at=verified)  # UTC-10

        # 12:00 UTC on the due date: already the 16th in Kiritimati, the 15th elsewhere.
        assert self.states(datetime(2030, 6, 15, 12, tzinfo=UTC)) == {
            "Kiritimati": LATE,
            "Greenwich": NONE,
            "Honolulu": NONE,
        }
        # 12:00 UTC the next day: the 16th in London, still the 16th at 02:00 in Honolulu.
        assert self.states(datetime(2030, 6, 16, 12, tzinfo=UTC)) == {
            "Kiritimati": LATE,
            "Greenwich": LATE,
            "Honolulu": LATE,
        }
        assert self.states(datetime(2030, 6, 16, 9, tzinfo=UTC))["Honolulu"] == NONE  # 23:00 on the 15th there

    def test_joined_day_is_read_in_the_citys_time_zone(self, campaign):
        ReportingPeriodFactory(campaign=campaign, opens=date(2029, 1, 1), due=date(2029, 6, 15))
        # 16:00 UTC on the due date: still the 15th in London (owed), already the 16th in
        # Tokyo (the city joined after the period was due: not owed).
        moment = datetime(2029, 6, 15, 16, tzinfo=UTC)
        signatory(campaign, name="Tokyo", time_zone="Asia/Tokyo", verified_at=moment)
        signatory(campaign, name="London", time_zone="Europe/London", verified_at=moment)

        assert self.states(datetime(2030, 1, 1, tzinfo=UTC)) == {"Tokyo": NONE, "London": LATE}

    def test_the_hourly_refresh_moves_a_state_a_due_date_changed(self, campaign):
        ReportingPeriodFactory(campaign=campaign, opens=date(2030, 1, 1), due=date(2030, 6, 15))
        signatory(campaign, name="Mechelen", time_zone="Europe/Brussels", verified_at=datetime(2029, 1, 10, tzinfo=UTC))
        assert self.states(datetime(2030, 6, 15, 12, tzinfo=UTC)) == {"Mechelen": NONE}

        # Midnight in Brussels (22:00 UTC): the 16th there, the period is past due.
        assert projection.refresh_due(now=datetime(2030, 6, 15, 22, 30, tzinfo=UTC)) == 1
        assert [f["properties"]["r"] for f in map_data.collection()["features"]] == ["l"]

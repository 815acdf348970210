"""Who may ask for more time, withdraw the request, and grant or refuse it: the views of
pledges/reports/delays.py and pledges/staff/delays.py for the seven actors of the
permission matrix (tests/pledges/test_permission_matrix.py, whose world, actors and
outcomes this reuses), with STAFF_REQUIRE_MFA on as in production.

Beside the matrix's world, city A's verified pledge has two more open periods: ``ask``
(nothing asked yet) and ``pending`` (a request for more time waiting for a decision).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from pledges import delays
from pledges.models import DelayRequest
from tests.factories import ReportingPeriodFactory
from tests.pledges.test_permission_matrix import (  # noqa: F401 (fixtures)
    ACTORS,
    DONE,
    LOGIN,
    MFA,
    VERIFY,
    _matrix_settings,
    assert_outcome,
    login_as,
    snapshot,
    staff_admin,
    world,
)

# fmt: off
MATRIX = [
    #  view[object]                        method  anon.     unverif.  official_a official_b admin superuser no_mfa
    ("reports:delay_new[ask]",             "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("reports:delay_new[ask]",             "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("reports:delay_withdraw[pending]",    "GET",  LOGIN,    VERIFY,   405,      405,      405,      405,      405),
    ("reports:delay_withdraw[pending]",    "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("staff:delay_requests",               "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("staff:delay_grant[pending]",         "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:delay_grant[pending]",         "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("staff:delay_refuse[pending]",        "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("staff:delay_refuse[pending]",        "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
]
# fmt: on

REASON = "The council approves the figures after the summer."


@dataclass
class DelayWorld:
    base: Any
    ask_period: Any
    pending_period: Any
    pending: DelayRequest


@pytest.fixture
def delay_world(world):  # noqa: F811 (the matrix's fixture)
    today = date.today()
    campaign = world.campaign
    ask_period = ReportingPeriodFactory(
        campaign=campaign, label_en="Ask period", opens=today - timedelta(days=20), due=today + timedelta(days=40)
    )
    pending_period = ReportingPeriodFactory(
        campaign=campaign, label_en="Pending period", opens=today - timedelta(days=10), due=today + timedelta(days=50)
    )
    pending = delays.delay_request(
        actor=world.users["official_a"],
        pledge=world.verified_pledge,
        period=pending_period,
        requested_due=pending_period.due + timedelta(days=30),
        reason=REASON,
    )
    return DelayWorld(base=world, ask_period=ask_period, pending_period=pending_period, pending=pending)


def _asked(w: DelayWorld, user) -> None:
    assert DelayRequest.objects.filter(period=w.ask_period, requested_by=user, status="pending").exists()


def _pending_is(status):
    def check(w: DelayWorld, user) -> None:
        w.pending.refresh_from_db()
        assert w.pending.status == status
        assert w.pending.decided_by == user

    return check


CASES = {
    "reports:delay_new[ask]": (
        "reports:delay_new",
        lambda w: {"pledge_pk": w.base.verified_pledge.pk, "period_pk": w.ask_period.pk},
        lambda w: {"requested_due": (w.ask_period.due + timedelta(days=20)).isoformat(), "reason": REASON},
        _asked,
    ),
    "reports:delay_withdraw[pending]": (
        "reports:delay_withdraw",
        lambda w: {"pledge_pk": w.base.verified_pledge.pk, "pk": w.pending.pk},
        lambda w: {},
        _pending_is(DelayRequest.Status.WITHDRAWN),
    ),
    "staff:delay_requests": ("staff:delay_requests", None, None, None),
    "staff:delay_grant[pending]": (
        "staff:delay_grant",
        lambda w: {"pk": w.pending.pk},
        lambda w: {f"grant-{w.pending.pk}-reason": "Granted by the matrix."},
        _pending_is(DelayRequest.Status.GRANTED),
    ),
    "staff:delay_refuse[pending]": (
        "staff:delay_refuse",
        lambda w: {"pk": w.pending.pk},
        lambda w: {f"refuse-{w.pending.pk}-reason": "Refused by the matrix."},
        _pending_is(DelayRequest.Status.REFUSED),
    ),
}


def delay_snapshot() -> dict:
    return {
        **snapshot(),
        "delays": list(DelayRequest.objects.order_by("pk").values_list("pk", "status", "requested_due", "decided_by")),
    }


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_view_of_more_time_is_in_the_table():
    names = {url_name for url_name, *_rest in CASES.values()}
    assert names == {
        "reports:delay_new",
        "reports:delay_withdraw",
        "staff:delay_requests",
        "staff:delay_grant",
        "staff:delay_refuse",
    }
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_delay_permission_matrix(client, delay_world, mailoutbox, case_id, method, actor, expected):
    url_name, kwargs, data, effect = CASES[case_id]
    url = reverse(url_name, kwargs=kwargs(delay_world) if kwargs else None)
    user = login_as(client, delay_world.base, actor)
    before = delay_snapshot()

    body = data(delay_world) if data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)

    assert_outcome(response, expected, url)
    if expected == DONE:
        effect(delay_world, user)
    else:
        assert delay_snapshot() == before, "a request that is refused (or changes nothing) changed the database"
    if expected == 200 and actor not in ("official_a", "admin", "superuser"):
        assert REASON not in response.content.decode()  # the city's reason stays between it and the team

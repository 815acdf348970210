"""Who may open the "Means and indicators" pages: the seven actors of
tests/pledges/test_permission_matrix.py (its world, reused), against one explicit table.
Only city A's own officials see and change city A's means, baselines, targets and own
indicators; campaign admins define the campaign's indicators in the admin."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from pledges.models import PledgeCommitment, PledgeEvent
from pledges.monitoring.models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from tests.monitoring.conftest import make_indicator
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
    ACTORS,
    DONE,
    LOGIN,
    MFA,
    REDIRECT,
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
    #  view[object]                          method  anonymous unverified official_a official_b admin superuser staff_no_mfa  # noqa: E501
    ("monitoring:page[verified-A]",          "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("monitoring:page[draft-A]",             "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("monitoring:means[verified-A]",         "GET",  LOGIN,    VERIFY,   405,      405,      405,      405,      405),
    ("monitoring:means[verified-A]",         "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:means[draft-A]",            "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:targets[verified-A]",       "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:indicator_add[verified-A]", "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:indicator_edit[own-A]",     "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("monitoring:indicator_edit[own-A]",     "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:indicator_edit[campaign]",  "GET",  LOGIN,    VERIFY,   404,      404,      404,      404,      404),
    ("monitoring:indicator_remove[own-A]",   "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("monitoring:indicator_remove[campaign]", "POST", LOGIN,   VERIFY,   404,      404,      404,      404,      404),
    ("admin:monitoring_indicator_changelist", "GET", REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
]
# fmt: on


@dataclass
class MWorld:
    base: Any
    chosen: PledgeCommitment
    draft_chosen: PledgeCommitment
    campaign_indicator: Indicator
    own_indicator: Indicator

    @property
    def users(self):
        return self.base.users


@pytest.fixture
def mworld(world):  # noqa: F811 - the matrix's world, imported
    chosen = world.verified_pledge.chosen.select_related("commitment").order_by("commitment__order").first()
    draft_chosen = world.draft_pledge.chosen.first()
    indicator = make_indicator(chosen.commitment, "ID-1", Indicator.Kind.COUNT, unit="people")
    own = make_indicator(chosen.commitment, "OWN-1", Indicator.Kind.COUNT, municipality=world.city_a)
    return MWorld(world, chosen, draft_chosen, indicator, own)


def monitoring_snapshot() -> dict:
    return {
        **snapshot(),
        "indicators": list(Indicator.objects.order_by("pk").values_list("pk", "code", "name_en", "kind")),
        "targets": list(IndicatorTarget.objects.order_by("pk").values_list("pk", "baseline_value", "target_value")),
        "values": list(IndicatorValue.objects.order_by("pk").values_list("pk", "value")),
        "means": list(MeansOfImplementation.objects.order_by("pk").values_list("pk", "lead_department")),
    }


def _means_data(chosen):
    return {f"m{chosen.pk}-lead_department": "Department of the matrix", f"m{chosen.pk}-budget_currency": "EUR"}


def _means_effect(attr):
    def check(w, user):
        assert MeansOfImplementation.objects.get(chosen=getattr(w, attr)).lead_department == "Department of the matrix"
        assert PledgeEvent.objects.filter(action=PledgeEvent.Action.MEANS_SAVED, actor=user).exists()

    return check


def _targets_data(w):
    p = f"t{w.chosen.pk}"
    i = w.campaign_indicator.pk
    return {
        f"{p}-baseline_value_{i}": "120",
        f"{p}-baseline_year_{i}": str(date.today().year - 1),
        f"{p}-target_value_{i}": "400",
        f"{p}-target_date_{i}": (date.today() + timedelta(days=400)).isoformat(),
    }


def _targets_effect(w, user):
    assert IndicatorTarget.objects.get(chosen=w.chosen, indicator=w.campaign_indicator).target_value == 400


def _add_effect(w, user):
    assert Indicator.objects.filter(code="OWN-2", municipality=w.base.city_a, created_by=user).exists()


def _edit_effect(w, user):
    w.own_indicator.refresh_from_db()
    assert w.own_indicator.name_en == "Renamed by the matrix"


def _removed_effect(w, user):
    assert not Indicator.objects.filter(pk=w.own_indicator.pk).exists()


def _edit_data(w):
    return {"code": "OWN-1", "name": "Renamed by the matrix", "kind": "count", "language": "en"}


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    data: Any = None
    effect: Any = None


def _chosen_kwargs(attr):
    def kwargs(w):
        chosen = getattr(w, attr)
        return {"pledge_pk": chosen.pledge_id, "chosen_pk": chosen.pk}

    return kwargs


def _indicator_kwargs(attr):
    return lambda w: {**_chosen_kwargs("chosen")(w), "indicator_pk": getattr(w, attr).pk}


CASES = {
    "monitoring:page[verified-A]": Case("monitoring:page", kwargs=lambda w: {"pledge_pk": w.base.verified_pledge.pk}),
    "monitoring:page[draft-A]": Case("monitoring:page", kwargs=lambda w: {"pledge_pk": w.base.draft_pledge.pk}),
    "monitoring:means[verified-A]": Case(
        "monitoring:means",
        kwargs=_chosen_kwargs("chosen"),
        data=lambda w: _means_data(w.chosen),
        effect=_means_effect("chosen"),
    ),
    "monitoring:means[draft-A]": Case(
        "monitoring:means",
        kwargs=_chosen_kwargs("draft_chosen"),
        data=lambda w: _means_data(w.draft_chosen),
        effect=_means_effect("draft_chosen"),
    ),
    "monitoring:targets[verified-A]": Case(
        "monitoring:targets", kwargs=_chosen_kwargs("chosen"), data=_targets_data, effect=_targets_effect
    ),
    "monitoring:indicator_add[verified-A]": Case(
        "monitoring:indicator_add",
        kwargs=_chosen_kwargs("chosen"),
        data=lambda w: {
            f"i{w.chosen.pk}-code": "OWN-2",
            f"i{w.chosen.pk}-name": "Cards issued",
            f"i{w.chosen.pk}-kind": "count",
            f"i{w.chosen.pk}-language": "en",
        },
        effect=_add_effect,
    ),
    "monitoring:indicator_edit[own-A]": Case(
        "monitoring:indicator_edit", kwargs=_indicator_kwargs("own_indicator"), data=_edit_data, effect=_edit_effect
    ),
    "monitoring:indicator_edit[campaign]": Case(
        "monitoring:indicator_edit", kwargs=_indicator_kwargs("campaign_indicator"), data=_edit_data
    ),
    "monitoring:indicator_remove[own-A]": Case(
        "monitoring:indicator_remove", kwargs=_indicator_kwargs("own_indicator"), effect=_removed_effect
    ),
    "monitoring:indicator_remove[campaign]": Case(
        "monitoring:indicator_remove", kwargs=_indicator_kwargs("campaign_indicator")
    ),
    "admin:monitoring_indicator_changelist": Case("admin:monitoring_indicator_changelist"),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_monitoring_view_is_in_the_table():
    from django.urls import get_resolver  # noqa: PLC0415 - as the pledges matrix does

    resolver = get_resolver()
    names = {
        f"monitoring:{name}" for name in resolver.namespace_dict["monitoring"][1].reverse_dict if isinstance(name, str)
    }
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert names and names - covered == set()


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_monitoring_permission_matrix(client, mworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(mworld) if case.kwargs else None)
    user = login_as(client, mworld.base, actor)
    before = monitoring_snapshot()
    body = case.data(mworld) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)
    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(mworld, user)
    else:
        assert monitoring_snapshot() == before

"""Who may open the exchange and partnership pages: the seven actors of
tests/pledges/test_permission_matrix.py (its world, reused), against one explicit table.

On top of that world: city A (Mechelen) has two published local actions and a submitted
one; Lyon (city B, official B) has a pending request about A's first action; Lyon's pledge
is verified here, so that both cities are signatories, with a partnership proposed by A to
B, one proposed by B to A, and a confirmed one. Official B may ASK about A's public action;
A may not ask about its own; nobody but the two parties sees or answers a request (404)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from pledges.learning.models import ExchangeRequest, HistoryEntry, LocalAction, Partnership
from pledges.learning.views import exchanges as exchange_views
from pledges.learning.views import partnerships as partnership_views
from pledges.models import Pledge
from tests.learning.moderation_world import make_action
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
    ACTORS,
    DONE,
    LOGIN,
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
    # view[object]                            method  anonymous unverified official_a official_b admin superuser staff_no_mfa  # noqa: E501
    ("learning:exchange_ask[action-A]",        "GET",  LOGIN, VERIFY, 403,    200,    403,    403,    403),
    ("learning:exchange_ask[action-A]",        "POST", LOGIN, VERIFY, 403,    DONE,   403,    403,    403),
    ("learning:exchange_ask[submitted-A]",     "GET",  LOGIN, VERIFY, 404,    404,    404,    404,    404),
    ("learning:exchanges",                     "GET",  LOGIN, VERIFY, 200,    200,    200,    200,    200),
    ("learning:exchange[pending-BA]",          "GET",  LOGIN, VERIFY, 200,    200,    404,    404,    404),
    ("learning:exchange_accept[pending-BA]",   "GET",  LOGIN, VERIFY, 405,    405,    405,    405,    405),
    ("learning:exchange_accept[pending-BA]",   "POST", LOGIN, VERIFY, DONE,   404,    404,    404,    404),
    ("learning:exchange_decline[pending-BA]",  "POST", LOGIN, VERIFY, DONE,   404,    404,    404,    404),
    ("learning:exchange_withdraw[pending-BA]", "POST", LOGIN, VERIFY, 404,    DONE,   404,    404,    404),
    ("learning:partnerships",                  "GET",  LOGIN, VERIFY, 200,    200,    200,    200,    200),
    ("learning:partnership_propose",           "POST", LOGIN, VERIFY, DONE,   DONE,   404,    404,    404),
    ("learning:partnership_confirm[A-to-B]",   "POST", LOGIN, VERIFY, 404,    DONE,   404,    404,    404),
    ("learning:partnership_decline[A-to-B]",   "POST", LOGIN, VERIFY, 404,    DONE,   404,    404,    404),
    ("learning:partnership_confirm[B-to-A]",   "POST", LOGIN, VERIFY, DONE,   404,    404,    404,    404),
    ("learning:partnership_end[confirmed]",    "POST", LOGIN, VERIFY, DONE,   DONE,   404,    404,    404),
    ("learning:partnership_end[confirmed]",    "GET",  LOGIN, VERIFY, 405,    405,    405,    405,    405),
]
# fmt: on

SECRET_EMAIL = "hidden-contact-9051@lyon.fr"


@dataclass
class XWorld:
    base: Any
    action: LocalAction
    other_action: LocalAction
    submitted: LocalAction
    pending: ExchangeRequest
    a_to_b: Partnership
    b_to_a: Partnership
    confirmed: Partnership

    @property
    def users(self):
        return self.base.users


@pytest.fixture
def xworld(world):  # noqa: F811 - the matrix's world, imported
    campaign, city_a, city_b = world.campaign, world.city_a, world.city_b
    Pledge.objects.filter(campaign=campaign, municipality=city_b).update(
        status=Pledge.Status.VERIFIED, verified_at=timezone.now()
    )
    action = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Welcome desk")
    other = make_action(campaign, city_a, state=LocalAction.State.PUBLISHED, title="Language cafés")
    submitted = make_action(campaign, city_a, state=LocalAction.State.SUBMITTED, title="Not public yet")
    pending = ExchangeRequest.objects.create(
        action=action,
        requester=city_b,
        requested_by=world.users["official_b"],
        message="May we learn from you?",
        requester_contact_name="Hidden Contact",
        requester_contact_email=SECRET_EMAIL,
    )

    def tie(proposer, partner, kind, status=Partnership.Status.PROPOSED):
        return Partnership.objects.create(
            campaign=campaign, proposer=proposer, partner=partner, kind=kind, status=status
        )

    return XWorld(
        world,
        action,
        other,
        submitted,
        pending,
        tie(city_a, city_b, Partnership.Kind.TWINNING),
        tie(city_b, city_a, Partnership.Kind.COOPERATION),
        tie(city_a, city_b, Partnership.Kind.DEPARTURE_ARRIVAL, Partnership.Status.CONFIRMED),
    )


def learning_snapshot() -> dict:
    return {
        **snapshot(),
        "exchanges": list(ExchangeRequest.objects.order_by("pk").values_list("pk", "status", "author_contact_email")),
        "partnerships": list(Partnership.objects.order_by("pk").values_list("pk", "status")),
        "history": HistoryEntry.objects.count(),
    }


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    data: Any = None
    effect: Any = None


def _exchange_is(status):
    def check(w, user):
        w.pending.refresh_from_db()
        assert w.pending.status == status
        assert HistoryEntry.objects.filter(exchange=w.pending, actor=user).exists()

    return check


def _asked(w, user):
    exchange = ExchangeRequest.objects.get(action=w.other_action)
    assert exchange.requester == w.base.city_b and exchange.requested_by == user


def _partnership_is(attr, status):
    def check(w, user):
        partnership = getattr(w, attr)
        partnership.refresh_from_db()
        assert partnership.status == status
        assert HistoryEntry.objects.filter(partnership=partnership, actor=user).exists()

    return check


def _proposed(w, user):
    assert Partnership.objects.filter(kind=Partnership.Kind.MUTUAL_AID, proposed_by=user).exists()


def _propose_data(w):
    # Whoever posts proposes from their own city to the other one (the form narrows the choice).
    return {
        "campaign": w.base.campaign.pk,
        "kind": Partnership.Kind.MUTUAL_AID,
        "description": "Mutual aid",
        "proposer": w.base.city_a.pk,
        "partner": w.base.city_b.pk,
    }


def _propose_data_for(w, user):
    data = _propose_data(w)
    if user == w.users["official_b"]:
        data["proposer"], data["partner"] = w.base.city_b.pk, w.base.city_a.pk
    return data


def _action_kwargs(attr):
    return lambda w: {"action_pk": getattr(w, attr).pk}


def _pk_of(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


CASES = {
    "learning:exchange_ask[action-A]": Case(
        "learning:exchange_ask",
        kwargs=_action_kwargs("other_action"),
        data=lambda w, user: {
            "requester": w.base.city_b.pk,
            "message": "Tell us more",
            "contact_name": "Bruno",
            "contact_email": "focal@lyon.fr",
        },
        effect=_asked,
    ),
    "learning:exchange_ask[submitted-A]": Case("learning:exchange_ask", kwargs=_action_kwargs("submitted")),
    "learning:exchanges": Case("learning:exchanges"),
    "learning:exchange[pending-BA]": Case("learning:exchange", kwargs=_pk_of("pending")),
    "learning:exchange_accept[pending-BA]": Case(
        "learning:exchange_accept",
        kwargs=_pk_of("pending"),
        data=lambda w, user: {"accept-contact_name": "Anna", "accept-contact_email": "focal@mechelen.be"},
        effect=_exchange_is(ExchangeRequest.Status.ACCEPTED),
    ),
    "learning:exchange_decline[pending-BA]": Case(
        "learning:exchange_decline", kwargs=_pk_of("pending"), effect=_exchange_is(ExchangeRequest.Status.DECLINED)
    ),
    "learning:exchange_withdraw[pending-BA]": Case(
        "learning:exchange_withdraw", kwargs=_pk_of("pending"), effect=_exchange_is(ExchangeRequest.Status.WITHDRAWN)
    ),
    "learning:partnerships": Case("learning:partnerships"),
    "learning:partnership_propose": Case("learning:partnership_propose", data=_propose_data_for, effect=_proposed),
    "learning:partnership_confirm[A-to-B]": Case(
        "learning:partnership_confirm", kwargs=_pk_of("a_to_b"), effect=_partnership_is("a_to_b", "confirmed")
    ),
    "learning:partnership_decline[A-to-B]": Case(
        "learning:partnership_decline", kwargs=_pk_of("a_to_b"), effect=_partnership_is("a_to_b", "declined")
    ),
    "learning:partnership_confirm[B-to-A]": Case(
        "learning:partnership_confirm", kwargs=_pk_of("b_to_a"), effect=_partnership_is("b_to_a", "confirmed")
    ),
    "learning:partnership_end[confirmed]": Case(
        "learning:partnership_end", kwargs=_pk_of("confirmed"), effect=_partnership_is("confirmed", "ended")
    ),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_exchange_and_partnership_view_is_in_the_table():
    names = {f"learning:{p.name}" for p in [*exchange_views.urlpatterns, *partnership_views.urlpatterns]}
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert names and names - covered == set()
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}
    resolver_names = set(get_resolver().namespace_dict["learning"][1].reverse_dict)
    assert {name.partition(":")[2] for name in names} <= resolver_names


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_exchange_permission_matrix(client, xworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(xworld) if case.kwargs else None)
    user = login_as(client, xworld.base, actor)
    before = learning_snapshot()
    body = case.data(xworld, user) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)
    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(xworld, user)
    else:
        assert learning_snapshot() == before
    if expected == 200:
        # No page shows the asker's contact while the request waits.
        assert SECRET_EMAIL not in response.content.decode()

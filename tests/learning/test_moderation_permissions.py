"""Who may open the moderation pages of local actions (pledges/learning/staff/moderation.py)
and the public events pages (campaign/public/event_views.py): the seven actors of
tests/pledges/test_permission_matrix.py (its world, reused), with STAFF_REQUIRE_MFA on as in
production, against one explicit table. Moderation is the campaign team's: the staff rows
answer as the work queue's do. The events are public."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from campaign.public import event_views
from pledges.learning.models import HistoryEntry, LocalAction
from pledges.learning.staff import moderation as staff_moderation
from tests.learning.moderation_world import make_action, make_event
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

# ruff: noqa: E501 - one row a line, aligned
# fmt: off
MATRIX = [
    #  view[object]                                   method  anonymous unverified official_a official_b admin superuser staff_no_mfa
    ("learning_staff:actions",                        "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("learning_staff:actions[published-tab]",         "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("learning_staff:action[submitted-A]",            "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("learning_staff:action[published-A]",            "GET",  LOGIN,    VERIFY,   403,      403,      200,      200,      MFA),
    ("learning_staff:action_publish[submitted-A]",    "GET",  LOGIN,    VERIFY,   403,      403,      405,      405,      MFA),
    ("learning_staff:action_publish[submitted-A]",    "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("learning_staff:action_return[submitted-A]",     "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("learning_staff:action_unpublish[published-A]",  "POST", LOGIN,    VERIFY,   403,      403,      DONE,     DONE,     MFA),
    ("events:list",                                   "GET",  200,      200,      200,      200,      200,      200,      200),
    ("events:ical",                                   "GET",  200,      200,      200,      200,      200,      200,      200),
    ("admin:learning_localaction_changelist",         "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
    ("admin:learning_campaignevent_changelist",       "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
    ("admin:learning_historyentry_changelist",        "GET",  REDIRECT, REDIRECT, REDIRECT, REDIRECT, 200,      200,      MFA),
]
# fmt: on


@dataclass
class LWorld:
    base: Any
    submitted: LocalAction
    published: LocalAction

    @property
    def users(self):
        return self.base.users


@pytest.fixture
def lworld(world):  # noqa: F811 - the matrix's world, imported
    submitted = make_action(world.campaign, world.city_a, title="Waiting desk")
    published = make_action(world.campaign, world.city_a, state=LocalAction.State.PUBLISHED, title="Library desk")
    make_event(world.campaign, days_from_today=12, title="Matrix forum")
    return LWorld(world, submitted, published)


def moderation_snapshot() -> dict:
    return {
        **snapshot(),
        "actions": list(LocalAction.objects.order_by("pk").values_list("pk", "state", "return_reason", "published_at")),
        "history": list(HistoryEntry.objects.order_by("pk").values_list("pk", "verb", "actor_id")),
    }


def _state_is(attr, state, verb):
    def check(w, user):
        action = getattr(w, attr)
        action.refresh_from_db()
        assert action.state == state
        assert action.moderated_by == user
        assert HistoryEntry.objects.filter(verb=verb, local_action=action, actor=user).exists()

    return check


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    query: Any = None
    data: Any = None
    effect: Any = None


CASES = {
    "learning_staff:actions": Case("learning_staff:actions"),
    "learning_staff:actions[published-tab]": Case("learning_staff:actions", query={"tab": "published"}),
    "learning_staff:action[submitted-A]": Case("learning_staff:action", kwargs=lambda w: {"pk": w.submitted.pk}),
    "learning_staff:action[published-A]": Case("learning_staff:action", kwargs=lambda w: {"pk": w.published.pk}),
    "learning_staff:action_publish[submitted-A]": Case(
        "learning_staff:action_publish",
        kwargs=lambda w: {"pk": w.submitted.pk},
        effect=_state_is("submitted", LocalAction.State.PUBLISHED, HistoryEntry.Verb.ACTION_PUBLISHED),
    ),
    "learning_staff:action_return[submitted-A]": Case(
        "learning_staff:action_return",
        kwargs=lambda w: {"pk": w.submitted.pk},
        data=lambda w: {"return-reason": "Add the budget."},
        effect=_state_is("submitted", LocalAction.State.RETURNED, HistoryEntry.Verb.ACTION_RETURNED),
    ),
    "learning_staff:action_unpublish[published-A]": Case(
        "learning_staff:action_unpublish",
        kwargs=lambda w: {"pk": w.published.pk},
        data=lambda w: {"unpublish-reason": "A private address is shown."},
        effect=_state_is("published", LocalAction.State.RETURNED, HistoryEntry.Verb.ACTION_UNPUBLISHED),
    ),
    "events:list": Case("events:list"),
    "events:ical": Case("events:ical"),
    "admin:learning_localaction_changelist": Case("admin:learning_localaction_changelist"),
    "admin:learning_campaignevent_changelist": Case("admin:learning_campaignevent_changelist"),
    "admin:learning_historyentry_changelist": Case("admin:learning_historyentry_changelist"),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_view_of_moderation_and_events_is_in_the_table():
    names = {f"learning_staff:{p.name}" for p in staff_moderation.urlpatterns} | {
        f"events:{p.name}" for p in event_views.urlpatterns
    }
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert len(names) == 7 and names - covered == set()
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_moderation_permission_matrix(client, lworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(lworld) if case.kwargs else None)
    user = login_as(client, lworld.base, actor)
    before = moderation_snapshot()
    if method == "POST":
        response = client.post(url, case.data(lworld) if case.data else {})
    else:
        response = client.get(url, case.query or {})
    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(lworld, user)
    else:
        assert moderation_snapshot() == before

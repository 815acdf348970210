"""Who may open the public library's pages: the seven actors of
tests/pledges/test_permission_matrix.py (its world, reused), against one explicit table.
The library, the feed and a published action's page and files are open to everyone; an
action that is not published (draft, waiting for review, returned) and its files answer
404 to everyone, campaign admins and superusers included: they read it on the staff pages."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import get_resolver, reverse

from pledges.learning.models import LocalAction
from tests.factories import make_pdf_bytes
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
    ACTORS,
    _matrix_settings,
    assert_outcome,
    login_as,
    snapshot,
    staff_admin,
    world,
)
from tests.public.library_helpers import add_file, make_action

State = LocalAction.State

# fmt: off
MATRIX = [
    #  view[object]                   method  anonymous unverified official_a official_b admin superuser staff_no_mfa
    ("library:list",                  "GET",  200,      200,      200,      200,      200,      200,      200),
    ("library:list[filtered]",        "GET",  200,      200,      200,      200,      200,      200,      200),
    ("library:feed",                  "GET",  200,      200,      200,      200,      200,      200,      200),
    ("library:detail[published-A]",   "GET",  200,      200,      200,      200,      200,      200,      200),
    ("library:detail[draft-A]",       "GET",  404,      404,      404,      404,      404,      404,      404),
    ("library:detail[submitted-A]",   "GET",  404,      404,      404,      404,      404,      404,      404),
    ("library:detail[returned-A]",    "GET",  404,      404,      404,      404,      404,      404,      404),
    ("library:detail[published-A]",   "POST", 405,      405,      405,      405,      405,      405,      405),
    ("library:file[published-A]",     "GET",  200,      200,      200,      200,      200,      200,      200),
    ("library:file[draft-A]",         "GET",  404,      404,      404,      404,      404,      404,      404),
    ("library:file[submitted-A]",     "GET",  404,      404,      404,      404,      404,      404,      404),
    ("library:file[returned-A]",      "GET",  404,      404,      404,      404,      404,      404,      404),
]
# fmt: on


@dataclass
class LWorld:
    base: Any
    actions: dict
    files: dict


@pytest.fixture
def lworld(world):  # noqa: F811 - the matrix's world, imported
    actions, files = {}, {}
    for name, state in (
        ("published", State.PUBLISHED),
        ("draft", State.DRAFT),
        ("submitted", State.SUBMITTED),
        ("returned", State.RETURNED),
    ):
        actions[name] = make_action(world.campaign, world.city_a, state=state, title=f"Action {name} of Mechelen")
        files[name] = add_file(actions[name], content=make_pdf_bytes(), name=f"{name}.pdf")
    return LWorld(world, actions, files)


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    query: Any = None


def _action(name):
    return lambda w: {"pk": w.actions[name].pk}


def _file(name):
    return lambda w: {"pk": w.actions[name].pk, "file_pk": w.files[name].pk}


CASES = {
    "library:list": Case("library:list"),
    "library:list[filtered]": Case("library:list", query={"q": "Mechelen action", "theme": "rights", "gcm": "99"}),
    "library:feed": Case("library:feed"),
    **{
        f"library:detail[{name}-A]": Case("library:detail", kwargs=_action(name))
        for name in ("published", "draft", "submitted", "returned")
    },
    **{
        f"library:file[{name}-A]": Case("library:file", kwargs=_file(name))
        for name in ("published", "draft", "submitted", "returned")
    },
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_library_view_is_in_the_table():
    resolver = get_resolver()
    names = {f"library:{name}" for name in resolver.namespace_dict["library"][1].reverse_dict if isinstance(name, str)}
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert names and names - covered == set()


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_library_permission_matrix(client, lworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(lworld) if case.kwargs else None)
    login_as(client, lworld.base, actor)
    before = snapshot()
    response = client.post(url, {}) if method == "POST" else client.get(url, case.query or {})
    assert_outcome(response, expected, url)
    if expected == 200 and case.url_name == "library:detail":
        assert "Action published of Mechelen" in response.content.decode()
    if expected == 200 and case.url_name == "library:list":
        html = response.content.decode()
        assert "Action draft of Mechelen" not in html and "Action returned of Mechelen" not in html
    assert snapshot() == before

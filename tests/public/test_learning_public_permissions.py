"""Who may read peer learning's public surfaces (the map layers, the API, the downloads and
the city profile's sections): everyone, the seven actors of
tests/pledges/test_permission_matrix.py alike (its world, reused), and what each of them
gets is the same public data, never a draft action or an unconfirmed partnership."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.learning.models import LocalAction, Partnership
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
    ACTORS,
    _matrix_settings,
    assert_outcome,
    login_as,
    snapshot,
    staff_admin,
    world,
)

PUBLISHED_TITLE = "Matrix welcome desk"
DRAFT_TITLE = "Matrix SECRET draft action"
PROPOSED_TEXT = "Matrix SECRET proposed partnership"

# fmt: off
MATRIX = [
    #  view[object]                               method anonymous unverified official_a official_b admin superuser staff_no_mfa  # noqa: E501
    ("cities:detail[A]",                         "GET", 200,      200,       200,       200,       200,  200,      200),
    ("map_actions_geojson",                      "GET", 200,      200,       200,       200,       200,  200,      200),
    ("map_partnerships_geojson",                 "GET", 200,      200,       200,       200,       200,  200,      200),
    ("api-action-list",                          "GET", 200,      200,       200,       200,       200,  200,      200),
    ("api-action-detail[published]",             "GET", 200,      200,       200,       200,       200,  200,      200),
    ("api-action-detail[draft]",                 "GET", 404,      404,       404,       404,       404,  404,      404),
    ("api-partnership-list",                     "GET", 200,      200,       200,       200,       200,  200,      200),
    ("api-partnership-detail[confirmed]",        "GET", 200,      200,       200,       200,       200,  200,      200),
    ("api-partnership-detail[proposed]",         "GET", 404,      404,       404,       404,       404,  404,      404),
    ("opendata-download[actions.csv]",           "GET", 200,      200,       200,       200,       200,  200,      200),
    ("opendata-download[actions.json]",          "GET", 200,      200,       200,       200,       200,  200,      200),
    ("opendata-download[partnerships.csv]",      "GET", 200,      200,       200,       200,       200,  200,      200),
    ("opendata-download[partnerships.json]",     "GET", 200,      200,       200,       200,       200,  200,      200),
]
# fmt: on

# The URL names this feature added (campaign/public/urls.py): each must have a row above.
FEATURE_URL_NAMES = {
    "map_actions_geojson",
    "map_partnerships_geojson",
    "api-action-list",
    "api-action-detail",
    "api-partnership-list",
    "api-partnership-detail",
}


@dataclass
class LWorld:
    base: Any
    published: LocalAction
    draft: LocalAction
    confirmed: Partnership
    proposed: Partnership


@pytest.fixture
def lworld(world):  # noqa: F811 - the matrix's world, imported
    pledge = world.verified_pledge
    common = {"campaign": pledge.campaign, "municipality": world.city_a, "language": "en", "contact_role": "Office"}
    published = LocalAction.objects.create(
        title=PUBLISHED_TITLE, summary="Open to all.", state="published", published_at=timezone.now(), **common
    )
    draft = LocalAction.objects.create(title=DRAFT_TITLE, summary="Not yet.", **common)
    confirmed = Partnership.objects.create(
        campaign=pledge.campaign,
        proposer=world.city_a,
        partner=world.city_b,
        kind="twinning",
        status="confirmed",
        answered_at=timezone.now(),
    )
    other = world.city_b.__class__.objects.create(
        name="Matrixville", country="BE", latitude=50.0, longitude=4.0, time_zone="Europe/Brussels"
    )
    proposed = Partnership.objects.create(
        campaign=pledge.campaign, proposer=world.city_a, partner=other, kind="cooperation", description=PROPOSED_TEXT
    )
    return LWorld(world, published, draft, confirmed, proposed)


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    params: Any = None


def _download(dataset, extension):
    return Case("opendata-download", kwargs=lambda w: {"dataset": dataset, "extension": extension})


CASES = {
    "cities:detail[A]": Case("cities:detail", kwargs=lambda w: {"municipality_slug": w.base.city_a.slug}),
    "map_actions_geojson": Case("map_actions_geojson"),
    "map_partnerships_geojson": Case("map_partnerships_geojson"),
    "api-action-list": Case("api-action-list"),
    "api-action-detail[published]": Case("api-action-detail", kwargs=lambda w: {"pk": w.published.pk}),
    "api-action-detail[draft]": Case("api-action-detail", kwargs=lambda w: {"pk": w.draft.pk}),
    "api-partnership-list": Case("api-partnership-list"),
    "api-partnership-detail[confirmed]": Case("api-partnership-detail", kwargs=lambda w: {"pk": w.confirmed.pk}),
    "api-partnership-detail[proposed]": Case("api-partnership-detail", kwargs=lambda w: {"pk": w.proposed.pk}),
    "opendata-download[actions.csv]": _download("actions", "csv"),
    "opendata-download[actions.json]": _download("actions", "json"),
    "opendata-download[partnerships.csv]": _download("partnerships", "csv"),
    "opendata-download[partnerships.json]": _download("partnerships", "json"),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_learning_public_view_is_in_the_table():
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert FEATURE_URL_NAMES - covered == set()
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}
    for name in FEATURE_URL_NAMES:  # they exist
        kwargs = {"pk": 1} if name.endswith("-detail") else None
        assert reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_learning_public_permission_matrix(client, lworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(lworld) if case.kwargs else None)
    login_as(client, lworld.base, actor)
    before = snapshot()
    response = client.get(url, headers={"accept": "application/json"} if "api-" in case_id else {})
    assert_outcome(response, expected, url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert DRAFT_TITLE not in text and PROPOSED_TEXT not in text and "Matrixville" not in text
    if expected == 200 and "partnership" not in case_id:
        assert PUBLISHED_TITLE in text
    assert snapshot() == before

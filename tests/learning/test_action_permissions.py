"""Who may open the officials' pages of local actions: the seven actors of
tests/pledges/test_permission_matrix.py (its world, reused), against one explicit table.
Only city A's own officials write city A's actions; campaign admins may read the private
page and download its files (they moderate), never edit; everyone else gets 404."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.learning.models import (
    HistoryEntry,
    LocalAction,
    LocalActionFile,
    LocalActionResult,
    LocalActionTranslation,
)
from pledges.learning.services import actions as services
from pledges.learning.views import actions as action_views
from tests.factories import make_pdf_bytes
from tests.monitoring.conftest import make_indicator
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
    ACTORS,
    DONE,
    LOGIN,
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
    #  view[object]                           method  anonymous unverified official_a official_b admin superuser staff_no_mfa  # noqa: E501
    ("learning:home",                         "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("learning:action_new",                   "GET",  LOGIN,    VERIFY,   200,      200,      200,      200,      200),
    ("learning:action_new[pledge-A]",         "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("learning:action_new[pledge-A]",         "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:action_detail[draft-A]",       "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("learning:action_edit[draft-A]",         "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("learning:action_edit[draft-A]",         "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:action_edit[submitted-A]",     "GET",  LOGIN,    VERIFY,   REDIRECT, 404,      404,      404,      404),
    ("learning:action_submit[draft-A]",       "GET",  LOGIN,    VERIFY,   405,      405,      405,      405,      405),
    ("learning:action_submit[draft-A]",       "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:action_delete[draft-A]",       "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:translation_edit[draft-A,fr]", "GET",  LOGIN,    VERIFY,   200,      404,      404,      404,      404),
    ("learning:translation_edit[draft-A,fr]", "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:translation_remove[draft-A,fr]", "POST", LOGIN,  VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:file_add[draft-A]",            "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:file_remove[draft-A]",         "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:file_download[draft-A]",       "GET",  LOGIN,    VERIFY,   200,      404,      200,      200,      404),
    ("learning:result_save[draft-A]",         "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
    ("learning:result_remove[draft-A]",       "POST", LOGIN,    VERIFY,   DONE,     404,      404,      404,      404),
]
# fmt: on


@dataclass
class AWorld:
    base: Any
    draft: LocalAction
    submitted: LocalAction
    file: LocalActionFile
    indicator: Any

    @property
    def users(self):
        return self.base.users


def _data(title="Municipal identity card"):
    return {
        "language": "en",
        "title": title,
        "summary": "A card for every resident, whatever their papers.",
        "status": "ongoing",
        "contact_role": "Office of newcomers",
        "budget_currency": "",
    }


@pytest.fixture
def aworld(world):  # noqa: F811 - the matrix's world, imported
    official = world.users["official_a"]
    pledge = world.verified_pledge
    commitment = pledge.chosen.select_related("commitment").first().commitment
    indicator = make_indicator(commitment, "CARD-1", "count", unit="cards")
    draft = services.action_create(
        actor=official,
        municipality=world.city_a,
        campaign=world.campaign,
        data={**_data(), "commitment_ids": [commitment.pk]},
    )
    services.translation_save(actor=official, action=draft, language="fr", title="Carte", summary="Pour tous.")
    stored = services.file_add(
        actor=official, action=draft, upload=SimpleUploadedFile("leaflet.pdf", make_pdf_bytes()), title="Leaflet"
    )
    services.result_save(actor=official, action=draft, indicator=indicator, value_text="300")
    submitted = services.action_create(
        actor=official, municipality=world.city_a, campaign=world.campaign, data=_data("Waiting for review")
    )
    services.action_submit(actor=official, action=submitted)
    return AWorld(world, draft, submitted, stored, indicator)


def learning_snapshot() -> dict:
    return {
        **snapshot(),
        "actions": list(LocalAction.objects.order_by("pk").values_list("pk", "state", "title")),
        "translations": list(LocalActionTranslation.objects.order_by("pk").values_list("pk", "title")),
        "files": list(LocalActionFile.objects.order_by("pk").values_list("pk", "original_name")),
        "results": list(LocalActionResult.objects.order_by("pk").values_list("pk", "value")),
        "history": HistoryEntry.objects.count(),
    }


def _history_has(verb):
    def check(w, user):
        assert HistoryEntry.objects.filter(verb=verb, actor=user).exists()

    return check


def _state_is(state):
    def check(w, user):
        w.draft.refresh_from_db()
        assert w.draft.state == state

    return check


def _created(w, user):
    assert LocalAction.objects.filter(title="Written through the matrix", created_by=user).exists()


def _edited(w, user):
    w.draft.refresh_from_db()
    assert w.draft.title == "Edited through the matrix"


def _deleted(w, user):
    assert not LocalAction.objects.filter(pk=w.draft.pk).exists()


def _translated(w, user):
    assert w.draft.translations.get(language="fr").title == "Carte de la ville"


def _translation_removed(w, user):
    assert not w.draft.translations.exists()


def _file_added(w, user):
    assert w.draft.files.count() == 2


def _file_removed(w, user):
    assert not w.draft.files.exists()


def _result_saved(w, user):
    assert w.draft.indicator_results.get().value == 450


def _result_removed(w, user):
    assert not w.draft.indicator_results.exists()


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    data: Any = None
    effect: Any = None
    query: Any = None


def _draft(w):
    return {"pk": w.draft.pk}


CASES = {
    "learning:home": Case("learning:home"),
    "learning:action_new": Case("learning:action_new"),
    "learning:action_new[pledge-A]": Case(
        "learning:action_new",
        query=lambda w: f"?pledge={w.base.verified_pledge.pk}",
        data=lambda w: _data("Written through the matrix"),
        effect=_created,
    ),
    "learning:action_detail[draft-A]": Case("learning:action_detail", kwargs=_draft),
    "learning:action_edit[draft-A]": Case(
        "learning:action_edit", kwargs=_draft, data=lambda w: _data("Edited through the matrix"), effect=_edited
    ),
    "learning:action_edit[submitted-A]": Case("learning:action_edit", kwargs=lambda w: {"pk": w.submitted.pk}),
    "learning:action_submit[draft-A]": Case(
        "learning:action_submit", kwargs=_draft, effect=_state_is(LocalAction.State.SUBMITTED)
    ),
    "learning:action_delete[draft-A]": Case("learning:action_delete", kwargs=_draft, effect=_deleted),
    "learning:translation_edit[draft-A,fr]": Case(
        "learning:translation_edit",
        kwargs=lambda w: {"pk": w.draft.pk, "language": "fr"},
        data=lambda w: {"title": "Carte de la ville", "summary": "Pour chaque habitant."},
        effect=_translated,
    ),
    "learning:translation_remove[draft-A,fr]": Case(
        "learning:translation_remove",
        kwargs=lambda w: {"pk": w.draft.pk, "language": "fr"},
        effect=_translation_removed,
    ),
    "learning:file_add[draft-A]": Case(
        "learning:file_add",
        kwargs=_draft,
        data=lambda w: {"file": SimpleUploadedFile("second.pdf", make_pdf_bytes()), "title": "Second"},
        effect=_file_added,
    ),
    "learning:file_remove[draft-A]": Case(
        "learning:file_remove", kwargs=lambda w: {"pk": w.draft.pk, "file_pk": w.file.pk}, effect=_file_removed
    ),
    "learning:file_download[draft-A]": Case(
        "learning:file_download", kwargs=lambda w: {"pk": w.draft.pk, "file_pk": w.file.pk}
    ),
    "learning:result_save[draft-A]": Case(
        "learning:result_save",
        kwargs=_draft,
        data=lambda w: {"indicator": w.indicator.pk, "value_text": "450"},
        effect=_result_saved,
    ),
    "learning:result_remove[draft-A]": Case(
        "learning:result_remove",
        kwargs=lambda w: {"pk": w.draft.pk, "indicator_pk": w.indicator.pk},
        effect=_result_removed,
    ),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_view_of_local_actions_is_in_the_table():
    names = {f"learning:{pattern.name}" for pattern in action_views.urlpatterns}
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert names and names - covered == set()


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_action_permission_matrix(client, aworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(aworld) if case.kwargs else None)
    if case.query:
        url += case.query(aworld)
    user = login_as(client, aworld.base, actor)
    before = learning_snapshot()
    body = case.data(aworld) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)
    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(aworld, user)
    elif method == "POST" or expected != 200:
        assert learning_snapshot() == before


def test_official_b_sees_none_of_city_as_words_on_its_pages(client, aworld):
    client.force_login(aworld.users["official_b"])
    for url in (
        reverse("learning:home"),
        reverse("learning:action_detail", args=[aworld.draft.pk]),
        reverse("learning:action_edit", args=[aworld.draft.pk]),
    ):
        assert "Municipal identity card" not in client.get(url).content.decode()

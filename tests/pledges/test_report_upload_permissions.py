"""Who may use reporting by spreadsheet: the seven actors of the permission matrix
(tests/pledges/test_permission_matrix.py, whose world and helpers this reuses) against the
download, upload, status and progress views. Only city A's own officials get in; for every
refused request nothing moves, uploads included."""

import io

import pytest
from django.urls import reverse

from pledges.models import ReportUpload
from pledges.reports import uploads
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
    #  view[object]                            method anonymous unverified official_a official_b admin superuser no_mfa
    ("reports:download[csv]",                  "GET",  LOGIN,    VERIFY,   200,       404,       404,  404,      404),
    ("reports:download[xlsx]",                 "GET",  LOGIN,    VERIFY,   200,       404,       404,  404,      404),
    ("reports:download[pdf]",                  "GET",  LOGIN,    VERIFY,   404,       404,       404,  404,      404),
    ("reports:upload",                         "GET",  LOGIN,    VERIFY,   200,       404,       404,  404,      404),
    ("reports:upload",                         "POST", LOGIN,    VERIFY,   DONE,      404,       404,  404,      404),
    ("reports:upload_status",                  "GET",  LOGIN,    VERIFY,   200,       404,       404,  404,      404),
    ("reports:upload_progress",                "GET",  LOGIN,    VERIFY,   200,       404,       404,  404,      404),
]
# fmt: on


@pytest.fixture
def upload_world(world):  # noqa: F811 - the imported fixture
    """The matrix's world, with a spreadsheet city A's official uploaded (still being checked)."""
    official = world.users["official_a"]
    file = io.BytesIO(b"commitment,indicator\n")
    file.name = "a.csv"
    world.upload = uploads.upload_receive(
        actor=official,
        pledge=world.verified_pledge,
        period=world.current_period,
        file=file,
        action="submit",
        dispatch=lambda upload_id: None,
    )
    return world


def _url(case_id, w):
    args = [w.verified_pledge.pk, w.current_period.pk]
    name, _sep, rest = case_id.partition("[")
    if name == "reports:download":
        return reverse(name, args=[*args, rest.rstrip("]")])
    if name in ("reports:upload_status", "reports:upload_progress"):
        return reverse(name, args=[*args, w.upload.pk])
    return reverse(name, args=args)


def _uploads():
    return list(ReportUpload.objects.order_by("pk").values_list("pk", "uploaded_by_id", "status"))


def _params():
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS)
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            yield pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}")


@pytest.mark.parametrize("case_id,method,actor,expected", list(_params()))
def test_report_upload_permissions(client, upload_world, case_id, method, actor, expected):
    w = upload_world
    url = _url(case_id, w)
    user = login_as(client, w, actor)
    before, uploads_before = snapshot(), _uploads()
    if method == "POST":
        file = io.BytesIO(b"commitment,indicator\n")
        file.name = "matrix.csv"
        response = client.post(url, {"file": file, "action": "submit"})
    else:
        response = client.get(url)
    assert_outcome(response, expected, url)
    if expected == DONE:
        assert ReportUpload.objects.filter(uploaded_by=user).exclude(pk=w.upload.pk).exists()
    else:
        assert _uploads() == uploads_before
    assert snapshot() == before  # an upload is only checked later: the report has not moved
    if expected == 200 and case_id.startswith("reports:download"):
        assert response["Cache-Control"] == "private, no-store"


def test_every_spreadsheet_view_is_in_this_table():
    names = {"reports:download", "reports:upload", "reports:upload_status", "reports:upload_progress"}
    assert {case_id.partition("[")[0] for case_id, *_rest in MATRIX} == names

"""Who may open what among the views of evidence files, review and version comparisons, for
the seven actors of tests/pledges/test_permission_matrix.py (its world, its outcomes, its
rules: STAFF_REQUIRE_MFA on; a refused request changes nothing).

The world adds, on city A's submitted report for the current period: an evidence file listed
in a published version 2 (public), a file added since (private), and a version 3 waiting
for the campaign team's review (the campaign reviews reports from then on).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges import evidence, services
from pledges.models import EvidenceFile, ReportVersion
from tests.factories import make_pdf_bytes
from tests.pledges import test_permission_matrix as matrix
from tests.pledges.test_permission_matrix import ACTORS, DONE, LOGIN, MFA, VERIFY, assert_outcome, login_as, snapshot

# The permission matrix's fixtures: its world, its admin with a second factor, its settings.
world = matrix.world
staff_admin = matrix.staff_admin
_matrix_settings = matrix._matrix_settings

# fmt: off
MATRIX = [
    # evidence files: the city's officials add and remove; officials and admins download
    ("reports:evidence_add[A]",            "GET",  LOGIN, VERIFY, 200,  404, 404, 404, 404),
    ("reports:evidence_add[A]",            "POST", LOGIN, VERIFY, DONE, 404, 404, 404, 404),
    ("reports:evidence_remove[A,private]", "GET",  LOGIN, VERIFY, 405,  405, 405, 405, 405),
    ("reports:evidence_remove[A,private]", "POST", LOGIN, VERIFY, DONE, 404, 404, 404, 404),
    ("reports:evidence_file[A,private]",   "GET",  LOGIN, VERIFY, 200,  404, 200, 200, 404),
    ("reports:version_changes[A,2]",       "GET",  LOGIN, VERIFY, 200,  404, 404, 404, 404),
    # the public: a file listed in a published version, and what a published version changed
    ("cities:evidence[A,published]",       "GET",  200,   200,    200,  200, 200, 200, 200),
    ("cities:evidence[A,private]",         "GET",  404,   404,    404,  404, 404, 404, 404),
    ("cities:report_changes[A,2]",         "GET",  200,   200,    200,  200, 200, 200, 200),
    ("cities:report_changes[A,3-pending]", "GET",  404,   404,    404,  404, 404, 404, 404),
    # the review tab: campaign admins only
    ("staff:report_reviews",               "GET",  LOGIN, VERIFY, 403,  403, 200, 200, MFA),
    ("staff:report_review[3]",             "GET",  LOGIN, VERIFY, 403,  403, 200, 200, MFA),
    ("staff:report_review_publish[3]",     "GET",  LOGIN, VERIFY, 403,  403, 405, 405, MFA),
    ("staff:report_review_publish[3]",     "POST", LOGIN, VERIFY, 403,  403, DONE, DONE, MFA),
    ("staff:report_review_ask_changes[3]", "POST", LOGIN, VERIFY, 403,  403, DONE, DONE, MFA),
]
# fmt: on


@dataclass
class More:
    published_file: EvidenceFile
    private_file: EvidenceFile
    pending: ReportVersion


@pytest.fixture
def more(world, campaign):
    official = world.users["official_a"]
    chosen = world.report.updates.first().chosen
    published = evidence.evidence_add(
        actor=official,
        pledge=world.verified_pledge,
        period=world.current_period,
        chosen_id=chosen.pk,
        upload=SimpleUploadedFile("decision.pdf", make_pdf_bytes()),
        title="Council decision",
    )
    services.report_submit(actor=official, report=world.report)  # version 2, published
    private = evidence.evidence_add(
        actor=official,
        pledge=world.verified_pledge,
        period=world.current_period,
        chosen_id=chosen.pk,
        upload=SimpleUploadedFile("later.pdf", make_pdf_bytes()),
    )
    campaign.reports_need_review = True
    campaign.save()
    services.report_submit(actor=official, report=world.report)  # version 3, waiting for review
    return More(published, private, world.report.versions.get(number=3))


def _evidence_added(w, m, user):
    assert EvidenceFile.objects.filter(original_name="added-by-matrix.pdf", uploaded_by=user).exists()


def _evidence_removed(w, m, user):
    assert not EvidenceFile.objects.filter(pk=m.private_file.pk).exists()


def _review_is(review):
    def check(w, m, user):
        m.pending.refresh_from_db()
        assert m.pending.review == review
        assert m.pending.reviewed_by == user

    return check


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None  # (world, more) -> URL kwargs
    data: Any = None  # (world, more) -> POST body
    effect: Any = None  # (world, more, user) -> None


def _a_report(w, m, number):
    return {"pledge_pk": w.verified_pledge.pk, "period_pk": w.current_period.pk, "number": number}


CASES = {
    "reports:evidence_add[A]": Case(
        "reports:evidence_add",
        kwargs=lambda w, m: {
            "pledge_pk": w.verified_pledge.pk,
            "period_pk": w.current_period.pk,
            "chosen_pk": m.private_file.update.chosen_id,
        },
        data=lambda w, m: {"file": SimpleUploadedFile("added-by-matrix.pdf", make_pdf_bytes())},
        effect=_evidence_added,
    ),
    "reports:evidence_remove[A,private]": Case(
        "reports:evidence_remove",
        kwargs=lambda w, m: {"pledge_pk": w.verified_pledge.pk, "file_pk": m.private_file.pk},
        effect=_evidence_removed,
    ),
    "reports:evidence_file[A,private]": Case(
        "reports:evidence_file", kwargs=lambda w, m: {"file_pk": m.private_file.pk}
    ),
    "reports:version_changes[A,2]": Case("reports:version_changes", kwargs=lambda w, m: _a_report(w, m, 2)),
    "cities:evidence[A,published]": Case(
        "cities:evidence", kwargs=lambda w, m: {"municipality_slug": w.city_a.slug, "file_pk": m.published_file.pk}
    ),
    "cities:evidence[A,private]": Case(
        "cities:evidence", kwargs=lambda w, m: {"municipality_slug": w.city_a.slug, "file_pk": m.private_file.pk}
    ),
    "cities:report_changes[A,2]": Case(
        "cities:report_changes",
        kwargs=lambda w, m: {"municipality_slug": w.city_a.slug, "report_pk": w.report.pk, "number": 2},
    ),
    "cities:report_changes[A,3-pending]": Case(
        "cities:report_changes",
        kwargs=lambda w, m: {"municipality_slug": w.city_a.slug, "report_pk": w.report.pk, "number": 3},
    ),
    "staff:report_reviews": Case("staff:report_reviews"),
    "staff:report_review[3]": Case("staff:report_review", kwargs=lambda w, m: {"pk": m.pending.pk}),
    "staff:report_review_publish[3]": Case(
        "staff:report_review_publish",
        kwargs=lambda w, m: {"pk": m.pending.pk},
        effect=_review_is(ReportVersion.Review.PUBLISHED),
    ),
    "staff:report_review_ask_changes[3]": Case(
        "staff:report_review_ask_changes",
        kwargs=lambda w, m: {"pk": m.pending.pk},
        data=lambda w, m: {"comment": "Say more about the legal desk."},
        effect=_review_is(ReportVersion.Review.CHANGES_REQUESTED),
    ),
}


def my_snapshot() -> dict:
    return {
        **snapshot(),
        "evidence": list(EvidenceFile.objects.order_by("pk").values_list("pk", "original_name")),
        "reviews": list(ReportVersion.objects.order_by("pk").values_list("pk", "review", "published_at")),
    }


def _params():
    return [
        pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}")
        for case_id, method, *outcomes in MATRIX
        for actor, expected in zip(ACTORS, outcomes, strict=True)
    ]


def test_every_new_view_is_in_the_table():
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert covered == {
        "reports:evidence_add",
        "reports:evidence_remove",
        "reports:evidence_file",
        "reports:version_changes",
        "cities:evidence",
        "cities:report_changes",
        "staff:report_reviews",
        "staff:report_review",
        "staff:report_review_publish",
        "staff:report_review_ask_changes",
    }
    assert set(CASES) == {case_id for case_id, *_rest in MATRIX}


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_review_permission_matrix(client, world, more, mailoutbox, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(world, more) if case.kwargs else None)
    user = login_as(client, world, actor)
    before = my_snapshot()

    body = case.data(world, more) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)

    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(world, more, user)
    else:
        assert my_snapshot() == before, "a request that is refused (or changes nothing) changed the database"
    if expected == 200 and method == "GET" and case.url_name == "cities:evidence":
        assert response["Content-Disposition"].startswith("attachment")

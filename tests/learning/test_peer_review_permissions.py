"""Who may open the peer-review pages: the seven actors of tests/pledges/test_permission_matrix.py
(its world, reused), against one explicit table. Mechelen (city A, official A) is reviewed by
Lyon (city B, official B, whose draft pledge this world verifies): one review still PAIRED for
the current period (A cannot see it yet), one ANSWERED for a past period. The pairing pages are
the campaign team's; staff without a second factor are sent to set it up."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.learning.models import HistoryEntry, PeerReview, PeerReviewFeedback
from pledges.learning.services import reviews
from pledges.learning.staff import pairing
from pledges.learning.views import reviews as review_views
from pledges.models import Pledge
from tests.builders import make_pledge, submit_report
from tests.factories import MunicipalityFactory, ReportingPeriodFactory
from tests.pledges.test_permission_matrix import (  # noqa: F401 - fixtures used by name
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
    #  view[object]                               method  anonymous unverified official_a official_b admin superuser staff_no_mfa  # noqa: E501
    ("learning:reviews",                      "GET",  LOGIN,  VERIFY, 200,    200,    200,    200,    200),
    ("learning:review[paired]",               "GET",  LOGIN,  VERIFY, 404,    200,    404,    404,    404),
    ("learning:review[answered]",             "GET",  LOGIN,  VERIFY, 200,    200,    404,    404,    404),
    ("learning:review_feedback[paired]",      "GET",  LOGIN,  VERIFY, 405,    405,    405,    405,    405),
    ("learning:review_feedback[paired]",      "POST", LOGIN,  VERIFY, 404,    DONE,   404,    404,    404),
    ("learning:review_give[paired]",          "POST", LOGIN,  VERIFY, 404,    DONE,   404,    404,    404),
    ("learning:review_answer[paired]",        "POST", LOGIN,  VERIFY, 404,    404,    404,    404,    404),
    ("learning:review_answer[answered]",      "POST", LOGIN,  VERIFY, DONE,   404,    404,    404,    404),
    ("learning:review_agree[answered]",       "POST", LOGIN,  VERIFY, DONE,   DONE,   404,    404,    404),
    ("learning:review_agree[paired]",         "POST", LOGIN,  VERIFY, 404,    302,    404,    404,    404),
    ("learning_staff:reviews",                "GET",  LOGIN,  VERIFY, 403,    403,    200,    200,    MFA),
    ("learning_staff:review_pair",            "GET",  LOGIN,  VERIFY, 403,    403,    200,    200,    MFA),
    ("learning_staff:review_pair",            "POST", LOGIN,  VERIFY, 403,    403,    DONE,   DONE,   MFA),
    ("learning_staff:review_cancel[paired]",  "GET",  LOGIN,  VERIFY, 403,    403,    405,    405,    MFA),
    ("learning_staff:review_cancel[paired]",  "POST", LOGIN,  VERIFY, 403,    403,    DONE,   DONE,   MFA),
]
# fmt: on


@dataclass
class RWorld:
    base: Any
    paired: PeerReview
    answered: PeerReview
    city_c: Any

    @property
    def users(self):
        return self.base.users


@pytest.fixture
def rworld(world):  # noqa: F811 - the matrix's world, imported
    admin = world.users["admin"]
    Pledge.objects.filter(campaign=world.campaign, municipality=world.city_b).update(
        status=Pledge.Status.VERIFIED, verified_at=timezone.now() - timedelta(days=200)
    )
    city_c = MunicipalityFactory(name="Quito", country="EC")
    make_pledge(world.campaign, city_c, "verified", list(world.campaign.commitments.all()))
    today = date.today()
    past = ReportingPeriodFactory(
        campaign=world.campaign, label_en="Last year", opens=today - timedelta(days=400), due=today - timedelta(days=40)
    )
    submit_report(world.verified_pledge, past, ["Last year's words of Mechelen."])
    due = today + timedelta(days=20)
    paired = reviews.review_pair(
        actor=admin, period=world.current_period, reviewed=world.verified_pledge, reviewer=world.city_b, due_on=due
    )
    answered = reviews.review_pair(
        actor=admin, period=past, reviewed=world.verified_pledge, reviewer=world.city_b, due_on=due
    )
    first = answered.feedback.first().chosen_id
    official_a, official_b = world.users["official_a"], world.users["official_b"]
    reviews.feedback_save(actor=official_b, review=answered, feedback={first: "Lyon's feedback."}, summary="")
    reviews.feedback_give(actor=official_b, review=answered)
    reviews.review_answer(actor=official_a, review=answered, answers={first: "Mechelen's answer."}, summary="")
    return RWorld(world, paired, answered, city_c)


def review_snapshot() -> dict:
    return {
        **snapshot(),
        "reviews": list(
            PeerReview.objects.order_by("pk").values_list(
                "pk", "status", "summary", "answer_summary", "reviewer_agreed_at", "reviewed_agreed_at"
            )
        ),
        "feedback": list(PeerReviewFeedback.objects.order_by("pk").values_list("pk", "feedback", "answer")),
        "history": list(HistoryEntry.objects.order_by("pk").values_list("pk", "verb")),
    }


def _first(review):
    return review.feedback.order_by("pk").first().chosen_id


def _feedback_effect(w, user):
    row = w.paired.feedback.get(chosen_id=_first(w.paired))
    assert row.feedback == "Matrix feedback" and row.written_by == user


def _given_effect(w, user):
    w.paired.refresh_from_db()
    assert w.paired.status == PeerReview.Status.FEEDBACK_GIVEN


def _answer_effect(w, user):
    assert w.answered.feedback.get(chosen_id=_first(w.answered)).answer == "Matrix answer"


def _agree_effect(w, user):
    w.answered.refresh_from_db()
    assert user in (w.answered.reviewer_agreed_by, w.answered.reviewed_agreed_by)


def _pair_effect(w, user):
    assert PeerReview.objects.filter(reviewer=w.city_c, paired_by=user, status=PeerReview.Status.PAIRED).exists()


def _cancel_effect(w, user):
    w.paired.refresh_from_db()
    assert w.paired.status == PeerReview.Status.CANCELLED


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Any = None
    data: Any = None
    effect: Any = None


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


CASES = {
    "learning:reviews": Case("learning:reviews"),
    "learning:review[paired]": Case("learning:review", kwargs=_pk("paired")),
    "learning:review[answered]": Case("learning:review", kwargs=_pk("answered")),
    "learning:review_feedback[paired]": Case(
        "learning:review_feedback",
        kwargs=_pk("paired"),
        data=lambda w: {f"feedback_{_first(w.paired)}": "Matrix feedback", "summary": ""},
        effect=_feedback_effect,
    ),
    "learning:review_give[paired]": Case(
        "learning:review_give",
        kwargs=_pk("paired"),
        data=lambda w: {f"feedback_{_first(w.paired)}": "Matrix feedback", "summary": "Overall"},
        effect=_given_effect,
    ),
    "learning:review_answer[paired]": Case(
        "learning:review_answer", kwargs=_pk("paired"), data=lambda w: {"answer_summary": "Too early"}
    ),
    "learning:review_answer[answered]": Case(
        "learning:review_answer",
        kwargs=_pk("answered"),
        data=lambda w: {f"answer_{_first(w.answered)}": "Matrix answer", "answer_summary": ""},
        effect=_answer_effect,
    ),
    "learning:review_agree[answered]": Case("learning:review_agree", kwargs=_pk("answered"), effect=_agree_effect),
    # the reviewer may open it, but a review still PAIRED cannot be agreed to: back to the page
    # with the error, nothing changes
    "learning:review_agree[paired]": Case("learning:review_agree", kwargs=_pk("paired")),
    "learning_staff:reviews": Case("learning_staff:reviews"),
    "learning_staff:review_pair": Case(
        "learning_staff:review_pair",
        data=lambda w: {
            "period": w.base.current_period.pk,
            "reviewed": w.base.verified_pledge.pk,
            "reviewer": w.city_c.pk,
            "due_on": (date.today() + timedelta(days=30)).isoformat(),
        },
        effect=_pair_effect,
    ),
    "learning_staff:review_cancel[paired]": Case(
        "learning_staff:review_cancel", kwargs=_pk("paired"), effect=_cancel_effect
    ),
}


def _params():
    params = []
    for case_id, method, *outcomes in MATRIX:
        assert len(outcomes) == len(ACTORS), case_id
        for actor, expected in zip(ACTORS, outcomes, strict=True):
            params.append(pytest.param(case_id, method, actor, expected, id=f"{method} {case_id} {actor}"))
    return params


def test_every_peer_review_view_is_in_the_table():
    names = {f"learning:{p.name}" for p in review_views.urlpatterns} | {
        f"learning_staff:{p.name}" for p in pairing.urlpatterns
    }
    covered = {CASES[case_id].url_name for case_id, *_rest in MATRIX}
    assert names and names - covered == set()


@pytest.mark.parametrize("case_id,method,actor,expected", _params())
def test_peer_review_permission_matrix(client, rworld, case_id, method, actor, expected):
    case = CASES[case_id]
    url = reverse(case.url_name, kwargs=case.kwargs(rworld) if case.kwargs else None)
    user = login_as(client, rworld.base, actor)
    before = review_snapshot()
    body = case.data(rworld) if case.data else {}
    response = client.post(url, body) if method == "POST" else client.get(url)
    assert_outcome(response, expected, url)
    if expected == DONE:
        case.effect(rworld, user)
    else:
        assert review_snapshot() == before

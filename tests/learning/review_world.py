"""The peer-review tests' world: Mechelen (city A) has a verified pledge with a submitted
report for the current period; Lyon (city B), verified too, reviews it; Quito (city C) is a
third signatory, a stranger to the review. Built with tests/builders.py; pairing goes
through the service."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from pledges.learning.models import PeerReview
from pledges.learning.services import reviews
from pledges.models import Pledge
from tests.builders import make_pledge, submit_report
from tests.factories import MunicipalityFactory, UserFactory, approve_official, give_totp

REPORT_TEXT = "Mechelen opened a legal clinic in every district: review-report-4417."
DRAFT_FEEDBACK = "Draft words of Lyon, not given yet: review-draft-9925."


@dataclass
class ReviewWorld:
    campaign: Any
    period: Any
    pledge_a: Pledge
    pledge_b: Pledge
    city_a: Any
    city_b: Any
    city_c: Any
    official_a: Any
    official_b: Any
    official_c: Any
    admin: Any

    def pair(self, **overrides: Any) -> PeerReview:
        kwargs = {
            "actor": self.admin,
            "period": self.period,
            "reviewed": self.pledge_a,
            "reviewer": self.city_b,
            "due_on": date.today() + timedelta(days=30),
        }
        kwargs.update(overrides)
        return reviews.review_pair(**kwargs)

    def chosen_ids(self) -> list[int]:
        return list(self.pledge_a.chosen.order_by("commitment__order").values_list("pk", flat=True))

    def given(self, text: str = "Good work on rights.") -> PeerReview:
        review = self.pair()
        first = self.chosen_ids()[0]
        reviews.feedback_save(actor=self.official_b, review=review, feedback={first: text}, summary="Overall fine.")
        return reviews.feedback_give(actor=self.official_b, review=review)

    def answered(self) -> PeerReview:
        review = self.given()
        first = self.chosen_ids()[0]
        return reviews.review_answer(
            actor=self.official_a, review=review, answers={first: "Thank you."}, summary="We agree."
        )


def build_review_world(campaign, period, city_a, city_b, official_a, official_b, admin, commitments) -> ReviewWorld:
    give_totp(admin)
    pledge_a = make_pledge(campaign, city_a, "verified", commitments, official=official_a)
    submit_report(pledge_a, period, [REPORT_TEXT])
    pledge_b = make_pledge(campaign, city_b, "verified", commitments, official=official_b)
    city_c = MunicipalityFactory(name="Quito", country="EC", time_zone="America/Guayaquil")
    make_pledge(campaign, city_c, "verified", commitments)
    official_c = UserFactory(email="focal@quito.ec", full_name="Carmen Official")
    approve_official(official_c, city_c)
    return ReviewWorld(
        campaign, period, pledge_a, pledge_b, city_a, city_b, city_c, official_a, official_b, official_c, admin
    )


@pytest.fixture
def rw(campaign, current_period, city_a, city_b, official_a, official_b, staff_admin, required_commitments):
    return build_review_world(
        campaign, current_period, city_a, city_b, official_a, official_b, staff_admin, required_commitments
    )

"""Local actions, partnerships and peer reviews on a city's public profile.

Everything starts from pledges.learning.rules (published actions, confirmed partnerships,
peer reviews both sides agreed to publish) and the texts of an action from
pledges.learning.display. The sections cost a fixed number of queries, however many
actions, partnerships or reviews the city has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from accounts.models import Municipality
from accounts.place_names import PlaceName, municipality_name_of
from campaign.models import Commitment
from pledges import rules as pledge_rules
from pledges.learning.display import ActionTexts, texts_for, with_translations
from pledges.learning.models import LocalAction, Partnership, PeerReview, PeerReviewFeedback
from pledges.learning.rules import public_actions, public_partnerships, public_peer_reviews
from pledges.models import Pledge


@dataclass
class ActionView:
    action: LocalAction
    texts: ActionTexts
    themes: list[str]
    commitments: list[Commitment]


@dataclass
class PartnershipView:
    partnership: Partnership
    other: Municipality
    other_name: PlaceName
    other_has_profile: bool
    kind: str
    since: Any


@dataclass
class ReviewView:
    review: PeerReview
    reviewer_name: PlaceName
    reviewer_has_profile: bool
    feedback: list[PeerReviewFeedback] = field(default_factory=list)


@dataclass
class GivenReviewView:
    review: PeerReview
    reviewed: Municipality
    reviewed_name: PlaceName


@dataclass
class CityLearning:
    actions: list[ActionView]
    partnerships: list[PartnershipView]
    reviews: list[ReviewView]
    reviews_given: list[GivenReviewView]

    @property
    def is_empty(self) -> bool:
        return not (self.actions or self.partnerships or self.reviews or self.reviews_given)


def with_public_profiles(municipality_ids: Iterable[int]) -> set[int]:
    """Which of these municipalities have a public profile (a public pledge): one query."""
    ids = set(municipality_ids)
    if not ids:
        return set()
    return set(pledge_rules.public_pledges().filter(municipality_id__in=ids).values_list("municipality_id", flat=True))


def city_actions(municipality: Municipality) -> list[ActionView]:
    """The city's published actions, newest first, in the reader's language (three queries)."""
    actions = with_translations(
        public_actions()
        .filter(municipality=municipality)
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("order", "code")))
        .order_by("-published_at", "-pk")
    )
    themes = dict(Commitment.Theme.choices)
    views = []
    for action in actions:
        commitments = list(action.commitments.all())
        seen: list[str] = []
        for commitment in commitments:
            if commitment.theme not in seen:
                seen.append(commitment.theme)
        views.append(
            ActionView(
                action=action,
                texts=texts_for(action),
                themes=[str(themes.get(theme, theme)) for theme in seen],
                commitments=commitments,
            )
        )
    return views


def city_partnerships(municipality: Municipality) -> list[PartnershipView]:
    """The city's confirmed partnerships, either side (two queries)."""
    partnerships = list(
        public_partnerships()
        .filter(Q(proposer=municipality) | Q(partner=municipality))
        .select_related("proposer", "partner")
        .order_by("-answered_at", "-pk")
    )
    others = [p.partner if p.proposer_id == municipality.pk else p.proposer for p in partnerships]
    with_profile = with_public_profiles(o.pk for o in others)
    return [
        PartnershipView(
            partnership=p,
            other=other,
            other_name=municipality_name_of(other),
            other_has_profile=other.pk in with_profile,
            kind=p.get_kind_display(),
            since=p.answered_at or p.created_at,
        )
        for p, other in zip(partnerships, others, strict=True)
    ]


def city_reviews(municipality: Municipality, pledges: Iterable[Pledge]) -> list[ReviewView]:
    """The published peer reviews of the city's public pledges, with the feedback and the
    answer per commitment (three queries)."""
    pledge_ids = [p.pk for p in pledges]
    if not pledge_ids:
        return []
    reviews = list(
        public_peer_reviews()
        .filter(reviewed_id__in=pledge_ids)
        .select_related("reviewer", "period", "reviewed__campaign")
        .prefetch_related(
            Prefetch(
                "feedback",
                queryset=PeerReviewFeedback.objects.select_related("chosen__commitment").order_by(
                    "chosen__commitment__order", "pk"
                ),
            )
        )
        .order_by("-published_at", "-pk")
    )
    with_profile = with_public_profiles(r.reviewer_id for r in reviews)
    return [
        ReviewView(
            review=r,
            reviewer_name=municipality_name_of(r.reviewer),
            reviewer_has_profile=r.reviewer_id in with_profile,
            feedback=[f for f in r.feedback.all() if f.feedback or f.answer],
        )
        for r in reviews
    ]


def city_reviews_given(municipality: Municipality) -> list[GivenReviewView]:
    """The published peer reviews this city gave, as links to the reviewed cities (one query:
    a published review's pledge is public, checked here)."""
    reviews = list(
        public_peer_reviews()
        .filter(reviewer=municipality, reviewed__in=pledge_rules.public_pledges())
        .select_related("reviewed__municipality", "period")
        .order_by("-published_at", "-pk")
    )
    return [
        GivenReviewView(
            review=r,
            reviewed=r.reviewed.municipality,
            reviewed_name=municipality_name_of(r.reviewed.municipality),
        )
        for r in reviews
    ]


def city_learning(municipality: Municipality, pledges: Iterable[Pledge]) -> CityLearning:
    """Everything of peer learning the public sees on the city's profile."""
    return CityLearning(
        actions=city_actions(municipality),
        partnerships=city_partnerships(municipality),
        reviews=city_reviews(municipality, pledges),
        reviews_given=city_reviews_given(municipality),
    )

"""Peer learning data for the public surfaces' tests (profile, map, API, downloads),
written straight to the database on top of the open data world (tests/builders.py).

- Mechelen (verified) has a published action "Welcome desk for newcomers" (translated into
  French), and a draft, a submitted and a returned one that must never show; Lyon
  (withdrawn, still public) has a published one; a published action of the draft campaign
  must not show either.
- Partnerships: Mechelen–Lyon confirmed (twinning); Mechelen–Gent proposed, Mechelen–Beirut
  declined, Mechelen–Sfax ended: none of those three shows.
- Peer reviews of Mechelen's pledge: by Lyon, published; by Gent, agreed by one side only.
- An accepted exchange on Mechelen's action whose contacts must never show.

``SECRETS`` lists the texts that must appear on no public surface.
"""

from datetime import timedelta

from django.utils import timezone

from pledges.learning.models import (
    ExchangeRequest,
    LocalAction,
    LocalActionResult,
    LocalActionTranslation,
    Partnership,
    PeerReview,
    PeerReviewFeedback,
)
from pledges.monitoring.models import Indicator
from tests.builders import build_open_data_world

SECRETS = (
    "SECRET DRAFT ACTION",
    "SECRET SUBMITTED ACTION",
    "SECRET RETURNED ACTION",
    "SECRET HIDDEN CAMPAIGN ACTION",
    "SECRET ONE-SIDED REVIEW",
    "secret-contact@example.net",
    "Secret Contact Person",
    "SECRET PROPOSED PARTNERSHIP",
    "SECRET DECLINED PARTNERSHIP",
    "SECRET ENDED PARTNERSHIP",
    "PRIVATE return reason",
)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def action(world, city, title, state=LocalAction.State.PUBLISHED, *, campaign=None, days_ago=1, **extra):
    now = timezone.now()
    published = state == LocalAction.State.PUBLISHED
    made = LocalAction.objects.create(
        campaign=campaign or world["campaign"],
        municipality=city,
        language=extra.pop("language", "en"),
        title=title,
        summary=extra.pop("summary", f"Summary of {title}"),
        description=extra.pop("description", f"Description of {title}"),
        contact_role=extra.pop("contact_role", "Integration office"),
        state=state,
        submitted_at=now - timedelta(days=days_ago + 1) if state != LocalAction.State.DRAFT else None,
        published_at=now - timedelta(days=days_ago) if published else None,
        **extra,
    )
    return made


def build_learning_world() -> dict:
    world = build_open_data_world()
    cities, campaign = world["cities"], world["campaign"]
    rights, data = world["commitments"]["rights"], world["commitments"]["data"]
    mechelen, lyon = cities["verified"], cities["withdrawn"]

    welcome = action(
        world,
        mechelen,
        "Welcome desk for newcomers",
        summary="One desk answers every newcomer's questions.",
        status=LocalAction.Status.ONGOING,
        gcm_objectives=[15, 16],
        sdg_targets=["10.7"],
        audiences=["all_residents", "women"],
        budget="12000.00",
        budget_currency="EUR",
        links=["https://mechelen.example/welcome"],
        started_on=timezone.localdate() - timedelta(days=300),
    )
    welcome.commitments.set([rights, data])
    LocalActionTranslation.objects.create(
        action=welcome, language="fr", title="Guichet d'accueil des nouveaux arrivants", summary="Un guichet unique."
    )
    indicator = Indicator.objects.create(commitment=rights, code="R-1", name="People welcomed", unit="people")
    LocalActionResult.objects.create(action=welcome, indicator=indicator, value="250")
    cafes = action(world, lyon, "Language cafés", days_ago=3, status=LocalAction.Status.COMPLETED)
    cafes.commitments.set([rights])
    hidden = {
        "draft": action(world, mechelen, "SECRET DRAFT ACTION", LocalAction.State.DRAFT),
        "submitted": action(world, mechelen, "SECRET SUBMITTED ACTION", LocalAction.State.SUBMITTED),
        "returned": action(
            world,
            mechelen,
            "SECRET RETURNED ACTION",
            LocalAction.State.RETURNED,
            return_reason="PRIVATE return reason",
        ),
        "hidden_campaign": action(
            world, cities["hidden"], "SECRET HIDDEN CAMPAIGN ACTION", campaign=world["hidden_campaign"]
        ),
    }
    ExchangeRequest.objects.create(
        action=welcome,
        requester=lyon,
        message="May we learn?",
        requester_contact_name="Secret Contact Person",
        requester_contact_email="secret-contact@example.net",
        author_contact_name="Secret Contact Person",
        author_contact_email="secret-contact@example.net",
        status=ExchangeRequest.Status.ACCEPTED,
        answered_at=timezone.now(),
    )

    now = timezone.now()
    twinning = Partnership.objects.create(
        campaign=campaign,
        proposer=mechelen,
        partner=lyon,
        kind=Partnership.Kind.TWINNING,
        description="Two cities, one welcome.",
        status=Partnership.Status.CONFIRMED,
        answered_at=now - timedelta(days=20),
    )
    not_public = [
        Partnership.objects.create(
            campaign=campaign,
            proposer=mechelen,
            partner=cities[key],
            kind=Partnership.Kind.COOPERATION,
            description=text,
            status=status,
        )
        for key, status, text in (
            ("unsigned", Partnership.Status.PROPOSED, "SECRET PROPOSED PARTNERSHIP"),
            ("submitted", Partnership.Status.DECLINED, "SECRET DECLINED PARTNERSHIP"),
            ("draft", Partnership.Status.ENDED, "SECRET ENDED PARTNERSHIP"),
        )
    ]

    pledge = world["pledges"]["verified"]
    chosen = {pc.commitment_id: pc for pc in pledge.chosen.all()}
    review = PeerReview.objects.create(
        period=world["periods"]["past"],
        reviewed=pledge,
        reviewer=lyon,
        status=PeerReview.Status.PUBLISHED,
        due_on=timezone.localdate() - timedelta(days=30),
        summary="Public overall feedback from Lyon",
        answer_summary="Public overall answer of Mechelen",
        reviewer_agreed_at=now,
        reviewed_agreed_at=now,
        published_at=now - timedelta(days=2),
    )
    PeerReviewFeedback.objects.create(
        review=review, chosen=chosen[rights.pk], feedback="Feedback on equal rights", answer="Answer on equal rights"
    )
    one_sided = PeerReview.objects.create(
        period=world["periods"]["current"],
        reviewed=pledge,
        reviewer=cities["unsigned"],
        status=PeerReview.Status.ANSWERED,
        due_on=timezone.localdate() + timedelta(days=30),
        summary="SECRET ONE-SIDED REVIEW",
        reviewer_agreed_at=now,
    )
    world.update(
        actions={"welcome": welcome, "cafes": cafes, **hidden},
        indicator=indicator,
        partnerships={"twinning": twinning, "not_public": not_public},
        reviews={"published": review, "one_sided": one_sided},
    )
    return world

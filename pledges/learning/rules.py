"""What of local actions and peer learning the public sees: the one home of these rules
(pledges/rules.py's for pledges). Every public surface (library, profile, map, API,
downloads, feeds) starts from these querysets."""

from django.db.models import QuerySet

from campaign.models import public_campaigns

from .models import CampaignEvent, LocalAction, Partnership, PeerReview


def public_actions() -> QuerySet[LocalAction]:
    """Published actions of public campaigns."""
    return LocalAction.objects.filter(state=LocalAction.State.PUBLISHED, campaign__in=public_campaigns())


def is_public_action(action: LocalAction) -> bool:
    return action.state == LocalAction.State.PUBLISHED and action.campaign.status in action.campaign.PUBLIC_STATUSES


def public_partnerships() -> QuerySet[Partnership]:
    """Partnerships both municipalities confirmed, of public campaigns."""
    return Partnership.objects.filter(status=Partnership.Status.CONFIRMED, campaign__in=public_campaigns())


def public_peer_reviews() -> QuerySet[PeerReview]:
    """Peer reviews both sides agreed to publish, of public campaigns' periods."""
    return PeerReview.objects.filter(status=PeerReview.Status.PUBLISHED, period__campaign__in=public_campaigns())


def public_events() -> QuerySet[CampaignEvent]:
    """The events of public campaigns that are marked as shown."""
    return CampaignEvent.objects.filter(is_public=True, campaign__in=public_campaigns())


# City sizes the library filters by: (code, lowest population, highest or None). The one
# home of these bands; a municipality without a population is in none.
CITY_SIZES = (
    ("small", 0, 49_999),
    ("medium", 50_000, 499_999),
    ("large", 500_000, 1_999_999),
    ("metropolis", 2_000_000, None),
)


def city_size(population: int | None) -> str:
    """The CITY_SIZES code of a population ("" when it is unknown)."""
    if population is None:
        return ""
    for code, low, high in CITY_SIZES:
        if population >= low and (high is None or population <= high):
            return code
    return ""

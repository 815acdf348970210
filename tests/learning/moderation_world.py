"""Builders of the moderation tests: local actions in a given state, written directly (the
actions helper's services own how a city writes them; moderation starts from SUBMITTED)."""

from datetime import timedelta

from django.utils import timezone

from pledges.learning import search
from pledges.learning.models import CampaignEvent, ExchangeRequest, LocalAction, LocalActionTranslation


def make_action(campaign, municipality, *, state=LocalAction.State.SUBMITTED, title="Welcome desk", **fields):
    now = timezone.now()
    defaults = {
        "language": "en",
        "summary": "A desk at the town hall where newcomers find every service in one place.",
        "description": "Open every weekday, with interpreters.",
        "contact_role": "Integration office",
        "submitted_at": now - timedelta(days=2) if state != LocalAction.State.DRAFT else None,
        "published_at": now - timedelta(days=1) if state == LocalAction.State.PUBLISHED else None,
    }
    defaults.update(fields)
    action = LocalAction.objects.create(
        campaign=campaign, municipality=municipality, state=state, title=title, **defaults
    )
    if state == LocalAction.State.PUBLISHED:
        search.reindex_action(action)
    return action


def translate(action, language, title, summary):
    return LocalActionTranslation.objects.create(action=action, language=language, title=title, summary=summary)


def ask_exchange(action, requester, *, status=ExchangeRequest.Status.PENDING):
    return ExchangeRequest.objects.create(
        action=action,
        requester=requester,
        message="Could we learn from you?",
        requester_contact_name="Someone",
        requester_contact_email="someone@example.org",
        status=status,
    )


def make_event(campaign, *, days_from_today=30, length_days=0, title="Global forum", **fields):
    starts = timezone.localdate() + timedelta(days=days_from_today)
    return CampaignEvent.objects.create(
        campaign=campaign,
        title_en=title,
        starts_on=starts,
        ends_on=starts + timedelta(days=length_days) if length_days else None,
        **fields,
    )

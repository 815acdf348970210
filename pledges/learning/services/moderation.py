"""Moderation of local actions by the campaign team: a submitted action is published in the
library or returned to its city with a reason; a published one can be taken off the library
(returned, with a reason).

Each function checks that the actor is a campaign admin, runs in one transaction with the
row locked, refreshes the action's search words (only a published action has any), records
the history and emails the municipality's approved officials in their language (on commit).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import require_campaign_admin
from accounts.models import Membership
from accounts.services import name_for
from campaign.outbox.emails import queue_email
from campaign.writes import write_batch

from .. import search
from ..history import record
from ..models import HistoryEntry, LocalAction

PUBLISHED_TEMPLATE = "learning_action_published"
RETURNED_TEMPLATE = "learning_action_returned"
MAX_REASON_LENGTH = 5_000


def _lock(action: LocalAction) -> LocalAction:
    return LocalAction.objects.select_for_update().select_related("municipality", "campaign").get(pk=action.pk)


def _clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason: the city's officials will read it."), code="required")}
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Keep the reason under %(count)d characters.") % {"count": MAX_REASON_LENGTH},
                    code="max_length",
                )
            }
        )
    return reason


def _require_state(action: LocalAction, state: str, message: str) -> None:
    if action.state != state:
        raise ValidationError(message, code="state")


@write_batch()
def action_publish(*, actor: Any, action: LocalAction) -> LocalAction:
    """SUBMITTED → PUBLISHED: the action enters the library. The date of its first
    publication is kept when it is published again after a return."""
    require_campaign_admin(actor)
    action = _lock(action)
    _require_state(action, LocalAction.State.SUBMITTED, _("Only an action waiting for review can be published."))
    now = timezone.now()
    action.state = LocalAction.State.PUBLISHED
    if action.published_at is None:
        action.published_at = now
    action.moderated_by = actor
    action.moderated_at = now
    action.return_reason = ""
    action.save()
    search.reindex_action(action)
    record(HistoryEntry.Verb.ACTION_PUBLISHED, actor=actor, municipality_id=action.municipality_id, local_action=action)
    _email_officials(action, PUBLISHED_TEMPLATE)
    return action


def _return(actor: Any, action: LocalAction, reason: str, verb: str) -> LocalAction:
    action.state = LocalAction.State.RETURNED
    action.return_reason = reason
    action.moderated_by = actor
    action.moderated_at = timezone.now()
    action.save()
    search.reindex_action(action)
    record(verb, actor=actor, municipality_id=action.municipality_id, local_action=action, reason=reason)
    _email_officials(action, RETURNED_TEMPLATE, was_published=verb == HistoryEntry.Verb.ACTION_UNPUBLISHED)
    return action


@write_batch()
def action_return(*, actor: Any, action: LocalAction, reason: str) -> LocalAction:
    """SUBMITTED → RETURNED: the city is told what to change (the reason is required)."""
    require_campaign_admin(actor)
    reason = _clean_reason(reason)
    action = _lock(action)
    _require_state(action, LocalAction.State.SUBMITTED, _("Only an action waiting for review can be returned."))
    return _return(actor, action, reason, HistoryEntry.Verb.ACTION_RETURNED)


@write_batch()
def action_unpublish(*, actor: Any, action: LocalAction, reason: str) -> LocalAction:
    """PUBLISHED → RETURNED: the action leaves the library; the city is told why."""
    require_campaign_admin(actor)
    reason = _clean_reason(reason)
    action = _lock(action)
    _require_state(action, LocalAction.State.PUBLISHED, _("Only a published action can be taken off the library."))
    return _return(actor, action, reason, HistoryEntry.Verb.ACTION_UNPUBLISHED)


# --- emails -----------------------------------------------------------------------------------


def _email_officials(action: LocalAction, template: str, *, was_published: bool = False) -> None:
    """The decision to each approved official of the city, in their language (on commit)."""
    officials = (
        Membership.objects.filter(municipality_id=action.municipality_id, status=Membership.Status.APPROVED)
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )
    languages = dict(settings.LANGUAGES)
    for user_id, preferred in officials:
        language = preferred if preferred in languages else settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "municipality": name_for(action.municipality, language),
                "campaign_title": str(action.campaign.title),
                "action_title": action.title,
                "action_id": action.pk,
                "reason": action.return_reason,
                "was_published": was_published,
            }
        queue_email(template=template, to_user_id=user_id, context=context)

"""Writes on campaigns. Every change of a campaign's state goes through a function here:
the admin's form and actions call them."""

import logging

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import require_campaign_admin
from accounts.models import User
from campaign.writes import write_batch

from .models import Campaign

log = logging.getLogger(__name__)

# Pledge statuses that need nothing more from the campaign team. Anything else (a draft,
# a pledge submitted and waiting for verification, ...) counts as not verified.
SETTLED_PLEDGE_STATUSES = ("verified", "rejected", "withdrawn")


def campaign_unverified_pledge_count(*, campaign: Campaign) -> int:
    """How many of the campaign's pledges the campaign team has not settled yet."""
    if campaign.pk is None:
        return 0
    # `pledges` is the reverse relation of pledges.Pledge.campaign: the campaign domain sits
    # below pledges, so it names the relation and the statuses, never imports the model.
    return campaign.pledges.exclude(status__in=SETTLED_PLEDGE_STATUSES).count()


def _record(actor: User, campaign: Campaign, message: str) -> None:
    """Leave a line in the admin's history of the campaign and in the log."""

    if getattr(actor, "pk", None):
        LogEntry.objects.create(
            user_id=actor.pk,
            content_type=ContentType.objects.get_for_model(Campaign),
            object_id=str(campaign.pk),
            object_repr=str(campaign)[:200],
            action_flag=CHANGE,
            change_message=message,
        )
    log.info("campaign %s: %s (by user %s)", campaign.pk, message, getattr(actor, "pk", None))


@write_batch()
def campaign_close(*, actor: User, campaign: Campaign, acknowledge_unverified: bool) -> Campaign:
    """Close a campaign to new signatures.

    Pledges still waiting for verification would be left in limbo, so closing a campaign
    that has some is refused unless the actor says they know (`acknowledge_unverified`).
    """
    require_campaign_admin(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        return campaign
    unverified = campaign_unverified_pledge_count(campaign=campaign)
    if unverified and not acknowledge_unverified:
        raise ValidationError(
            ngettext(
                "%(count)d pledge of this campaign is not verified yet. Verify or reject it first, "
                "or confirm that you know.",
                "%(count)d pledges of this campaign are not verified yet. Verify or reject them first, "
                "or confirm that you know.",
                unverified,
            )
            % {"count": unverified},
            code="unverified_pledges",
        )
    campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["status", "updated"])
    note = "Closed the campaign"
    if unverified:
        note += f" with {unverified} unverified pledge(s), acknowledged"
    _record(actor, campaign, note)
    return campaign


@write_batch()
def campaign_open(*, actor: User, campaign: Campaign) -> Campaign:
    """Open a draft (or reopen a closed) campaign for signing."""
    require_campaign_admin(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.OPEN:
        return campaign
    if not campaign.commitments.exists():
        raise ValidationError(_("A campaign needs at least one commitment before it opens."), code="no_commitments")
    campaign.status = Campaign.Status.OPEN
    campaign.save(update_fields=["status", "updated"])
    _record(actor, campaign, "Opened the campaign")
    return campaign


@write_batch()
def campaign_to_draft(*, actor: User, campaign: Campaign) -> Campaign:
    """Take a campaign back to draft, hidden from the public: only while no city has
    submitted a pledge to it, since a draft campaign's signatories would vanish."""
    require_campaign_admin(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.DRAFT:
        return campaign
    if campaign.pledges.exclude(status="draft").exists():
        raise ValidationError(
            _("Cities have already submitted pledges to this campaign: it can be closed, not made a draft again."),
            code="has_pledges",
        )
    campaign.status = Campaign.Status.DRAFT
    campaign.save(update_fields=["status", "updated"])
    _record(actor, campaign, "Took the campaign back to draft")
    return campaign

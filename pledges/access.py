"""Views' "get this object for this person or refuse" for pledges and their reports, in the
style of accounts/access.py (whose rules they apply). Each answers 404 to anyone who may
not see the object, so that nobody learns which pledges exist."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import can_act_for, can_see_private
from campaign.models import ReportingPeriod
from pledges.models import Pledge, ReportVersion


def _pledges() -> QuerySet[Pledge]:
    return Pledge.objects.select_related("campaign", "municipality")


def access_pledge_as_official(user: Any, pledge_id: int) -> Pledge:
    """A pledge of a municipality the user acts for: to sign, edit, submit, withdraw, report
    on and subscribe to its calendar."""
    pledge = get_object_or_404(_pledges(), pk=pledge_id)
    if not can_act_for(user, pledge.municipality_id):
        raise Http404
    return pledge


def access_pledge_private(user: Any, pledge_id: int) -> Pledge:
    """A pledge with its private parts (draft, preview, council resolution): its officials
    and campaign admins."""
    pledge = get_object_or_404(_pledges(), pk=pledge_id)
    if not can_see_private(user, pledge.municipality_id):
        raise Http404
    return pledge


def access_period_of_pledge(pledge: Pledge, period_id: int) -> ReportingPeriod:
    """A reporting period of the pledge's campaign."""
    return get_object_or_404(ReportingPeriod, pk=period_id, campaign_id=pledge.campaign_id)


def access_report_version(user: Any, pledge_id: int, period_id: int, number: int) -> ReportVersion:
    """One submitted version of a report, for the pledge's officials."""
    pledge = access_pledge_as_official(user, pledge_id)
    return get_object_or_404(
        ReportVersion.objects.select_related("report__period", "report__pledge", "submitted_by"),
        report__pledge=pledge,
        report__period_id=period_id,
        number=number,
    )

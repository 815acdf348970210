"""Views' "get this object for this person or refuse" for pledges and their reports, in the
style of accounts/access.py (whose rules they apply). Each answers 404 to anyone who may
not see the object, so that nobody learns which pledges exist."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import can_act_for, can_see_private
from campaign.models import ReportingPeriod
from pledges.models import DelayRequest, EvidenceFile, Pledge, ReportUpload, ReportVersion


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


def access_report_upload(user: Any, pledge_id: int, period_id: int, upload_id: int) -> ReportUpload:
    """A report spreadsheet uploaded for the pledge and period, for the pledge's officials."""
    pledge = access_pledge_as_official(user, pledge_id)
    return get_object_or_404(
        ReportUpload.objects.select_related("pledge__municipality", "period", "uploaded_by"),
        pk=upload_id,
        pledge=pledge,
        period_id=period_id,
    )


def access_delay_request(user: Any, pledge_id: int, delay_id: int) -> DelayRequest:
    """A request for more time of a pledge, for the pledge's officials (campaign admins find
    the waiting ones in the work queue, pledges/staff/delays.py)."""
    pledge = access_pledge_as_official(user, pledge_id)
    return get_object_or_404(
        DelayRequest.objects.select_related("pledge__municipality", "pledge__campaign", "period"),
        pk=delay_id,
        pledge=pledge,
    )


def access_evidence_private(user: Any, file_id: int) -> EvidenceFile:
    """An evidence file of a report, published or not: the city's officials and campaign
    admins (to download it; the public goes through pledges.evidence.published_evidence)."""
    evidence = get_object_or_404(
        EvidenceFile.objects.select_related("pledge__municipality", "pledge__campaign", "update__report__period"),
        pk=file_id,
    )
    if not can_see_private(user, evidence.pledge.municipality_id):
        raise Http404
    return evidence


def access_evidence_as_official(user: Any, pledge: Pledge, file_id: int) -> EvidenceFile:
    """An evidence file of a report of ``pledge`` (already fetched with
    access_pledge_as_official), to remove it."""
    return get_object_or_404(
        EvidenceFile.objects.select_related("update__report__period", "update__chosen__commitment"),
        pk=file_id,
        pledge=pledge,
    )


def access_version_for_review(version_id: int) -> ReportVersion:
    """A submitted version, for the campaign team's review pages (the view is staff_required)."""
    return get_object_or_404(
        ReportVersion.objects.select_related(
            "report__period", "report__pledge__campaign", "report__pledge__municipality", "submitted_by"
        ),
        pk=version_id,
    )

"""The campaign team's review of submitted reports, for campaigns that ask for it
(``Campaign.reports_need_review``).

``report_submit`` (pledges/services.py) keeps each version of such a campaign's report
waiting (``ReportVersion.Review.PENDING``, not published). A campaign admin then either
publishes it (``report_publish``: the public sees it at once, ``report_published`` is sent)
or asks for changes with a comment (``report_ask_changes``: the report goes back to the city,
which edits and submits a new version; the officials get the comment by email in their
language). An admin who acts for the city does not review its reports. Only the latest
version of a report is reviewed: one submitted since supersedes it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_act_for, require_campaign_admin
from accounts.models import User
from campaign.writes import write_batch
from pledges import services
from pledges.models import PledgeEvent, ProgressReport, ReportVersion
from pledges.signals import report_published

MAX_COMMENT_LENGTH = 5_000


def pending_versions() -> QuerySet[ReportVersion]:
    """The versions waiting for review: each report's latest, oldest first."""
    return (
        ReportVersion.objects.filter(
            review=ReportVersion.Review.PENDING,
            number=F("report__version"),
            report__status=ProgressReport.Status.SUBMITTED,
        )
        .select_related("report__period", "report__pledge__campaign", "report__pledge__municipality", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def _lock_for_review(actor: User, version: ReportVersion) -> ReportVersion:
    require_campaign_admin(actor)
    locked = (
        ReportVersion.objects.select_for_update()
        .select_related("report__pledge__campaign", "report__pledge__municipality", "report__period")
        .get(pk=version.pk)
    )
    pledge = locked.report.pledge
    if can_act_for(actor, pledge.municipality_id):
        raise PermissionDenied(_("You act for this municipality: another campaign admin must review its report."))
    report = ProgressReport.objects.select_for_update().get(pk=locked.report_id)
    if locked.review != ReportVersion.Review.PENDING:
        raise ValidationError(_("This version has already been reviewed."), code="reviewed")
    if locked.number != report.version or report.status != ProgressReport.Status.SUBMITTED:
        raise ValidationError(_("The city has submitted a newer version since: review that one."), code="superseded")
    locked.report = report
    return locked


@write_batch()
def report_publish(*, actor: User, version: ReportVersion) -> ReportVersion:
    """Publish a version waiting for review: the public sees it from now on."""
    version = _lock_for_review(actor, version)
    now = timezone.now()
    version.review = ReportVersion.Review.PUBLISHED
    version.published_at = now
    version.reviewed_by = actor
    version.reviewed_at = now
    version.review_comment = ""
    version.save(update_fields=["review", "published_at", "reviewed_by", "reviewed_at", "review_comment"])
    report = version.report
    services._record(
        report.pledge,
        actor,
        PledgeEvent.Action.REPORT_PUBLISHED,
        report=report,
        note=_("Version %(number)s") % {"number": version.number},
    )
    report_published.send(sender=ReportVersion, version=version)
    services._email_officials(
        report.pledge,
        "report_published",
        period=report.period.label,
        period_id=report.period_id,
        number=version.number,
    )
    return version


@write_batch()
def report_ask_changes(*, actor: User, version: ReportVersion, comment: str) -> ReportVersion:
    """Send a version waiting for review back to the city with a comment: it stays private,
    the report can be edited and submitted again."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Say what should change: the city's officials will read it.")}, code="required"
        )
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %(limit)s characters.") % {"limit": MAX_COMMENT_LENGTH}},
            code="max_length",
        )
    version = _lock_for_review(actor, version)
    now = timezone.now()
    version.review = ReportVersion.Review.CHANGES_REQUESTED
    version.reviewed_by = actor
    version.reviewed_at = now
    version.review_comment = comment
    version.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"])
    report = version.report
    report.status = ProgressReport.Status.CHANGES_REQUESTED
    report.save(update_fields=["status", "updated_at"])
    services._record(report.pledge, actor, PledgeEvent.Action.REPORT_CHANGES_ASKED, report=report, note=comment)
    services._email_officials(
        report.pledge,
        "report_changes_asked",
        period=report.period.label,
        period_id=report.period_id,
        number=version.number,
        comment=comment,
    )
    return version

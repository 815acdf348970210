"""Every change of state of a pledge or a progress report goes through one function here.

Each function checks who may do it (PermissionDenied), validates (ValidationError with a
translated message), runs in a transaction with the row locked, records a PledgeEvent and
queues its emails on commit. Views, admin actions, commands and tasks all call these.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.access import can_act_for, can_see_private, is_campaign_admin, require_campaign_admin, require_official
from accounts.geo import local_today
from accounts.models import Membership, Municipality, User
from accounts.place_names import currency_of, is_known_language
from accounts.services import name_for
from campaign.models import Campaign, Commitment, ReportingPeriod
from campaign.outbox.emails import queue_email
from campaign.uploads import validate_pdf
from campaign.writes import write_batch
from pledges.monitoring import services as monitoring
from pledges.monitoring.services import MeansInput

from . import rules
from .models import (
    EvidenceFile,
    Pledge,
    PledgeCalendar,
    PledgeCommitment,
    PledgeEvent,
    ProgressReport,
    ProgressUpdate,
    ReportVersion,
)
from .signals import report_published
from .validators import date_errors, validate_statement

log = logging.getLogger(__name__)

# A submitted report can still be corrected for this many days after its period is due.
REPORT_CORRECTION_DAYS = getattr(settings, "REPORT_CORRECTION_DAYS", 60)


@dataclass(frozen=True)
class ChosenCommitment:
    commitment: Commitment
    target: str = ""
    target_date: date | None = None


@dataclass(frozen=True)
class UpdateInput:
    chosen_id: int
    status: str
    narrative: str = ""
    evidence_links: list[str] = field(default_factory=list)
    figures: str = ""
    # indicator id → value (None clears it); None leaves the stored values alone.
    values: dict[int, Decimal | None] | None = None
    # The means of implementation as the report gives them; None leaves them alone.
    means: MeansInput | None = None


# --- helpers ------------------------------------------------------------------------------


def _record(
    pledge: Pledge, actor: User, action: str, *, report: ProgressReport | None = None, note: str = ""
) -> PledgeEvent:
    return PledgeEvent.objects.create(pledge=pledge, report=report, actor=actor, action=action, note=note)


def _require_independent_admin(actor: User, pledge: Pledge) -> None:
    """An admin who also acts for the city does not judge its pledge: another admin must."""
    require_campaign_admin(actor)
    if can_act_for(actor, pledge.municipality_id):
        raise PermissionDenied(_("You act for this municipality: another campaign admin must decide."))


def _lock_pledge(pledge: Pledge) -> Pledge:
    """Re-read under a row lock so that two requests cannot both change the state."""
    return Pledge.objects.select_for_update().select_related("campaign", "municipality").get(pk=pledge.pk)


def _officials(municipality_id: int) -> list[tuple[int, str]]:
    """The approved officials' ids, each with the language their emails are written in."""
    return list(
        Membership.objects.filter(municipality_id=municipality_id, status=Membership.Status.APPROVED)
        .values_list("user_id", "user__preferred_language")
        .distinct()
    )


def _email_officials(pledge: Pledge, template: str, **context: Any) -> None:
    context = {"campaign_slug": pledge.campaign.slug, "pledge_id": pledge.pk, **context}
    for user_id, language in _officials(pledge.municipality_id):
        # The city as the recipient's language names it: "تونس" in Arabic, "Lisbonne" in French.
        named = {"municipality": name_for(pledge.municipality, language), **context}
        queue_email(template=template, to_user_id=user_id, context=named)


# --- signing ------------------------------------------------------------------------------


def site_language(code: str | None) -> str:
    """The site language ``code`` names ("fr-ca" is "fr"), or "" when the site has none."""
    codes = {c for c, _name in settings.LANGUAGES}
    code = (code or "").lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else ""


def _statement_language(statement: str, given: str | None) -> str:
    """The language recorded with a statement: the one its author picked (a site language,
    any language CLDR knows, or "" for one not said), else the language the form was filled
    in; none for no statement."""
    if not statement.strip():
        return ""
    if given is None:
        return site_language(get_language())
    given = (given or "").lower()
    if given and site_language(given) != given and not is_known_language(given):
        raise ValidationError(
            {"statement_language": ValidationError(_("Choose a language from the list."), code="invalid_choice")}
        )
    return given


@write_batch()
def pledge_start(*, actor: User, campaign: Campaign, municipality: Municipality) -> Pledge:
    """Open a draft for the municipality (required commitments already chosen), or return
    the pledge it already has: one pledge per municipality per campaign."""
    require_official(actor, municipality.pk)
    existing = Pledge.objects.filter(campaign=campaign, municipality=municipality).first()
    if existing:
        return existing
    if not campaign.is_signing_open(local_today(municipality)):
        raise ValidationError(_("This campaign is not open for signing."))
    pledge, created = Pledge.objects.get_or_create(
        campaign=campaign, municipality=municipality, defaults={"created_by": actor}
    )
    if created:
        required = campaign.commitments.filter(is_required=True)
        PledgeCommitment.objects.bulk_create([PledgeCommitment(pledge=pledge, commitment=c) for c in required])
        _record(pledge, actor, PledgeEvent.Action.CREATED)
    return pledge


@write_batch()
def pledge_save_draft(
    *,
    actor: User,
    pledge: Pledge,
    signatory_name: str,
    signatory_title: str,
    council_decision_date: date | None,
    statement: str,
    chosen: list[ChosenCommitment],
    resolution: "UploadedFile[bytes] | None" = None,  # a string: UploadedFile is generic only in the stubs
    statement_language: str | None = None,
) -> Pledge:
    """Save what the official typed. Required commitments stay chosen whatever is sent.
    ``statement_language`` is the language the statement is written in: a site language,
    "" for another one, or None for the language the form was filled in (the active one).
    Refused (ValidationError by field: "council_decision_date", "statement", "resolution",
    "target_date_<commitment id>") when a date or the statement fails pledges/validators.py
    or the resolution fails campaign.uploads.validate_pdf."""
    require_official(actor, pledge.municipality_id)
    pledge = _lock_pledge(pledge)
    if not pledge.is_editable:
        raise ValidationError(_("This pledge has been submitted and can no longer be edited."))
    errors: dict[str, Any] = date_errors(
        campaign=pledge.campaign,
        municipality=pledge.municipality,
        council_decision_date=council_decision_date,
        target_dates={f"target_date_{item.commitment.pk}": item.target_date for item in chosen},
    )
    try:
        validate_statement(statement)
    except ValidationError as exc:
        errors["statement"] = exc
    language = ""
    try:
        language = _statement_language(statement, statement_language)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if resolution is not None:
        try:
            validate_pdf(resolution)
        except ValidationError as exc:
            errors["resolution"] = exc
    if errors:
        raise ValidationError(errors)

    campaign_commitments = {c.pk: c for c in pledge.campaign.commitments.all()}
    wanted = {}
    for item in chosen:
        if item.commitment.pk not in campaign_commitments:
            raise ValidationError(_("A chosen commitment does not belong to this campaign."))
        wanted[item.commitment.pk] = item
    for commitment in campaign_commitments.values():
        if commitment.is_required and commitment.pk not in wanted:
            wanted[commitment.pk] = ChosenCommitment(commitment=commitment)

    existing = {pc.commitment_id: pc for pc in pledge.chosen.all()}
    for commitment_id, pc in existing.items():
        if commitment_id not in wanted:
            pc.delete()
    for commitment_id, item in wanted.items():
        pc = existing.get(commitment_id) or PledgeCommitment(pledge=pledge, commitment_id=commitment_id)
        pc.target = item.target.strip()
        pc.target_date = item.target_date
        pc.save()

    pledge.signatory_name = signatory_name.strip()
    pledge.signatory_title = signatory_title.strip()
    pledge.council_decision_date = council_decision_date
    pledge.statement = statement.strip()
    pledge.statement_language = language
    if resolution is not None:
        if pledge.resolution:
            pledge.resolution.delete(save=False)
        pledge.resolution.save("resolution.pdf", resolution, save=False)
    pledge.save()
    _record(pledge, actor, PledgeEvent.Action.SAVED)
    return pledge


def pledge_missing_for_submission(pledge: Pledge) -> list[str]:
    """What still has to be filled before the pledge can be submitted (translated)."""
    missing = []
    if not pledge.signatory_name:
        missing.append(_("the signatory's name"))
    if not pledge.signatory_title:
        missing.append(_("the signatory's title"))
    if not pledge.council_decision_date:
        missing.append(_("the date of the council decision"))
    if not pledge.resolution:
        missing.append(_("the council resolution (PDF)"))
    if not pledge.statement:
        missing.append(_("a public statement"))
    chosen_ids = set(pledge.chosen.values_list("commitment_id", flat=True))
    if not chosen_ids:
        missing.append(_("at least one commitment"))
    required_ids = set(pledge.campaign.commitments.filter(is_required=True).values_list("pk", flat=True))
    if required_ids - chosen_ids:
        missing.append(_("every required commitment"))
    return missing


@write_batch()
def pledge_submit(*, actor: User, pledge: Pledge) -> Pledge:
    """Send the pledge to the campaign team for verification (again, after a rejection)."""
    require_official(actor, pledge.municipality_id)
    pledge = _lock_pledge(pledge)
    if not pledge.is_editable:
        raise ValidationError(_("This pledge has already been submitted."))
    if not pledge.campaign.is_signing_open(local_today(pledge.municipality)):
        raise ValidationError(_("This campaign is not open for signing."))
    missing = pledge_missing_for_submission(pledge)
    if missing:
        raise ValidationError(_("Before submitting, add: %(missing)s.") % {"missing": ", ".join(missing)})
    resubmission = pledge.status == Pledge.Status.REJECTED
    pledge.status = Pledge.Status.SUBMITTED
    pledge.submitted_at = timezone.now()
    pledge.rejection_reason = ""
    pledge.save()
    _record(pledge, actor, PledgeEvent.Action.SUBMITTED, note=_("Resubmitted") if resubmission else "")
    _email_officials(pledge, "pledge_submitted")
    return pledge


@write_batch()
def pledge_verify(*, actor: User, pledge: Pledge) -> Pledge:
    """The campaign team checked the pledge: it becomes public at once."""
    _require_independent_admin(actor, pledge)
    pledge = _lock_pledge(pledge)
    if pledge.status != Pledge.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted pledge can be verified."))
    pledge.status = Pledge.Status.VERIFIED
    pledge.verified_at = timezone.now()
    pledge.verified_by = actor
    pledge.signed_on = pledge.council_decision_date or local_today(pledge.municipality)
    pledge.save()
    _record(pledge, actor, PledgeEvent.Action.VERIFIED)
    PledgeCalendar.objects.get_or_create(pledge=pledge, defaults={"token": new_calendar_token()})
    _email_officials(pledge, "pledge_verified", municipality_slug=pledge.municipality.slug)
    return pledge


@write_batch()
def pledge_reject(*, actor: User, pledge: Pledge, reason: str) -> Pledge:
    """Send the pledge back with a reason; the officials correct and resubmit."""
    _require_independent_admin(actor, pledge)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the pledge is rejected: the officials will read it.")})
    pledge = _lock_pledge(pledge)
    if pledge.status != Pledge.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted pledge can be rejected."))
    pledge.status = Pledge.Status.REJECTED
    pledge.rejection_reason = reason
    pledge.save()
    _record(pledge, actor, PledgeEvent.Action.REJECTED, note=reason)
    _email_officials(pledge, "pledge_rejected", reason=reason)
    return pledge


@write_batch()
def pledge_withdraw(*, actor: User, pledge: Pledge, reason: str = "") -> Pledge:
    """The city (or the campaign team) withdraws; the public record says when."""
    if not (can_act_for(actor, pledge.municipality_id) or is_campaign_admin(actor)):
        raise PermissionDenied(_("You do not act for this municipality."))
    pledge = _lock_pledge(pledge)
    if pledge.status not in (Pledge.Status.SUBMITTED, Pledge.Status.VERIFIED):
        raise ValidationError(_("Only a submitted or verified pledge can be withdrawn."))
    pledge.status = Pledge.Status.WITHDRAWN
    pledge.withdrawn_at = timezone.now()
    pledge.withdrawal_reason = (reason or "").strip()
    pledge.save()
    _record(pledge, actor, PledgeEvent.Action.WITHDRAWN, note=pledge.withdrawal_reason)
    _email_officials(pledge, "pledge_withdrawn")
    return pledge


def record_document_download(*, actor: User, pledge: Pledge) -> None:
    if not can_see_private(actor, pledge.municipality_id):
        raise PermissionDenied(_("You may not download this document."))
    _record(pledge, actor, PledgeEvent.Action.DOCUMENT_DOWNLOADED)


# --- reporting ----------------------------------------------------------------------------


def report_correction_deadline(period: ReportingPeriod, *, due: date | None = None) -> date:
    """The last day a submitted report can be corrected: REPORT_CORRECTION_DAYS after the day
    it is due for the pledge (``due``, rules.due_date: more time granted moves it too)."""
    return (due or period.due) + timedelta(days=REPORT_CORRECTION_DAYS)


def _check_report_may_open(actor: User, pledge: Pledge, period: ReportingPeriod) -> None:
    require_official(actor, pledge.municipality_id)
    if pledge.status != Pledge.Status.VERIFIED:
        raise ValidationError(_("Reports can be filed once the pledge is verified."))
    if period.campaign_id != pledge.campaign_id:
        raise ValidationError(_("This period belongs to another campaign."))
    if period.opens > local_today(pledge.municipality):
        raise ValidationError(_("This reporting period has not opened yet."))
    already_filed = ProgressReport.objects.filter(pledge=pledge, period=period).exists()
    if not already_filed and not rules.owes(
        period.due, rules.joined_on(pledge.verified_at, pledge.municipality.time_zone)
    ):
        raise ValidationError(_("This period was already due when the pledge was verified: no report is owed for it."))


def report_as_found(
    *, actor: User, pledge: Pledge, period: ReportingPeriod
) -> tuple[ProgressReport, list[ProgressUpdate]]:
    """The report and its updates as the official sees them, writing nothing (for GET):
    the stored report, or an unsaved one with an empty update per chosen commitment."""
    _check_report_may_open(actor, pledge, period)
    report = ProgressReport.objects.filter(pledge=pledge, period=period).first()
    if report is not None:
        return report, list(ordered_updates(report))
    report = ProgressReport(pledge=pledge, period=period)
    chosen = pledge.chosen.select_related("commitment").order_by("commitment__order", "commitment__code", "pk")
    return report, [ProgressUpdate(report=report, chosen=pc) for pc in chosen]


@write_batch()
def report_open(*, actor: User, pledge: Pledge, period: ReportingPeriod) -> ProgressReport:
    """The report of a verified pledge for a period, created with one update per chosen
    commitment the first time it is saved."""
    _check_report_may_open(actor, pledge, period)
    pledge = _lock_pledge(pledge)
    if pledge.status != Pledge.Status.VERIFIED:  # changed while we waited for the lock
        raise ValidationError(_("Reports can be filed once the pledge is verified."))
    report, created = ProgressReport.objects.get_or_create(pledge=pledge, period=period, defaults={"created_by": actor})
    have = set(report.updates.values_list("chosen_id", flat=True))
    ProgressUpdate.objects.bulk_create(
        [ProgressUpdate(report=report, chosen=pc) for pc in pledge.chosen.all() if pc.pk not in have]
    )
    return report


def ordered_updates(report: ProgressReport) -> QuerySet[ProgressUpdate]:
    """A report's updates in the campaign's order of commitments, with what the forms show."""
    return report.updates.select_related("chosen__commitment").order_by(
        "chosen__commitment__order", "chosen__commitment__code", "pk"
    )


def _report_editable(report: ProgressReport) -> None:
    if report.status == ProgressReport.Status.SUBMITTED:
        deadline = report_correction_deadline(report.period, due=rules.pledge_due_date(report.pledge_id, report.period))
        if local_today(report.pledge.municipality) > deadline:
            raise ValidationError(_("This period is closed: its report can no longer be corrected."))


def _clean_links(links: list[str]) -> list[str]:

    validator = URLValidator(schemes=["http", "https"])
    cleaned = []
    for link in links:
        link = link.strip()
        if not link:
            continue
        try:
            validator(link)
        except ValidationError as exc:
            raise ValidationError(_("“%(link)s” is not a web address (http or https).") % {"link": link}) from exc
        cleaned.append(link)
    return cleaned


@write_batch()
def report_save(*, actor: User, report: ProgressReport, updates: list[UpdateInput]) -> ProgressReport:
    """Save the report's content. A submitted report stays submitted: its public version
    changes only when it is submitted again."""
    require_official(actor, report.pledge.municipality_id)
    report = (
        ProgressReport.objects.select_for_update().select_related("pledge__municipality", "period").get(pk=report.pk)
    )
    _report_editable(report)
    by_chosen = {u.chosen_id: u for u in report.updates.select_related("chosen__pledge", "chosen__commitment")}
    means_changed: list[str] = []
    valid_status = set(ProgressUpdate.Status.values)
    for item in updates:
        update = by_chosen.get(item.chosen_id)
        if update is None:
            raise ValidationError(_("This commitment is not part of the report."))
        if item.status not in valid_status:
            raise ValidationError(_("Choose a status for each commitment."))
        update.status = item.status
        update.narrative = item.narrative.strip()
        update.evidence_links = _clean_links(item.evidence_links)
        update.figures = item.figures.strip()
        update.save()
        if item.values is not None:
            monitoring.report_values_save(update, item.values, currency=currency_of(report.pledge.municipality))
        if item.means is not None and monitoring.report_means_save(update, item.means):
            means_changed.append(update.chosen.commitment.code)
    report.save(update_fields=["updated_at"])
    _record(report.pledge, actor, PledgeEvent.Action.REPORT_SAVED, report=report)
    if means_changed:
        _record(report.pledge, actor, PledgeEvent.Action.MEANS_SAVED, report=report, note=", ".join(means_changed))
    return report


def report_snapshot(report: ProgressReport) -> dict[str, Any]:
    """The content of a report as the public sees it, frozen at submission, with the language
    it was submitted in (the narratives' language: the public page marks them with it)."""
    return {
        "period": report.period.label,
        "language": site_language(get_language()),
        "updates": [
            {
                "commitment_id": u.chosen.commitment_id,
                "code": u.chosen.commitment.code,
                "status": u.status,
                "narrative": u.narrative,
                "evidence_links": u.evidence_links,
                "figures": u.figures,
                "indicators": monitoring.report_values_of(u),
                "means": monitoring.means_snapshot(monitoring.means_of(u.chosen)),
                "evidence_files": _evidence_files_of(u),
            }
            for u in report.updates.select_related("chosen__commitment").order_by("chosen__commitment__order")
        ],
    }


def _evidence_files_of(update: ProgressUpdate) -> list[dict[str, Any]]:
    """The evidence files of an update as the frozen content lists them. A listed file is
    public once its version is published (pledges/evidence.py: published_evidence)."""
    return [
        {"id": f.pk, "name": f.original_name, "title": f.title, "content_type": f.content_type, "size": f.size}
        for f in EvidenceFile.objects.filter(update=update).order_by("uploaded_at", "pk")
    ]


@write_batch()
def report_submit(*, actor: User, report: ProgressReport) -> ProgressReport:
    """Submit (or correct) the report: a new version is kept each time. A first submission
    after the due date, in the municipality's own time, is marked late. The version is
    published at once (``report_published`` sent), or waits for the campaign team when the
    campaign reviews reports (pledges/reports/review.py)."""
    require_official(actor, report.pledge.municipality_id)
    report = (
        ProgressReport.objects.select_for_update().select_related("pledge__municipality", "period").get(pk=report.pk)
    )
    _report_editable(report)
    missing = [u for u in report.updates.all() if u.status != ProgressUpdate.Status.NOT_STARTED and not u.narrative]
    if missing:
        raise ValidationError(_("Describe what was done for each commitment that is planned, in progress or achieved."))
    now = timezone.now()
    # A correction: a version was submitted before (changes asked for by the campaign team
    # included). Lateness is decided by the first submission only.
    correction = report.version > 0
    if report.first_submitted_at is None:
        report.first_submitted_at = now
        report.is_late = rules.is_late(
            now, rules.pledge_due_date(report.pledge_id, report.period), report.pledge.municipality.time_zone
        )
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_at = now
    report.version += 1
    report.save()
    # A campaign that reviews reports keeps the version waiting for a campaign admin
    # (pledges/reports/review.py publishes it or asks for changes); otherwise it is public now.
    in_review = Campaign.objects.filter(pk=report.pledge.campaign_id, reports_need_review=True).exists()
    version = ReportVersion.objects.create(
        report=report,
        number=report.version,
        submitted_at=now,
        submitted_by=actor,
        content=report_snapshot(report),
        review=ReportVersion.Review.PENDING if in_review else ReportVersion.Review.PUBLISHED,
        published_at=None if in_review else now,
    )
    action = PledgeEvent.Action.REPORT_CORRECTED if correction else PledgeEvent.Action.REPORT_SUBMITTED
    _record(report.pledge, actor, action, report=report, note=str(report.period))
    if not in_review:
        report_published.send(sender=ReportVersion, version=version)
    _email_officials(
        report.pledge,
        "report_received",
        period=report.period.label,
        period_id=report.period_id,
        late=report.is_late,
        in_review=in_review,
    )
    return report


# --- the private calendar feed --------------------------------------------------------------

CALENDAR_TOKEN_BYTES = 32  # 43 URL-safe characters


def new_calendar_token() -> str:
    return secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)


@write_batch()
def calendar_reset_token(*, actor: User, pledge: Pledge) -> PledgeCalendar:
    """A new secret address of the pledge's calendar (made if it has none); the old one
    stops working at once."""
    require_official(actor, pledge.municipality_id)
    feed = PledgeCalendar.objects.select_for_update().filter(pledge=pledge).first()
    if feed is None:
        feed = PledgeCalendar(pledge=pledge)
    feed.token = new_calendar_token()
    feed.save()
    log.info("calendar feed of pledge %s reset by user %s", pledge.pk, actor.pk)
    return feed

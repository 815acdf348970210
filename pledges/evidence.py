"""Evidence files of a report: a few files per commitment (PDF, images, spreadsheets), each
checked by its content (campaign.uploads.validate_evidence), kept in private storage.

The city's officials add and remove them while the report can be edited; every change is
in the pledge's history. A submitted version lists the files it was submitted with
(services.report_snapshot). The city's officials and campaign admins may always download
them; the public only a file listed in a *published* version of a public pledge's report
(``published_evidence``).
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import require_official
from accounts.models import User
from campaign.models import ReportingPeriod
from campaign.uploads import validate_evidence
from campaign.writes import write_batch
from pledges import rules, services
from pledges.models import EvidenceFile, Pledge, PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion

MAX_FILES_PER_COMMITMENT = 5
MAX_TITLE_LENGTH = 200


def files_of_report(report: ProgressReport) -> dict[int, list[EvidenceFile]]:
    """update id -> its files, oldest first: one query."""
    by_update: dict[int, list[EvidenceFile]] = {}
    if report.pk is None:
        return by_update
    for f in EvidenceFile.objects.filter(update__report=report).order_by("uploaded_at", "pk"):
        by_update.setdefault(f.update_id, []).append(f)
    return by_update


def _display_name(name: str) -> str:
    """The uploaded name without any folder part, kept as a label only (never as a path)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "file"


@write_batch()
def evidence_add(
    *, actor: User, pledge: Pledge, period: ReportingPeriod, chosen_id: int, upload, title: str = ""
) -> EvidenceFile:
    """Attach a file to one commitment of the period's report (the report is opened if it
    was not yet). Refused (ValidationError by field, "file" or "title") for a file that is
    not an accepted kind by its content, too large, one too many, or when the report can no
    longer be corrected."""
    require_official(actor, pledge.municipality_id)
    report = services.report_open(actor=actor, pledge=pledge, period=period)
    report = (
        ProgressReport.objects.select_for_update().select_related("pledge__municipality", "period").get(pk=report.pk)
    )
    services._report_editable(report)
    update = (
        ProgressUpdate.objects.select_related("chosen__commitment").filter(report=report, chosen_id=chosen_id).first()
    )
    if update is None:
        raise ValidationError(_("This commitment is not part of the report."))
    title = (title or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [
            ValidationError(
                _("Keep the title under %(limit)s characters.") % {"limit": MAX_TITLE_LENGTH}, code="max_length"
            )
        ]
    if upload is None:
        errors["file"] = [ValidationError(_("Choose a file to upload."), code="required")]
    else:
        count = EvidenceFile.objects.filter(update=update).count()
        if count >= MAX_FILES_PER_COMMITMENT:
            errors["file"] = [
                ValidationError(
                    ngettext(
                        "A commitment can carry at most %(limit)d file: remove one first.",
                        "A commitment can carry at most %(limit)d files: remove one first.",
                        MAX_FILES_PER_COMMITMENT,
                    )
                    % {"limit": MAX_FILES_PER_COMMITMENT},
                    code="too_many_files",
                )
            ]
        else:
            try:
                kind = validate_evidence(upload)
            except ValidationError as exc:
                errors["file"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    evidence = EvidenceFile(
        update=update,
        pledge=report.pledge,
        original_name=_display_name(upload.name),
        title=title,
        content_type=kind.content_type,
        extension=kind.extension,
        size=upload.size,
        uploaded_by=actor,
    )
    upload.seek(0)
    evidence.file.save(f"evidence.{kind.extension}", upload, save=False)
    evidence.save()
    services._record(
        report.pledge,
        actor,
        PledgeEvent.Action.EVIDENCE_ADDED,
        report=report,
        note=f"{update.chosen.commitment.code}: {evidence.original_name}",
    )
    return evidence


@write_batch()
def evidence_remove(*, actor: User, evidence: EvidenceFile) -> None:
    """Remove a file from the report. A version already published that listed it keeps its
    name in the record, with no link: a file put up by mistake can be taken down."""
    require_official(actor, evidence.pledge.municipality_id)
    evidence = (
        EvidenceFile.objects.select_for_update()
        .select_related("update__report__pledge__municipality", "update__report__period", "update__chosen__commitment")
        .get(pk=evidence.pk)
    )
    report = evidence.update.report
    services._report_editable(report)
    name, code = evidence.original_name, evidence.update.chosen.commitment.code
    stored = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    if stored:
        storage.delete(stored)
    services._record(report.pledge, actor, PledgeEvent.Action.EVIDENCE_REMOVED, report=report, note=f"{code}: {name}")


def listed_in_published_version(evidence: EvidenceFile) -> bool:
    """Whether a published version of the file's report lists it (one query)."""
    versions = ReportVersion.objects.filter(
        report_id=evidence.update.report_id, published_at__isnull=False
    ).values_list("content", flat=True)
    for content in versions:
        for update in (content or {}).get("updates", []):
            for listed in update.get("evidence_files") or []:
                if isinstance(listed, dict) and listed.get("id") == evidence.pk:
                    return True
    return False


def public_evidence_queryset() -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(pledge__in=rules.public_pledges()).select_related(
        "pledge__municipality", "update__report"
    )


def published_evidence(file_id: int, municipality_slug: str) -> EvidenceFile | None:
    """The file if the public may download it: listed in a published version of a report of
    a public pledge of that municipality. None otherwise (two queries)."""
    evidence = public_evidence_queryset().filter(pk=file_id, pledge__municipality__slug=municipality_slug).first()
    if evidence is None or not listed_in_published_version(evidence):
        return None
    return evidence

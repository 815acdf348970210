"""Reporting by spreadsheet: an official uploads the period's report as a CSV or XLSX file;
it is checked in the background, row by row (the upload's ``rows_checked`` of
``rows_total`` is the progress the status page shows), and applied only when every row is
valid, through the same services as the HTML form, in one transaction.

- ``upload_receive`` checks who uploads and what (a CSV or an XLSX by its content, at most
  5 MB), stores the file privately under a name of ours, and queues the check after commit
  (``dispatch``: the Celery task ``pledges.tasks.check_report_upload``'s ``delay``; without
  a broker it runs at once, in-process).
- ``upload_check`` reads the file in the uploader's language (the errors are written in
  it), turns it into the report form's data (pledges/reports/spreadsheet.py), validates it
  with the form and, when nothing is wrong, saves the report (and submits it when the
  official asked for it); otherwise the upload is INVALID with every error at its row and
  column, and the report is untouched.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.access import require_official
from accounts.geo import local_today
from accounts.models import User
from campaign.models import ReportingPeriod
from campaign.writes import write_batch
from pledges import rules, services
from pledges.models import Pledge, PledgeEvent, ProgressReport, ReportUpload
from pledges.reports import spreadsheet

log = logging.getLogger(__name__)

ACTIONS = ("save", "submit")


def _read_upload(file: Any) -> bytes:
    if getattr(file, "size", 0) and file.size > spreadsheet.MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("The file is %(size).1f MB; the limit is %(limit)d MB.")
                    % {"size": file.size / 1024 / 1024, "limit": spreadsheet.MAX_FILE_BYTES // 1024 // 1024},
                    code="too_large",
                )
            }
        )
    file.seek(0)
    data = file.read(spreadsheet.MAX_FILE_BYTES + 1)
    file.seek(0)
    return data


def report_is_closed(report: ProgressReport) -> bool:
    """A submitted report past its correction deadline: read only."""
    return report.status == ProgressReport.Status.SUBMITTED and local_today(
        report.pledge.municipality
    ) > services.report_correction_deadline(report.period, due=rules.pledge_due_date(report.pledge_id, report.period))


def upload_receive(
    *,
    actor: User,
    pledge: Pledge,
    period: ReportingPeriod,
    file: Any,
    action: str,
    dispatch: Callable[[int], Any],
) -> ReportUpload:
    """Keep the uploaded spreadsheet and queue its check. ValidationError ("file", or the
    report's own refusal) when the file is not a spreadsheet or the report cannot be filed."""
    require_official(actor, pledge.municipality_id)
    report, _updates = services.report_as_found(actor=actor, pledge=pledge, period=period)
    if report.pk and report_is_closed(report):
        raise ValidationError(_("This period is closed: its report can no longer be corrected."))
    if action not in ACTIONS:
        raise ValidationError({"action": _("Choose “Save draft” or “Submit report”.")})
    data = _read_upload(file)
    try:
        file_format = spreadsheet.detect_format(data)
    except ValidationError as exc:
        raise ValidationError({"file": exc}) from exc
    original = (getattr(file, "name", "") or "")[:255]
    with write_batch():
        upload = ReportUpload(
            pledge=pledge,
            period=period,
            uploaded_by=actor,
            original_name=original,
            file_format=file_format,
            language=services.site_language(get_language()) or "en",
            action=action,
            status=ReportUpload.Status.CHECKING,
        )
        # The stored name is ours: the uploaded one is not trusted.
        upload.file.save(f"{pledge.pk}-{uuid.uuid4().hex}.{file_format}", ContentFile(data), save=False)
        upload.save()
        upload_id = upload.pk
        transaction.on_commit(lambda: _start_check(upload_id, dispatch))
    return upload


def _start_check(upload_id: int, dispatch: Callable[[int], Any]) -> None:
    """Queue the check; when it cannot be queued (the broker is down) the upload says so at
    once, rather than showing a bar that never moves."""
    try:
        dispatch(upload_id)
    except Exception:
        log.exception("the check of report upload %s could not be queued", upload_id)
        ReportUpload.objects.filter(pk=upload_id, status=ReportUpload.Status.CHECKING).update(
            status=ReportUpload.Status.FAILED,
            finished_at=timezone.now(),
            errors=[
                {
                    "row": None,
                    "column": "",
                    "label": "",
                    "message": _("The check could not start. Upload the file again in a few minutes."),
                }
            ],
        )


def _progress_saver(upload_id: int) -> Callable[[int, int], None]:
    def save(done: int, total: int) -> None:
        ReportUpload.objects.filter(pk=upload_id, status=ReportUpload.Status.CHECKING).update(
            rows_checked=done, rows_total=total
        )

    return save


def _finish(upload: ReportUpload, status: str, errors: list[dict[str, Any]] | None = None) -> ReportUpload:
    upload.status = status
    upload.errors = errors or []
    upload.finished_at = timezone.now()
    if status == ReportUpload.Status.APPLIED:
        upload.rows_checked = upload.rows_total
    upload.save(update_fields=["status", "errors", "finished_at", "rows_checked", "rows_total"])
    return upload


def _message_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [{"row": None, "column": "", "label": "", "message": message} for message in exc.messages]


def upload_check(upload_id: int) -> ReportUpload | None:
    """Check an upload and apply it when every row is valid. Running it twice does nothing
    the second time (only an upload still being checked is checked)."""
    upload = (
        ReportUpload.objects.select_related("pledge__municipality", "pledge__campaign", "period")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None or upload.status != ReportUpload.Status.CHECKING:
        return upload
    with translation.override(upload.language or "en"):
        try:
            return _check(upload)
        except Exception:
            log.exception("report upload %s could not be checked", upload_id)
            return _finish(
                upload,
                ReportUpload.Status.FAILED,
                [{"row": None, "column": "", "label": "", "message": _("The file could not be read.")}],
            )


def _check(upload: ReportUpload) -> ReportUpload:
    actor = upload.uploaded_by
    if actor is None:
        return _finish(upload, ReportUpload.Status.INVALID, _message_errors(ValidationError(_("You may not file it."))))
    with upload.file.open("rb") as handle:
        data = handle.read(spreadsheet.MAX_FILE_BYTES + 1)
    try:
        table = spreadsheet.read_table(data, upload.file_format)
    except ValidationError as exc:
        return _finish(upload, ReportUpload.Status.FAILED, _message_errors(exc))
    try:
        report, updates = services.report_as_found(actor=actor, pledge=upload.pledge, period=upload.period)
    except PermissionDenied:
        return _finish(
            upload,
            ReportUpload.Status.INVALID,
            _message_errors(ValidationError(_("You no longer act for this municipality."))),
        )
    except ValidationError as exc:
        return _finish(upload, ReportUpload.Status.INVALID, _message_errors(exc))
    submitted = report.status == ProgressReport.Status.SUBMITTED
    # A submitted report is only ever corrected by submitting again (as the form does).
    submitting = upload.action == "submit" or submitted

    template = spreadsheet.report_formset(updates)
    parsed = spreadsheet.parse_table(table, template, progress=_progress_saver(upload.pk))
    upload.rows_total = parsed.rows_total
    upload.rows_checked = parsed.rows_total
    if parsed.errors:
        return _finish(upload, ReportUpload.Status.INVALID, spreadsheet.sorted_errors(parsed.errors))
    formset = spreadsheet.report_formset(updates, parsed.data, submitting=submitting)
    if not formset.is_valid():
        return _finish(
            upload, ReportUpload.Status.INVALID, spreadsheet.sorted_errors(spreadsheet.formset_errors(formset, parsed))
        )
    try:
        with write_batch():
            report = services.report_open(actor=actor, pledge=upload.pledge, period=upload.period)
            if report_is_closed(report):
                raise ValidationError(_("This period is closed: its report can no longer be corrected."))
            services.report_save(actor=actor, report=report, updates=formset.to_inputs())
            if submitting:
                services.report_submit(actor=actor, report=report)
            PledgeEvent.objects.create(
                pledge=upload.pledge,
                report=report,
                actor=actor,
                action=PledgeEvent.Action.REPORT_UPLOADED,
                note=upload.original_name,
            )
            _finish(upload, ReportUpload.Status.APPLIED)
    except PermissionDenied:
        return _finish(
            upload,
            ReportUpload.Status.INVALID,
            _message_errors(ValidationError(_("You no longer act for this municipality."))),
        )
    except ValidationError as exc:
        return _finish(upload, ReportUpload.Status.INVALID, _message_errors(exc))
    return upload


def upload_progress(upload: ReportUpload) -> dict[str, Any]:
    """Where the check stands, for the status page's bar."""
    upload.refresh_from_db(fields=["status", "rows_total", "rows_checked", "finished_at"])
    finished = upload.status != ReportUpload.Status.CHECKING
    total = upload.rows_total
    percent = 100 if finished else (round(100 * upload.rows_checked / total) if total else 0)
    return {
        "status": upload.status,
        "status_label": str(upload.get_status_display()),
        "rows_total": total,
        "rows_checked": upload.rows_checked,
        "percent": min(percent, 100),
        "finished": finished,
    }

"""Reporting by spreadsheet: download the period's report as CSV or XLSX, upload it filled
in, and follow its check. Only the municipality's officials; the work is done by
pledges/reports/spreadsheet.py (the sheet) and pledges/reports/uploads.py (the services)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import verified_email_required
from pledges import services
from pledges.access import access_period_of_pledge, access_pledge_as_official, access_report_upload
from pledges.models import ProgressReport, ReportUpload
from pledges.reports import spreadsheet, uploads
from pledges.tasks import check_report_upload


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in spreadsheet"),
        help_text=gettext_lazy("The CSV or XLSX file downloaded from this page, at most 5 MB."),
        error_messages={"required": gettext_lazy("Choose the spreadsheet to upload.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Once every row is valid"),
        choices=[
            ("save", gettext_lazy("Save it as a draft")),
            ("submit", gettext_lazy("Submit the report")),
        ],
        initial="save",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose “Save draft” or “Submit report”.")},
    )


def _report_or_redirect(request, pledge, period):
    """The report as found (nothing written), or a redirect to the periods with the reason."""
    try:
        return services.report_as_found(actor=request.user, pledge=pledge, period=period), None
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None, redirect("reports:index", pledge_pk=pledge.pk)


@verified_email_required
@require_GET
def report_download(request, pledge_pk, period_pk, file_format):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    period = access_period_of_pledge(pledge, period_pk)
    if file_format not in spreadsheet.FORMATS:
        raise Http404
    found, refusal = _report_or_redirect(request, pledge, period)
    if refusal:
        return refusal
    _report, updates = found
    sheet = spreadsheet.report_sheet(updates, numbers_as_text=file_format == spreadsheet.CSV)
    body = spreadsheet.to_csv(sheet) if file_format == spreadsheet.CSV else spreadsheet.to_xlsx(sheet)
    name = slugify(f"{pledge.municipality.ascii_name or pledge.municipality.name} {period.label}") or "report"
    response = HttpResponse(body, content_type=spreadsheet.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response


@verified_email_required
@require_http_methods(["GET", "POST"])
def report_upload(request, pledge_pk, period_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    period = access_period_of_pledge(pledge, period_pk)
    found, refusal = _report_or_redirect(request, pledge, period)
    if refusal:
        return refusal
    report, updates = found
    closed = bool(report.pk) and uploads.report_is_closed(report)
    if request.method == "POST" and not closed:
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = uploads.upload_receive(
                    actor=request.user,
                    pledge=pledge,
                    period=period,
                    file=form.cleaned_data["file"],
                    action=form.cleaned_data["action"],
                    dispatch=check_report_upload.delay,
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                return redirect("reports:upload_status", pledge_pk=pledge.pk, period_pk=period.pk, upload_pk=upload.pk)
    elif request.method == "POST":
        messages.error(request, _("This period is closed: its report can no longer be corrected."))
        return redirect("reports:edit", pledge_pk=pledge.pk, period_pk=period.pk)
    else:
        form = UploadForm(initial={"action": "submit" if report.status == ProgressReport.Status.SUBMITTED else "save"})
    recent = ReportUpload.objects.filter(pledge=pledge, period=period).select_related("uploaded_by")[:5]
    return render(
        request,
        "pledges/report_upload.html",
        {
            "pledge": pledge,
            "period": period,
            "report": report,
            "form": form,
            "closed": closed,
            "is_submitted": report.status == ProgressReport.Status.SUBMITTED,
            "commitment_count": len(updates),
            "recent": recent,
            "max_rows": spreadsheet.MAX_ROWS,
        },
    )


@verified_email_required
@require_GET
def report_upload_status(request, pledge_pk, period_pk, upload_pk):
    upload = access_report_upload(request.user, pledge_pk, period_pk, upload_pk)
    return render(
        request,
        "pledges/report_upload_status.html",
        {
            "pledge": upload.pledge,
            "period": upload.period,
            "upload": upload,
            "progress": uploads.upload_progress(upload),
            "file_errors": [e for e in upload.errors if not e.get("row")],
            "row_errors": [e for e in upload.errors if e.get("row")],
            "has_form_errors": bool(upload.errors),
        },
    )


@verified_email_required
@require_GET
def report_upload_progress(request, pledge_pk, period_pk, upload_pk):
    upload = access_report_upload(request.user, pledge_pk, period_pk, upload_pk)
    response = JsonResponse(uploads.upload_progress(upload))
    response["Cache-Control"] = "private, no-store"
    return response

"""Evidence files of a report (pledges/evidence.py does the work): the city's officials add
and remove them; officials and campaign admins download them from private storage; a
version's "what changed" page for the officials."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import verified_email_required
from campaign.storage import private_download
from campaign.uploads import ACCEPTED_EXTENSIONS
from pledges import evidence as evidence_services
from pledges.access import (
    access_evidence_as_official,
    access_evidence_private,
    access_period_of_pledge,
    access_pledge_as_official,
    access_report_version,
)
from pledges.evidence import MAX_FILES_PER_COMMITMENT, MAX_TITLE_LENGTH
from pledges.models import PledgeCommitment
from pledges.reports import diff


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A PDF, an image (PNG, JPEG or WebP) or a spreadsheet (CSV, XLSX or ODS), 10 MB at most. "
            "It stays private until the report is published."
        ),
        error_messages={"required": gettext_lazy("Choose a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS)}),
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=MAX_TITLE_LENGTH,
        help_text=gettext_lazy("Optional: what the file shows, e.g. “Council decision of 12 March”."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )


def _report_url(pledge_pk: int, period_pk: int) -> str:
    return reverse("reports:edit", kwargs={"pledge_pk": pledge_pk, "period_pk": period_pk}) + "#evidence"


@verified_email_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pledge_pk, period_pk, chosen_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    period = access_period_of_pledge(pledge, period_pk)
    chosen = PledgeCommitment.objects.select_related("commitment").filter(pledge=pledge, pk=chosen_pk).first()
    if chosen is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                added = evidence_services.evidence_add(
                    actor=request.user,
                    pledge=pledge,
                    period=period,
                    chosen_id=chosen.pk,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data.get("title") or "",
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
                messages.success(
                    request,
                    _("“%(name)s” is attached. It becomes public with the report.") % {"name": added.original_name},
                )
                return redirect(_report_url(pledge.pk, period.pk))
        status = 400
    else:
        form = EvidenceForm()
    return render(
        request,
        "pledges/evidence_add.html",
        {
            "pledge": pledge,
            "period": period,
            "chosen": chosen,
            "form": form,
            "limit": MAX_FILES_PER_COMMITMENT,
            "back_url": _report_url(pledge.pk, period.pk),
        },
        status=status,
    )


@verified_email_required
@require_POST
def evidence_remove(request, pledge_pk, file_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    evidence = access_evidence_as_official(request.user, pledge, file_pk)
    period_pk = evidence.update.report.period_id
    name = evidence.original_name
    try:
        evidence_services.evidence_remove(actor=request.user, evidence=evidence)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(name)s” is removed from the report.") % {"name": name})
    return redirect(_report_url(pledge.pk, period_pk))


@verified_email_required
@require_GET
def evidence_download(request, file_pk):
    """An evidence file from private storage, for the city's officials and campaign admins."""
    evidence = access_evidence_private(request.user, file_pk)
    try:
        return private_download(evidence.file, evidence.original_name, content_type=evidence.content_type)
    except FileNotFoundError as exc:
        raise Http404 from exc


@verified_email_required
@require_GET
def version_changes(request, pledge_pk, period_pk, number):
    """What version ``number`` changed in the version before it, for the city's officials."""
    version = access_report_version(request.user, pledge_pk, period_pk, number)
    previous, changes = diff.version_changes(version)
    return render(
        request,
        "pledges/report_changes.html",
        {
            "pledge": version.report.pledge,
            "period": version.report.period,
            "report": version.report,
            "version": version,
            "previous": previous,
            "changes": changes,
            "file_url_name": "reports:evidence_file",
        },
    )

"""Progress reports filed by a city's approved officials. Views stay thin: the services
in pledges/services.py check permissions, validate and record history."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import approved_municipality_ids, verified_email_required
from accounts.geo import local_today
from campaign.models import Commitment
from campaign.writes import write_batch
from pledges import rules, services
from pledges.access import access_period_of_pledge, access_pledge_as_official, access_report_version
from pledges.models import Pledge, ProgressReport, ProgressUpdate
from pledges.queries import pledge_period_rows
from pledges.reports.forms import UpdateFormSet


class ReportActionForm(forms.Form):
    """Which button was pressed; errors from the services land here."""

    action = forms.ChoiceField(
        choices=[("save", gettext_lazy("Save draft")), ("submit", gettext_lazy("Submit report"))],
        error_messages={"invalid_choice": gettext_lazy("Choose “Save draft” or “Submit report”.")},
    )


@verified_email_required
@require_GET
def report_home(request):
    """The pledges the user reports for."""
    pledges = (
        Pledge.objects.filter(municipality_id__in=approved_municipality_ids(request.user))
        .select_related("campaign", "municipality")
        .order_by("municipality__name", "campaign__title")
    )
    return render(request, "pledges/report_home.html", {"pledges": pledges})


@verified_email_required
@require_GET
def report_index(request, pledge_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    is_verified = pledge.status == Pledge.Status.VERIFIED
    rows = pledge_period_rows(pledge) if is_verified else []
    return render(request, "pledges/report_index.html", {"pledge": pledge, "rows": rows, "is_verified": is_verified})


def _report_context(pledge, period, report):
    today = local_today(pledge.municipality)
    due = rules.pledge_due_date(pledge.pk, period)  # a granted request for more time moves it
    deadline = services.report_correction_deadline(period, due=due)
    submitted = report.status == ProgressReport.Status.SUBMITTED
    return {
        "pledge": pledge,
        "period": period,
        "due": due,
        "period_state": rules.period_status(opens=period.opens, due=due, today=today),
        "report": report,
        "is_submitted": submitted,
        "read_only": submitted and today > deadline,
        "correction_deadline": deadline,
        "versions": report.versions.select_related("submitted_by").order_by("-number") if report.pk else [],
    }


@verified_email_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pledge_pk, period_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    period = access_period_of_pledge(pledge, period_pk)
    try:
        if request.method == "POST":
            # The report and its rows are made on the first save, never by opening the page.
            report = services.report_open(actor=request.user, pledge=pledge, period=period)
            updates = list(services.ordered_updates(report))
        else:
            report, updates = services.report_as_found(actor=request.user, pledge=pledge, period=period)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:index", pledge_pk=pledge.pk)

    context = _report_context(pledge, period, report)

    if context["read_only"]:
        if request.method == "POST":
            messages.error(request, _("This period is closed: its report can no longer be corrected."))
            return redirect("reports:edit", pledge_pk=pledge.pk, period_pk=period.pk)
        return render(request, "pledges/report_detail.html", {**context, "updates": updates})

    if request.method == "POST":
        action_form = ReportActionForm(request.POST)
        action = request.POST.get("action")
        if context["is_submitted"] and action != "submit":
            action = "submit"  # a submitted report is only ever corrected by submitting again
        formset = UpdateFormSet(request.POST, updates=updates, submitting=action == "submit")
        if action_form.is_valid() and formset.is_valid():
            try:
                with write_batch():
                    services.report_save(actor=request.user, report=report, updates=formset.to_inputs())
                    if action == "submit":
                        services.report_submit(actor=request.user, report=report)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                action_form.add_error(None, exc.messages)
            else:
                if action == "save":
                    messages.success(request, _("Your draft is saved. Submit the report when it is complete."))
                elif context["is_submitted"]:
                    messages.success(request, _("Your correction is submitted: a new version of the report is kept."))
                else:
                    messages.success(request, _("Thank you: your report is submitted."))
                return redirect("reports:edit", pledge_pk=pledge.pk, period_pk=period.pk)
    else:
        action_form = ReportActionForm()
        formset = UpdateFormSet(updates=updates)

    return render(
        request,
        "pledges/report_form.html",
        {**context, "formset": formset, "pairs": formset.pairs(), "action_form": action_form},
    )


@verified_email_required
@require_GET
def report_version(request, pledge_pk, period_pk, number):
    version = access_report_version(request.user, pledge_pk, period_pk, number)
    pledge = version.report.pledge
    commitments = {c.pk: c for c in Commitment.objects.filter(campaign_id=pledge.campaign_id)}
    labels = dict(ProgressUpdate.Status.choices)
    items = [
        {
            **item,
            "commitment": commitments.get(item.get("commitment_id")),
            "status_label": labels.get(item.get("status"), item.get("status")),
        }
        for item in version.content.get("updates", [])
    ]
    return render(
        request,
        "pledges/report_version.html",
        {
            "pledge": pledge,
            "period": version.report.period,
            "report": version.report,
            "version": version,
            "items": items,
        },
    )

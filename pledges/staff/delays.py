"""The work queue's "More time" tab: requests for a later due date, granted or refused with
a reason by a campaign admin (pledges/delays.py decides and tells the city)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import staff_required
from pledges import delays, queries
from pledges.models import DelayRequest
from pledges.staff.forms import ReasonForm


class GrantForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Note to the city (optional)"),
        required=False,
        max_length=delays.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _forms_of(delay: DelayRequest, bound: dict) -> dict:
    kind, form = bound.get(delay.pk, ("", None))
    forms_ = {
        "grant": GrantForm(prefix=f"grant-{delay.pk}"),
        "refuse": ReasonForm(
            prefix=f"refuse-{delay.pk}", help_text=_("The city's officials receive it by email, in their language.")
        ),
    }
    if form is not None:
        forms_[kind] = form
    return {"grant_form": forms_["grant"], "refuse_form": forms_["refuse"], "open": kind}


def _render(request, *, bound=None, status=200):
    rows = [
        {"row": row, **_forms_of(row.request, bound or {})}
        for row in queries.delay_rows(queries.pending_delay_requests())
    ]
    return render(request, "staff/delay_requests.html", {"rows": rows, "counts": queries.queue_counts()}, status=status)


@staff_required
def delay_requests(request):
    return _render(request)


def _decide(request, pk, kind, form_class, decide, done_message):
    delay = get_object_or_404(
        DelayRequest.objects.select_related("pledge__municipality", "pledge__campaign", "period"), pk=pk
    )
    form = form_class(request.POST, prefix=f"{kind}-{pk}")
    if form.is_valid():
        try:
            decide(delay, form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else [str(exc)])
        else:
            messages.success(request, done_message(delay))
            return redirect("staff:delay_requests")
    delay.refresh_from_db(fields=["status"])
    if delay.status != DelayRequest.Status.PENDING:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("staff:delay_requests")
    return _render(request, bound={pk: (kind, form)}, status=400)


@staff_required
@require_POST
def delay_grant(request, pk):
    return _decide(
        request,
        pk,
        "grant",
        GrantForm,
        lambda delay, reason: delays.delay_grant(actor=request.user, delay=delay, reason=reason),
        lambda delay: (
            _("%(municipality)s now reports for %(period)s by %(date)s; its officials have been told.")
            % {
                "municipality": delay.pledge.municipality.name,
                "period": delay.period.label,
                "date": formats.date_format(delay.requested_due, "DATE_FORMAT"),
            }
        ),
    )


@staff_required
@require_POST
def delay_refuse(request, pk):
    return _decide(
        request,
        pk,
        "refuse",
        ReasonForm,
        lambda delay, reason: delays.delay_refuse(actor=request.user, delay=delay, reason=reason),
        lambda delay: (
            _("The request of %(municipality)s is refused; its officials have been told why.")
            % {"municipality": delay.pledge.municipality.name}
        ),
    )

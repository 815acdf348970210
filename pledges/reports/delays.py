"""Officials ask for more time for one period of their pledge, or withdraw the request
(pledges/delays.py decides; the campaign team answers in the work queue)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import verified_email_required
from pledges import delays, rules
from pledges.access import access_delay_request, access_period_of_pledge, access_pledge_as_official
from pledges.forms import DateInput
from pledges.models import DelayRequest


class DelayRequestForm(forms.Form):
    requested_due = forms.DateField(
        label=gettext_lazy("New due date"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Give the new due date you ask for."),
            "invalid": gettext_lazy("Enter a date, for example 2027-03-31."),
        },
    )
    reason = forms.CharField(
        label=gettext_lazy("Why does the city need more time?"),
        max_length=delays.MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=gettext_lazy("The campaign team reads this to decide. It is not shown in public."),
        error_messages={"required": gettext_lazy("Say why the city needs more time.")},
    )

    def __init__(self, *args, current_due=None, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["requested_due"].widget
        if latest is not None:
            widget.attrs["max"] = latest.isoformat()
            self.fields["requested_due"].help_text = _("At the latest %(date)s.") % {
                "date": formats.date_format(latest, "DATE_FORMAT")
            }
        if current_due is not None:
            widget.attrs["min"] = current_due.isoformat()

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


@verified_email_required
@require_http_methods(["GET", "POST"])
def delay_new(request, pledge_pk, period_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    period = access_period_of_pledge(pledge, period_pk)
    current_due = rules.pledge_due_date(pledge.pk, period)
    latest = delays.latest_date(period)
    form = DelayRequestForm(request.POST or None, current_due=current_due, latest=latest)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                delays.delay_request(
                    actor=request.user,
                    pledge=pledge,
                    period=period,
                    requested_due=form.cleaned_data["requested_due"],
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Your request for more time is sent. The campaign team will answer by email.")
                )
                return redirect("reports:index", pledge_pk=pledge.pk)
        status = 400
    context = {
        "pledge": pledge,
        "period": period,
        "form": form,
        "current_due": current_due,
        "latest": latest,
        "history": DelayRequest.objects.filter(pledge=pledge, period=period).select_related("requested_by"),
    }
    return render(request, "pledges/delay_request.html", context, status=status)


@verified_email_required
@require_POST
def delay_withdraw(request, pledge_pk, pk):
    delay = access_delay_request(request.user, pledge_pk, pk)
    try:
        delays.delay_withdraw(actor=request.user, delay=delay)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your request for more time is withdrawn."))
    return redirect("reports:index", pledge_pk=delay.pledge_id)

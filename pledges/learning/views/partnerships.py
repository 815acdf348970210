"""Officials' page of partnerships: their municipalities' partnerships by status, with
confirm/decline for the partner side and end for either side once confirmed, and the form
to propose one to another signatory. Views stay thin:
pledges/learning/services/partnerships.py checks, validates and records."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import approved_municipality_ids, municipalities_of, verified_email_required
from accounts.models import Municipality
from campaign.models import Campaign, public_campaigns
from pledges import rules as pledge_rules

from ..access import access_partnership_as_party
from ..forms.partnerships import ProposeForm
from ..models import Partnership
from ..services import partnerships as services


def _propose_form(user: Any, data: Any = None) -> ProposeForm | None:
    """The form, or None when the user's municipalities have no verified pledge to propose from."""
    ids = approved_municipality_ids(user)
    signed = pledge_rules.signatories().filter(municipality_id__in=ids)
    municipalities = Municipality.objects.filter(pk__in=signed.values("municipality_id")).order_by("name")
    campaigns = public_campaigns().filter(pk__in=signed.values("campaign_id")).order_by("slug")
    if not municipalities.exists() or not campaigns.exists():
        return None
    partners = (
        Municipality.objects.filter(
            pk__in=pledge_rules.signatories().filter(campaign__in=campaigns).values("municipality_id")
        )
        .exclude(pk__in=ids)
        .order_by("name")
    )
    return ProposeForm(data, municipalities=municipalities, campaigns=campaigns, partners=partners)


def _page(request: HttpRequest, form: ProposeForm | None = None, status: int = 200) -> HttpResponse:
    ids = approved_municipality_ids(request.user)
    rows = list(services.partnerships_for(request.user))
    groups = [
        {"status": value, "label": label, "rows": [p for p in rows if p.status == value]}
        for value, label in Partnership.Status.choices
    ]
    for row in rows:
        row.is_partner_side = row.partner_id in ids  # type: ignore[attr-defined]
    return render(
        request,
        "learning/partnerships/partnerships.html",
        {
            "groups": [g for g in groups if g["rows"]],
            "form": form if form is not None else _propose_form(request.user),
            "has_municipality": bool(ids),
            "municipalities": list(municipalities_of(request.user)),
        },
        status=status,
    )


@verified_email_required
@require_GET
def partnerships(request):
    return _page(request)


@verified_email_required
@require_POST
def partnership_propose(request):
    form = _propose_form(request.user, request.POST)
    if form is None:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        campaign: Campaign = data["campaign"]
        try:
            services.partnership_propose(
                actor=request.user,
                campaign=campaign,
                proposer=data["proposer"],
                partner=data["partner"],
                kind=data["kind"],
                description=data["description"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The partnership is proposed: the partner's officials are told."))
            return redirect("learning:partnerships")
    return _page(request, form)


def _act(request: HttpRequest, pk: int, service: Any, done: str) -> HttpResponse:
    partnership = access_partnership_as_party(request.user, pk)
    try:
        service(actor=request.user, partnership=partnership)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("learning:partnerships")


@verified_email_required
@require_POST
def partnership_confirm(request, pk):
    return _act(request, pk, services.partnership_confirm, _("The partnership is confirmed."))


@verified_email_required
@require_POST
def partnership_decline(request, pk):
    return _act(request, pk, services.partnership_decline, _("The partnership is declined."))


@verified_email_required
@require_POST
def partnership_end(request, pk):
    return _act(request, pk, services.partnership_end, _("The partnership is ended."))


urlpatterns: list[URLPattern] = [
    path("partnerships/", partnerships, name="partnerships"),
    path("partnerships/propose/", partnership_propose, name="partnership_propose"),
    path("partnerships/<int:pk>/confirm/", partnership_confirm, name="partnership_confirm"),
    path("partnerships/<int:pk>/decline/", partnership_decline, name="partnership_decline"),
    path("partnerships/<int:pk>/end/", partnership_end, name="partnership_end"),
]

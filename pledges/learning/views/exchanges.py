"""Officials' pages of exchanges: asking to learn from a public action, the inbox of
requests received and sent, one request's page (accept, decline, withdraw). Each side's
contact is shown to the other only once accepted. Views stay thin:
pledges/learning/services/exchanges.py checks, validates and records."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import approved_municipality_ids, municipalities_of, verified_email_required
from accounts.models import Municipality

from ..access import (
    access_exchange_as_author,
    access_exchange_as_party,
    access_exchange_as_requester,
    access_public_action,
)
from ..display import texts_for
from ..forms.exchanges import AcceptForm, AskForm, DeclineForm
from ..models import ExchangeRequest, LocalAction
from ..services import exchanges as services


def _asking_municipalities(user: Any, action: LocalAction) -> QuerySet[Municipality]:
    return municipalities_of(user).exclude(pk=action.municipality_id)


@verified_email_required
@require_http_methods(["GET", "POST"])
def exchange_ask(request, action_pk):
    action = access_public_action(action_pk)
    municipalities = _asking_municipalities(request.user, action)
    context: dict[str, Any] = {"action": action, "texts": texts_for(action)}
    if not municipalities.exists():
        # Only an official of another municipality may ask: say so (nothing to fill in).
        return render(request, "learning/exchanges/ask.html", {**context, "form": None}, status=403)
    if request.method == "POST":
        form = AskForm(request.POST, municipalities=municipalities)
        if form.is_valid():
            try:
                exchange = services.exchange_ask(
                    actor=request.user,
                    action=action,
                    requester=form.cleaned_data["requester"],
                    message=form.cleaned_data["message"],
                    contact_name=form.cleaned_data["contact_name"],
                    contact_role=form.cleaned_data["contact_role"],
                    contact_email=form.cleaned_data["contact_email"],
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Your request is sent. The action's municipality is told and will answer here.")
                )
                return redirect("learning:exchange", pk=exchange.pk)
    else:
        form = AskForm(municipalities=municipalities, initial=AskForm.initial_contact(request.user))
    return render(request, "learning/exchanges/ask.html", {**context, "form": form})


@verified_email_required
def exchanges(request):
    cities = list(municipalities_of(request.user))
    received = list(services.received_for(request.user))
    sent = list(services.sent_for(request.user))
    by_city = [
        {
            "municipality": city,
            "received": [e for e in received if e.action.municipality_id == city.pk],
            "sent": [e for e in sent if e.requester_id == city.pk],
        }
        for city in cities
    ]
    return render(request, "learning/exchanges/exchanges.html", {"by_city": by_city})


def _page(
    request: HttpRequest,
    exchange: ExchangeRequest,
    *,
    accept_form: AcceptForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    ids = approved_municipality_ids(request.user)
    is_author = exchange.action.municipality_id in ids
    is_requester = exchange.requester_id in ids
    pending = exchange.status == ExchangeRequest.Status.PENDING
    if is_author and pending:
        accept_form = accept_form or AcceptForm(initial=AcceptForm.initial_contact(request.user))
        decline_form = decline_form or DeclineForm()
    else:
        accept_form = decline_form = None
    return render(
        request,
        "learning/exchanges/exchange.html",
        {
            "exchange": exchange,
            "action": exchange.action,
            "texts": texts_for(exchange.action),
            "is_author": is_author,
            "is_requester": is_requester,
            "contacts": services.exchange_contacts(exchange, ids),
            "accept_form": accept_form,
            "decline_form": decline_form,
            "can_withdraw": is_requester and pending,
        },
        status=status,
    )


@verified_email_required
def exchange(request, pk):
    return _page(request, access_exchange_as_party(request.user, pk))


def _refused(request: HttpRequest, exc: ValidationError, exchange: ExchangeRequest) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect("learning:exchange", pk=exchange.pk)


@verified_email_required
@require_POST
def exchange_accept(request, pk):
    exchange = access_exchange_as_author(request.user, pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            services.exchange_accept(
                actor=request.user,
                exchange=exchange,
                answer=form.cleaned_data["answer"],
                contact_name=form.cleaned_data["contact_name"],
                contact_role=form.cleaned_data["contact_role"],
                contact_email=form.cleaned_data["contact_email"],
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            if exchange.status != ExchangeRequest.Status.PENDING or not hasattr(exc, "error_dict"):
                return _refused(request, exc, exchange)
            form.add_service_errors(exc)
        else:
            messages.success(request, _("You accepted the request: each side now sees the other's contact."))
            return redirect("learning:exchange", pk=exchange.pk)
    return _page(request, exchange, accept_form=form)


@verified_email_required
@require_POST
def exchange_decline(request, pk):
    exchange = access_exchange_as_author(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.exchange_decline(actor=request.user, exchange=exchange, answer=form.cleaned_data["answer"])
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _refused(request, exc, exchange)
            form.add_service_errors(exc)
        else:
            messages.success(request, _("You declined the request. No contact was shared."))
            return redirect("learning:exchange", pk=exchange.pk)
    return _page(request, exchange, decline_form=form)


@verified_email_required
@require_POST
def exchange_withdraw(request, pk):
    exchange = access_exchange_as_requester(request.user, pk)
    try:
        services.exchange_withdraw(actor=request.user, exchange=exchange)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        return _refused(request, exc, exchange)
    messages.success(request, _("Your request is withdrawn."))
    return redirect("learning:exchange", pk=exchange.pk)


urlpatterns: list[URLPattern] = [
    path("actions/<int:action_pk>/ask/", exchange_ask, name="exchange_ask"),
    path("exchanges/", exchanges, name="exchanges"),
    path("exchanges/<int:pk>/", exchange, name="exchange"),
    path("exchanges/<int:pk>/accept/", exchange_accept, name="exchange_accept"),
    path("exchanges/<int:pk>/decline/", exchange_decline, name="exchange_decline"),
    path("exchanges/<int:pk>/withdraw/", exchange_withdraw, name="exchange_withdraw"),
]

"""The officials' page "Means and indicators" of a pledge: for each chosen commitment, the
means of implementation, the baseline and target of each indicator, and the city's own
indicators. Views stay thin: pledges/monitoring/services.py checks, validates and records."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import verified_email_required
from pledges.access import access_pledge_as_official
from pledges.models import Pledge, PledgeCommitment

from . import services
from .access import access_chosen_as_official, access_own_indicator
from .forms import MeansForm, OwnIndicatorForm, TargetsForm, add_errors, target_help
from .models import Indicator


def _chosen_of(pledge: Pledge) -> list[PledgeCommitment]:
    chosen = list(pledge.chosen.select_related("commitment").order_by("commitment__order", "commitment__code", "pk"))
    for item in chosen:
        item.pledge = pledge
    return chosen


def _section(chosen: PledgeCommitment, bound: dict[str, Any]) -> dict[str, Any]:
    indicators = list(services.indicators_for(chosen))
    targets = services.targets_of(chosen)
    return {
        "chosen": chosen,
        "indicators": [
            {
                "indicator": i,
                "summary": target_help(i, targets.get(i.pk)),
                "kind_label": i.get_kind_display(),
            }
            for i in indicators
        ],
        "means_form": bound.get("means") or MeansForm(chosen=chosen, prefix=f"m{chosen.pk}"),
        "targets_form": bound.get("targets")
        or TargetsForm(chosen=chosen, indicators=indicators, prefix=f"t{chosen.pk}"),
        "indicator_form": bound.get("indicator") or OwnIndicatorForm(chosen=chosen, prefix=f"i{chosen.pk}"),
        "open": bool(bound),
    }


def _page(request: HttpRequest, pledge: Pledge, bound_for: int | None = None, **bound: Any) -> HttpResponse:
    sections = [_section(c, bound if c.pk == bound_for else {}) for c in _chosen_of(pledge)]
    return render(
        request,
        "monitoring/monitoring_page.html",
        {
            "pledge": pledge,
            "sections": sections,
            "editable": pledge.status != Pledge.Status.WITHDRAWN,
            "is_verified": pledge.status == Pledge.Status.VERIFIED,
        },
    )


def _back(chosen: PledgeCommitment) -> HttpResponse:
    return redirect(reverse("monitoring:page", args=[chosen.pledge_id]) + f"#chosen-{chosen.pk}")


@verified_email_required
@require_GET
def monitoring_page(request, pledge_pk):
    pledge = access_pledge_as_official(request.user, pledge_pk)
    return _page(request, pledge)


@verified_email_required
@require_POST
def means_post(request, pledge_pk, chosen_pk):
    chosen = access_chosen_as_official(request.user, pledge_pk, chosen_pk)
    form = MeansForm(request.POST, chosen=chosen, prefix=f"m{chosen.pk}")
    if form.is_valid():
        try:
            services.means_save(actor=request.user, chosen=chosen, data=form.to_input())
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The means of implementation are saved."))
            return _back(chosen)
    return _page(request, chosen.pledge, bound_for=chosen.pk, means=form)


@verified_email_required
@require_POST
def targets_post(request, pledge_pk, chosen_pk):
    chosen = access_chosen_as_official(request.user, pledge_pk, chosen_pk)
    indicators = list(services.indicators_for(chosen))
    form = TargetsForm(request.POST, chosen=chosen, indicators=indicators, prefix=f"t{chosen.pk}")
    if form.is_valid():
        try:
            services.targets_save(actor=request.user, chosen=chosen, targets=form.to_input())
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The baselines and targets are saved."))
            return _back(chosen)
    return _page(request, chosen.pledge, bound_for=chosen.pk, targets=form)


@verified_email_required
@require_POST
def indicator_add(request, pledge_pk, chosen_pk):
    chosen = access_chosen_as_official(request.user, pledge_pk, chosen_pk)
    form = OwnIndicatorForm(request.POST, chosen=chosen, prefix=f"i{chosen.pk}")
    if form.is_valid():
        try:
            indicator = services.own_indicator_add(actor=request.user, chosen=chosen, data=form.to_input())
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("The indicator %(code)s is added: set its baseline and target.") % {"code": indicator.code}
            )
            return _back(chosen)
    return _page(request, chosen.pledge, bound_for=chosen.pk, indicator=form)


def _indicator_initial(indicator: Indicator) -> dict[str, Any]:
    language = indicator.language or "en"
    return {
        "code": indicator.code,
        "name": getattr(indicator, f"name_{language}", "") or indicator.name,
        "kind": indicator.kind,
        "unit": getattr(indicator, f"unit_{language}", "") or "",
        "guidance": getattr(indicator, f"guidance_{language}", "") or "",
        "higher_is_better": indicator.higher_is_better,
        "language": language,
    }


@verified_email_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, pledge_pk, chosen_pk, indicator_pk):
    chosen = access_chosen_as_official(request.user, pledge_pk, chosen_pk)
    indicator = access_own_indicator(chosen, indicator_pk)
    if request.method == "POST":
        form = OwnIndicatorForm(request.POST, chosen=chosen, indicator=indicator)
        if form.is_valid():
            try:
                services.own_indicator_change(
                    actor=request.user, chosen=chosen, indicator=indicator, data=form.to_input()
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The indicator is saved."))
                return _back(chosen)
    else:
        form = OwnIndicatorForm(chosen=chosen, indicator=indicator, initial=_indicator_initial(indicator))
    has_values = indicator.values.exists()
    return render(
        request,
        "monitoring/indicator_edit.html",
        {
            "pledge": chosen.pledge,
            "chosen": chosen,
            "indicator": indicator,
            "form": form,
            "has_values": has_values,
        },
    )


@verified_email_required
@require_POST
def indicator_remove(request, pledge_pk, chosen_pk, indicator_pk):
    chosen = access_chosen_as_official(request.user, pledge_pk, chosen_pk)
    indicator = access_own_indicator(chosen, indicator_pk)
    try:
        services.own_indicator_remove(actor=request.user, chosen=chosen, indicator=indicator)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The indicator %(code)s is removed.") % {"code": indicator.code})
    return _back(chosen)

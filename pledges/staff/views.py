"""The campaign team's work queue: approve officials, verify pledges, see overdue reports,
export. Campaign admins only (``staff_required``: with STAFF_REQUIRE_MFA on, staff without a
second factor are sent to set one up).

Every change goes through the services, one item at a time, each in its own transaction:
a bulk action reports how many succeeded and which failed and why.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.access import staff_required
from accounts.models import Membership, MunicipalityRequest
from accounts.place_names import country_name
from accounts.services import email_domain_matches
from campaign.bulk import run_each
from campaign.models import Campaign
from pledges import queries, services
from pledges.learning.staff import moderation as learning_moderation
from pledges.models import Pledge
from pledges.staff import exports
from pledges.staff.forms import (
    MembershipSelectionForm,
    MunicipalityAddForm,
    MunicipalityMergeForm,
    OverdueFilterForm,
    PledgeFilterForm,
    PledgeSelectionForm,
    ReasonForm,
)


def _checked(form) -> set[str]:
    """Rows ticked before a failed submission stay ticked."""
    return set(form.data.getlist("selected")) if form.is_bound else set()


# --- dashboard --------------------------------------------------------------------------


@staff_required
def dashboard(request):
    return render(
        request,
        "staff/dashboard.html",
        {
            "counts": queries.queue_counts(),
            "campaigns": Campaign.objects.order_by("title"),
            "local_actions_waiting": learning_moderation.waiting_count(),
        },
    )


# --- membership requests ----------------------------------------------------------------


def _membership_rows(memberships, refuse_forms):
    rows = []
    for membership in memberships:
        letter_url = reverse("accounts:membership_letter", args=[membership.pk]) if membership.evidence_letter else ""
        rows.append(
            {
                "membership": membership,
                "domain_matches": bool(membership.evidence_email)
                and email_domain_matches(membership.evidence_email, membership.municipality),
                "evidence_confirmed": bool(membership.evidence_email)
                and getattr(membership, "evidence_confirmed", False),
                "letter_url": letter_url,
                "refuse_form": refuse_forms.get(membership.pk) or ReasonForm(prefix=f"refuse-{membership.pk}"),
            }
        )
    return rows


def _render_memberships(request, *, bulk_form=None, refuse_forms=None, status=200):
    memberships = list(queries.pending_memberships())
    bulk_form = bulk_form or MembershipSelectionForm()
    return render(
        request,
        "staff/memberships.html",
        {
            "rows": _membership_rows(memberships, refuse_forms or {}),
            "bulk_form": bulk_form,
            "checked": _checked(bulk_form),
            "counts": queries.queue_counts(),
        },
        status=status,
    )


@staff_required
def memberships(request):
    return _render_memberships(request)


@staff_required
@require_POST
def memberships_approve(request):
    form = MembershipSelectionForm(request.POST)
    if not form.is_valid():
        return _render_memberships(request, bulk_form=form, status=400)
    run_each(
        request,
        form.cleaned_data["selected"],
        lambda m: account_services.membership_approve(actor=request.user, membership=m),
        describe=lambda m: f"{m.user.email} – {m.municipality.name}",
        done_message=lambda n: (
            ngettext("%(count)d request approved.", "%(count)d requests approved.", n) % {"count": n}
        ),
    )
    return redirect("staff:memberships")


@staff_required
@require_POST
def membership_refuse(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "municipality"), pk=pk)
    form = ReasonForm(request.POST, prefix=f"refuse-{pk}")
    if form.is_valid():
        try:
            account_services.membership_refuse(
                actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                form.add_error("reason", exc.error_dict["reason"])
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The request of %(user)s for %(municipality)s is refused; they have been told why.")
                % {"user": membership.user.email, "municipality": membership.municipality.name},
            )
            return redirect("staff:memberships")
    if membership.status != Membership.Status.REQUESTED:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("staff:memberships")
    return _render_memberships(request, refuse_forms={pk: form}, status=400)


# --- requests for missing municipalities ------------------------------------------------


def _municipality_request_rows(requests, bound: dict):
    """Each pending request with the places it may duplicate and its three forms (the one
    that failed, if any, bound and open)."""
    rows = []
    for place in requests:
        failed_kind, failed_form = bound.get(place.pk, ("", None))
        forms = {
            "add": MunicipalityAddForm(
                prefix=f"add-{place.pk}",
                initial={"time_zone": account_services.guess_time_zone(place.country, place.latitude, place.longitude)},
            ),
            "merge": MunicipalityMergeForm(prefix=f"merge-{place.pk}"),
            "refuse": ReasonForm(prefix=f"refuse-{place.pk}"),
        }
        if failed_form is not None:
            forms[failed_kind] = failed_form
        rows.append(
            {
                "request": place,
                "twins": list(account_services.municipality_request_twins(place)[:5]),
                "add_form": forms["add"],
                "merge_form": forms["merge"],
                "refuse_form": forms["refuse"],
                "open": failed_kind,
            }
        )
    return rows


def _render_municipality_requests(request, *, bound=None, status=200):
    requests = list(queries.pending_municipality_requests())
    return render(
        request,
        "staff/municipality_requests.html",
        {"rows": _municipality_request_rows(requests, bound or {}), "counts": queries.queue_counts()},
        status=status,
    )


@staff_required
def municipality_requests(request):
    return _render_municipality_requests(request)


def _decide_municipality_request(request, pk, kind, form_class, decide, done_message):
    """One decision on one request: the form, the service, its errors on the form."""
    place = get_object_or_404(MunicipalityRequest.objects.select_related("requested_by"), pk=pk)
    form = form_class(request.POST, prefix=f"{kind}-{pk}")
    if form.is_valid():
        try:
            result = decide(place, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, done_message(place, result))
            return redirect("staff:municipality_requests")
    if place.status != MunicipalityRequest.Status.REQUESTED:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect("staff:municipality_requests")
    return _render_municipality_requests(request, bound={pk: (kind, form)}, status=400)


@staff_required
@require_POST
def municipality_request_add(request, pk):
    return _decide_municipality_request(
        request,
        pk,
        "add",
        MunicipalityAddForm,
        lambda place, data: account_services.municipality_request_add(
            actor=request.user, request=place, time_zone=data["time_zone"]
        ),
        lambda place, municipality: (
            _("%(municipality)s has been added to the directory; %(user)s has been told and can ask to represent it.")
            % {"municipality": municipality.name, "user": place.requested_by.email}
        ),
    )


@staff_required
@require_POST
def municipality_request_merge(request, pk):
    return _decide_municipality_request(
        request,
        pk,
        "merge",
        MunicipalityMergeForm,
        lambda place, data: account_services.municipality_request_merge(
            actor=request.user, request=place, municipality=data["municipality"]
        ),
        lambda place, result: (
            _("The request for %(name)s now points to %(municipality)s; %(user)s has been told.")
            % {"name": place.name, "municipality": result.municipality.name, "user": place.requested_by.email}
        ),
    )


@staff_required
@require_POST
def municipality_request_refuse(request, pk):
    return _decide_municipality_request(
        request,
        pk,
        "refuse",
        ReasonForm,
        lambda place, data: account_services.municipality_request_refuse(
            actor=request.user, request=place, reason=data["reason"]
        ),
        lambda place, result: (
            _("The request for %(name)s is refused; %(user)s has been told why.")
            % {"name": place.name, "user": place.requested_by.email}
        ),
    )


# --- pledges waiting for verification ---------------------------------------------------


def _render_pledges(request, *, bulk_form=None, status=200):
    filter_form = PledgeFilterForm(request.GET or None, countries=queries.pledge_countries())
    pledges = list(queries.submitted_pledges(**filter_form.filters()))
    bulk_form = bulk_form or PledgeSelectionForm()
    return render(
        request,
        "staff/pledges.html",
        {
            "pledges": pledges,
            "filter_form": filter_form,
            "bulk_form": bulk_form,
            "checked": _checked(bulk_form),
            "counts": queries.queue_counts(),
        },
        status=status,
    )


@staff_required
def pledges(request):
    return _render_pledges(request)


@staff_required
@require_POST
def pledges_verify(request):
    form = PledgeSelectionForm(request.POST)
    if not form.is_valid():
        return _render_pledges(request, bulk_form=form, status=400)
    run_each(
        request,
        form.cleaned_data["selected"],
        lambda p: services.pledge_verify(actor=request.user, pledge=p),
        describe=lambda p: p.municipality.name,
        done_message=lambda n: (
            ngettext(
                "%(count)d pledge verified: it is public now.", "%(count)d pledges verified: they are public now.", n
            )
            % {"count": n}
        ),
    )
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("staff:pledges")


def _render_pledge_detail(request, pledge, *, reject_form=None, status=200):
    return render(
        request,
        "staff/pledge_detail.html",
        {
            "pledge": pledge,
            "country": country_name(pledge.municipality.country),
            "chosen": list(pledge.chosen.all()),
            "events": list(pledge.events.all()),
            "resolution_url": reverse("pledges:resolution", args=[pledge.pk]) if pledge.resolution else "",
            "reject_form": reject_form
            or ReasonForm(help_text=_("The city's officials receive it by email, in their language.")),
            "can_decide": pledge.status == Pledge.Status.SUBMITTED,
        },
        status=status,
    )


@staff_required
def pledge_detail(request, pk):
    try:
        pledge = queries.pledge_for_staff(pk)
    except Pledge.DoesNotExist as exc:
        raise Http404 from exc
    return _render_pledge_detail(request, pledge)


@staff_required
@require_POST
def pledge_reject(request, pk):
    try:
        pledge = queries.pledge_for_staff(pk)
    except Pledge.DoesNotExist as exc:
        raise Http404 from exc
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_reject(actor=request.user, pledge=pledge, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "reason" in exc.error_dict:
                form.add_error("reason", exc.error_dict["reason"])
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("The pledge of %(municipality)s is sent back; its officials have been told why.")
                % {"municipality": pledge.municipality.name},
            )
            return redirect("staff:pledges")
    return _render_pledge_detail(request, pledge, reject_form=form, status=400)


# --- overdue reports --------------------------------------------------------------------


@staff_required
def overdue(request):
    filter_form = OverdueFilterForm(request.GET or None, countries=queries.pledge_countries())
    rows = queries.overdue_reports(**filter_form.filters())
    emails = sorted({email for row in rows for email in row.official_emails})
    return render(
        request,
        "staff/overdue.html",
        {"rows": rows, "filter_form": filter_form, "emails": emails, "counts": queries.queue_counts()},
    )


# --- exports ----------------------------------------------------------------------------


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def export_pledges(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    content = exports.to_csv(exports.PLEDGE_HEADER, exports.pledge_rows(campaign))
    return _csv_response(content, exports.filename(campaign, "pledges", timezone.now().date()))


@staff_required
def export_reports(request, slug):
    campaign = get_object_or_404(Campaign, slug=slug)
    content = exports.to_csv(exports.REPORT_HEADER, exports.report_rows(campaign))
    return _csv_response(content, exports.filename(campaign, "reports", timezone.now().date()))

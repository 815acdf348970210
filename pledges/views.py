"""Signing pages of an official (namespace "pledges"). Thin: a form, a service call, and
PermissionDenied / ValidationError turned into 404 / form errors.

Deny by default: a pledge an official may not see answers 404, whatever id is tried.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.access import access_municipality_as_official, can_act_for, municipalities_of, verified_email_required
from campaign.models import Campaign
from campaign.storage import private_download

from . import rules, services
from .access import access_pledge_as_official, access_pledge_private
from .display import pledge_display
from .forms import PledgeForm, WithdrawForm
from .models import Pledge, PledgeCommitment

STATUS_BADGES = {
    Pledge.Status.DRAFT: "text-bg-secondary",
    Pledge.Status.SUBMITTED: "text-bg-info",
    Pledge.Status.VERIFIED: "text-bg-success",
    Pledge.Status.REJECTED: "text-bg-danger",
    Pledge.Status.WITHDRAWN: "text-bg-dark",
}


def report_url(pledge: Pledge) -> str:
    """Where the official files reports for a pledge."""
    return reverse("reports:index", kwargs={"pledge_pk": pledge.pk})


class OfficialMixin:
    """Signed in with a confirmed address: the one gate of officials' pages (accounts/access.py)."""

    @method_decorator(verified_email_required)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


# --- My pledges -------------------------------------------------------------------------


class MyPledgesView(OfficialMixin, TemplateView):
    template_name = "pledges/my_pledges.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        open_campaigns = list(Campaign.objects.filter(status=Campaign.Status.OPEN).order_by("-signing_opens", "pk"))
        municipalities = list(municipalities_of(self.request.user))
        pledges = Pledge.objects.select_related("campaign", "municipality").filter(municipality__in=municipalities)
        by_key = {(p.municipality_id, p.campaign_id): p for p in pledges}
        groups = []
        for municipality in municipalities:
            rows = []
            seen = set()
            for campaign in open_campaigns:
                rows.append(self._row(municipality, campaign, by_key.get((municipality.pk, campaign.pk))))
                seen.add(campaign.pk)
            # Pledges of campaigns that have closed since: reports may still be due.
            for (municipality_id, campaign_id), pledge in by_key.items():
                if municipality_id == municipality.pk and campaign_id not in seen:
                    rows.append(self._row(municipality, pledge.campaign, pledge))
            groups.append({"municipality": municipality, "rows": rows})
        context["groups"] = groups
        context["memberships_url"] = reverse("accounts:memberships")
        return context

    def _row(self, municipality, campaign, pledge):
        actions = []
        if pledge is None:
            if campaign.status == Campaign.Status.OPEN:
                actions.append(
                    (
                        _("Start the pledge"),
                        reverse("pledges:start", args=[campaign.slug, municipality.slug]),
                        "primary",
                    )
                )
        elif pledge.status == Pledge.Status.DRAFT:
            actions.append((_("Continue the draft"), reverse("pledges:edit", args=[pledge.pk]), "primary"))
        elif pledge.status == Pledge.Status.REJECTED:
            actions.append(
                (_("See why it was rejected and correct it"), reverse("pledges:edit", args=[pledge.pk]), "danger")
            )
        elif pledge.status == Pledge.Status.SUBMITTED:
            actions.append((_("See what you submitted"), reverse("pledges:preview", args=[pledge.pk]), "secondary"))
        elif pledge.status == Pledge.Status.VERIFIED:
            actions.append((_("File a progress report"), report_url(pledge), "primary"))
            actions.append(
                (_("View the public page"), reverse("cities:detail", args=[municipality.slug]), "outline-secondary")
            )
            actions.append((_("Pledge details"), reverse("pledges:preview", args=[pledge.pk]), "outline-secondary"))
        elif pledge.status == Pledge.Status.WITHDRAWN:
            actions.append((_("See the pledge"), reverse("pledges:preview", args=[pledge.pk]), "outline-secondary"))
        return {
            "campaign": campaign,
            "pledge": pledge,
            "badge": STATUS_BADGES.get(pledge.status, "text-bg-secondary") if pledge else "",
            "actions": actions,
        }


# --- Start ------------------------------------------------------------------------------


class PledgeStartView(OfficialMixin, View):
    """The entry point of a municipality's pledge for a campaign: explains, then opens the
    draft (POST), or leads to the pledge the municipality already has."""

    template_name = "pledges/pledge_start.html"

    def setup_objects(self, request, campaign_slug, municipality_slug):
        municipality = access_municipality_as_official(request.user, slug=municipality_slug)
        campaign = get_object_or_404(Campaign.objects.exclude(status=Campaign.Status.DRAFT), slug=campaign_slug)
        return campaign, municipality

    def get(self, request, campaign_slug, municipality_slug):
        campaign, municipality = self.setup_objects(request, campaign_slug, municipality_slug)
        pledge = Pledge.objects.filter(campaign=campaign, municipality=municipality).first()
        if pledge is not None:
            return redirect(_next_page(pledge))
        commitments = campaign.commitments.order_by("order", "code")
        return render(
            request,
            self.template_name,
            {
                "campaign": campaign,
                "municipality": municipality,
                "required": [c for c in commitments if c.is_required],
                "n_optional": sum(1 for c in commitments if not c.is_required),
            },
        )

    def post(self, request, campaign_slug, municipality_slug):
        campaign, municipality = self.setup_objects(request, campaign_slug, municipality_slug)
        try:
            pledge = services.pledge_start(actor=request.user, campaign=campaign, municipality=municipality)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("pledges:index")
        return redirect(_next_page(pledge))


def _next_page(pledge: Pledge) -> str:
    if pledge.is_editable:
        return reverse("pledges:edit", args=[pledge.pk])
    return reverse("pledges:preview", args=[pledge.pk])


# --- Edit -------------------------------------------------------------------------------


class PledgeEditView(OfficialMixin, View):
    template_name = "pledges/pledge_form.html"

    def commitments(self, pledge):
        return pledge.campaign.commitments.order_by("order", "code")

    def render_form(self, request, pledge, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "pledge": pledge,
                "form": form,
                "themes": form.themes(),
                "badge": STATUS_BADGES.get(pledge.status),
                "resolution_url": reverse("pledges:resolution", args=[pledge.pk]) if pledge.resolution else "",
            },
            status=status,
        )

    def get(self, request, pk):
        pledge = access_pledge_as_official(request.user, pk)
        if not pledge.is_editable:
            return redirect("pledges:preview", pk=pledge.pk)
        form = PledgeForm(initial=PledgeForm.initial_for(pledge), commitments=self.commitments(pledge), pledge=pledge)
        return self.render_form(request, pledge, form)

    def post(self, request, pk):
        pledge = access_pledge_as_official(request.user, pk)
        if not pledge.is_editable:
            messages.error(request, _("This pledge has been submitted and can no longer be edited."))
            return redirect("pledges:preview", pk=pledge.pk)
        form = PledgeForm(request.POST, request.FILES, commitments=self.commitments(pledge), pledge=pledge)
        if form.is_valid():
            try:
                pledge = services.pledge_save_draft(
                    actor=request.user,
                    pledge=pledge,
                    signatory_name=form.cleaned_data["signatory_name"],
                    signatory_title=form.cleaned_data["signatory_title"],
                    council_decision_date=form.cleaned_data["council_decision_date"],
                    statement=form.cleaned_data["statement"],
                    statement_language=form.cleaned_data.get("statement_language"),
                    chosen=form.chosen_commitments(),
                    resolution=form.cleaned_data.get("resolution") or None,
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                if "preview" in request.POST:
                    return redirect("pledges:preview", pk=pledge.pk)
                messages.success(request, _("Your draft has been saved."))
                return redirect("pledges:edit", pk=pledge.pk)
        return self.render_form(request, pledge, form, status=400)


# --- Preview, submit --------------------------------------------------------------------


class PledgePreviewView(OfficialMixin, View):
    """The pledge as its public profile will show it, with what is missing and the submit
    button. Also the page of a submitted, verified or withdrawn pledge for its officials
    (and for campaign admins, read-only)."""

    template_name = "pledges/pledge_preview.html"

    def get(self, request, pk):
        pledge = access_pledge_private(request.user, pk)
        pledge = (
            Pledge.objects.select_related("campaign", "municipality")
            .prefetch_related(
                Prefetch(
                    "chosen",
                    queryset=PledgeCommitment.objects.select_related("commitment").order_by(
                        "commitment__order", "commitment__code"
                    ),
                )
            )
            .get(pk=pledge.pk)
        )
        is_official = can_act_for(request.user, pledge.municipality_id)
        missing = services.pledge_missing_for_submission(pledge) if pledge.is_editable else []
        return render(
            request,
            self.template_name,
            {
                "pledge": pledge,
                "item": pledge_display(pledge, with_reports=rules.is_public(pledge)),
                "is_official": is_official,
                "missing": missing,
                "can_submit": is_official and pledge.is_editable and not missing,
                "can_withdraw": is_official and pledge.status in (Pledge.Status.SUBMITTED, Pledge.Status.VERIFIED),
                "badge": STATUS_BADGES.get(pledge.status),
                "resolution_url": reverse("pledges:resolution", args=[pledge.pk]) if pledge.resolution else "",
                "report_url": report_url(pledge) if pledge.status == Pledge.Status.VERIFIED else "",
            },
        )


class PledgeSubmitView(OfficialMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        pledge = access_pledge_as_official(request.user, pk)
        try:
            services.pledge_submit(actor=request.user, pledge=pledge)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("pledges:preview", pk=pledge.pk)
        messages.success(
            request,
            _("Thank you. Your pledge has been sent to the campaign team, who will check it and let you know."),
        )
        return redirect("pledges:preview", pk=pledge.pk)


# --- Withdraw ---------------------------------------------------------------------------


class PledgeWithdrawView(OfficialMixin, View):
    template_name = "pledges/pledge_withdraw.html"

    def get_pledge(self, request, pk):
        pledge = access_pledge_as_official(request.user, pk)
        if pledge.status not in (Pledge.Status.SUBMITTED, Pledge.Status.VERIFIED):
            messages.error(request, _("Only a submitted or verified pledge can be withdrawn."))
            return pledge, redirect("pledges:preview", pk=pledge.pk)
        return pledge, None

    def get(self, request, pk):
        pledge, response = self.get_pledge(request, pk)
        if response:
            return response
        return render(request, self.template_name, {"pledge": pledge, "form": WithdrawForm()})

    def post(self, request, pk):
        pledge, response = self.get_pledge(request, pk)
        if response:
            return response
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.pledge_withdraw(actor=request.user, pledge=pledge, reason=form.cleaned_data["reason"])
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your pledge has been withdrawn."))
                return redirect("pledges:preview", pk=pledge.pk)
        return render(request, self.template_name, {"pledge": pledge, "form": form}, status=400)


# --- Resolution download ----------------------------------------------------------------


class ResolutionDownloadView(OfficialMixin, View):
    """The council resolution, from private storage, for the city's officials and campaign admins."""

    def get(self, request, pk):
        pledge = access_pledge_private(request.user, pk)
        if not pledge.resolution:
            raise Http404
        filename = f"resolution-{pledge.municipality.slug}-{pledge.campaign.slug}.pdf"
        try:
            services.record_document_download(actor=request.user, pledge=pledge)
            return private_download(pledge.resolution, filename)
        except PermissionDenied as exc:
            raise Http404 from exc
        except FileNotFoundError as exc:
            raise Http404 from exc

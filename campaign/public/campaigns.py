from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.views.generic import DetailView, ListView, TemplateView

from accounts.access import is_campaign_admin
from campaign.models import Campaign, Commitment, ReportingPeriod, public_campaigns

from .event_views import home_events

# The generic views are generic in django-stubs only; at run time they take no type arguments.
if TYPE_CHECKING:
    _CampaignListView = ListView[Campaign]
    _CampaignDetailView = DetailView[Campaign]
else:
    _CampaignListView = ListView
    _CampaignDetailView = DetailView


def campaigns_for(user: AbstractUser | AnonymousUser | None = None) -> QuerySet[Campaign]:
    """The public campaigns; campaign admins also preview drafts here."""
    return Campaign.objects.all() if is_campaign_admin(user) else public_campaigns()


class HomeView(TemplateView):
    template_name = "public/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["open_campaigns"] = (
            Campaign.objects.filter(status=Campaign.Status.OPEN)
            .annotate(
                n_commitments=Count("commitments", distinct=True),
                n_required=Count("commitments", filter=Q(commitments__is_required=True), distinct=True),
            )
            .order_by("-signing_opens", "-created")
        )
        context.update(home_events())
        return context


class CampaignListView(_CampaignListView):
    template_name = "public/campaign_list.html"
    context_object_name = "campaigns"

    def get_queryset(self) -> QuerySet[Campaign]:
        return (
            campaigns_for(self.request.user)
            .annotate(n_commitments=Count("commitments", distinct=True))
            .order_by("status", "-signing_opens", "-created")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        campaigns = list(context["campaigns"])
        context["open_campaigns"] = [c for c in campaigns if c.status == Campaign.Status.OPEN]
        context["other_campaigns"] = [c for c in campaigns if c.status != Campaign.Status.OPEN]
        return context


class CampaignDetailView(_CampaignDetailView):
    template_name = "public/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaigns_for(self.request.user).prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("order", "code")),
            Prefetch("periods", queryset=ReportingPeriod.objects.order_by("opens")),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        campaign = self.object
        today = date.today()
        commitments = list(campaign.commitments.all())
        themes = []
        for value, label in Commitment.Theme.choices:
            in_theme = [c for c in commitments if c.theme == value]
            if in_theme:
                themes.append({"value": value, "label": label, "commitments": in_theme})
        periods = [{"period": p, "state": p.status_on(today)} for p in campaign.periods.all()]
        context.update(
            themes=themes,
            n_commitments=len(commitments),
            n_required=sum(1 for c in commitments if c.is_required),
            periods=periods,
            current_period=next((p["period"] for p in periods if p["state"] == "open"), None),
            signing_open=campaign.is_signing_open(today),
            reminders_before=campaign.reminders_before(),
            reminders_after=campaign.reminders_after(),
        )
        return context

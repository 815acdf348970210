"""Campaign admin of local actions and peer learning.

Campaign events are edited here, in every site language. Everything else is written by the
services (pledges/learning/services/) and only read here: a local action's moderation goes
through the moderation pages (learning_staff:action); the one field an admin may change here
is the event an action was presented at.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from campaign.admin_base import ReadOnlyAdmin, StaffAdminMixin, StaffEditableMixin

from .models import CampaignEvent, ExchangeRequest, HistoryEntry, LocalAction, Partnership, PeerReview

ACTION_FIELDS = (
    "moderation_link",
    "campaign",
    "municipality",
    "language",
    "title",
    "summary",
    "description",
    "status",
    "started_on",
    "ended_on",
    "commitments",
    "gcm_objectives",
    "sdg_targets",
    "audiences",
    "budget",
    "budget_currency",
    "funding_sources",
    "partners",
    "results",
    "links",
    "contact_role",
    "event",
    "state",
    "return_reason",
    "submitted_at",
    "published_at",
    "moderated_by",
    "moderated_at",
    "created_by",
    "created_at",
    "updated_at",
)


@admin.register(CampaignEvent)
class CampaignEventAdmin(StaffEditableMixin, TranslationAdmin):
    list_display = ["title", "campaign", "kind", "starts_on", "ends_on", "place", "is_public"]
    list_filter = ["campaign", "kind", "is_public"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_on"
    fields = ["campaign", "kind", "title", "description", "starts_on", "ends_on", "place", "url", "is_public"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # a typed "forum.example.org" is https
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(LocalAction)
class LocalActionAdmin(StaffAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "municipality",
        "campaign",
        "state",
        "language",
        "published_at",
        "n_exchanges",
        "n_accepted",
        "moderation_link",
    ]
    list_filter = ["state", "campaign", "status", "language"]
    search_fields = ["title", "summary", "municipality__name"]
    list_select_related = ["municipality", "campaign"]
    fields = ACTION_FIELDS
    readonly_fields = tuple(name for name in ACTION_FIELDS if name != "event")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_exchanges=Count("exchanges", distinct=True),
                n_accepted=Count(
                    "exchanges", filter=Q(exchanges__status=ExchangeRequest.Status.ACCEPTED), distinct=True
                ),
            )
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return True  # the event only: every other field is read-only

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            action_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            action = LocalAction.objects.filter(pk=action_id).only("campaign_id").first() if action_id else None
            if action is not None:
                kwargs["queryset"] = CampaignEvent.objects.filter(campaign_id=action.campaign_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("exchange requests"), ordering="n_exchanges")
    def n_exchanges(self, obj):
        return getattr(obj, "n_exchanges", None)

    @admin.display(description=_("accepted"), ordering="n_accepted")
    def n_accepted(self, obj):
        return getattr(obj, "n_accepted", None)

    @admin.display(description=_("moderation"))
    def moderation_link(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("learning_staff:action", args=[obj.pk]), _("Moderate"))


@admin.register(ExchangeRequest)
class ExchangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["action", "requester", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["action__title", "requester__name"]
    list_select_related = ["action", "requester"]


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ["proposer", "partner", "kind", "status", "campaign", "created_at"]
    list_filter = ["status", "kind", "campaign"]
    search_fields = ["proposer__name", "partner__name"]
    list_select_related = ["proposer", "partner", "campaign"]


@admin.register(PeerReview)
class PeerReviewAdmin(ReadOnlyAdmin):
    list_display = ["reviewed", "reviewer", "period", "status", "due_on", "published_at"]
    list_filter = ["status", "period__campaign"]
    search_fields = ["reviewer__name", "reviewed__municipality__name"]
    list_select_related = ["reviewed__municipality", "reviewer", "period"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "verb", "actor", "municipality", "local_action"]
    list_filter = ["verb"]
    search_fields = ["municipality__name", "local_action__title", "actor__email"]
    list_select_related = ["actor", "municipality", "local_action"]
    date_hierarchy = "at"

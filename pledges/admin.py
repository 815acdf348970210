"""Admin for pledges and reports. State changes still go through pledges/services.py:
the admin shows history read-only and its only action calls pledge_verify. Rejecting needs
a reason, so it lives in the staff work queue (/staff/pledges/<id>/). What officials
enter is shown, not edited: they change it through the site, which keeps the history."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.admin_base import ReadOnlyAdmin, ReadOnlyInline
from campaign.bulk import run_each

from . import services
from .models import Announcement, Pledge, PledgeCommitment, PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion


class PledgeCommitmentInline(ReadOnlyInline):
    model = PledgeCommitment
    fields = ["commitment", "target", "target_date"]
    readonly_fields = fields


class PledgeEventInline(ReadOnlyInline):
    model = PledgeEvent
    fields = ["created_at", "actor", "action", "report", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "campaign", "status", "signatory_name", "submitted_at", "verified_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["municipality__name", "municipality__ascii_name", "signatory_name"]
    list_select_related = ["municipality", "campaign"]
    date_hierarchy = "created_at"
    inlines = [PledgeCommitmentInline, PledgeEventInline]
    actions = ["verify_selected"]
    # The council resolution is private: a link to the view that checks who asks, never
    # the file's own address (private files have none).
    exclude = ["resolution"]
    readonly_fields = ["council_resolution"]

    @admin.display(description=_("council resolution (PDF)"))
    def council_resolution(self, obj):
        if not obj.resolution:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("pledges:resolution", args=[obj.pk]), _("Download"))

    @admin.action(description=_("Verify the selected pledges"))
    def verify_selected(self, request, queryset):
        run_each(
            request,
            queryset.select_related("municipality"),
            lambda pledge: services.pledge_verify(actor=request.user, pledge=pledge),
            describe=lambda pledge: pledge.municipality.name,
            done_message=lambda n: (
                ngettext("%(count)d pledge verified.", "%(count)d pledges verified.", n) % {"count": n}
            ),
        )


class ProgressUpdateInline(ReadOnlyInline):
    model = ProgressUpdate
    fields = ["chosen", "status", "narrative", "evidence_links", "figures"]
    readonly_fields = fields


class ReportVersionInline(ReadOnlyInline):
    model = ReportVersion
    fields = ["number", "submitted_at", "submitted_by", "content"]
    readonly_fields = fields


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "period", "status", "submitted_at", "is_late", "version"]
    list_filter = ["status", "is_late", "pledge__campaign", "period"]
    search_fields = ["pledge__municipality__name"]
    list_select_related = ["pledge__municipality", "pledge__campaign", "period"]
    inlines = [ProgressUpdateInline, ReportVersionInline]


@admin.register(PledgeEvent)
class PledgeEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "pledge", "action", "actor", "note"]
    list_filter = ["action", "pledge__campaign"]
    search_fields = ["pledge__municipality__name", "actor__email", "note"]
    list_select_related = ["pledge__municipality", "pledge__campaign", "actor"]
    date_hierarchy = "created_at"


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    """Written and sent from the staff pages (/staff/announcements/); here for the record."""

    list_display = ["subject", "campaign", "status", "total", "sent_count", "failed_count", "author", "created_at"]
    list_filter = ["status", "campaign", "language"]
    search_fields = ["subject", "body"]
    list_select_related = ["campaign", "author"]

"""Admin for pledges and reports. State changes still go through pledges/services.py:
the admin shows history read-only and its only action calls pledge_verify. Rejecting needs
a reason, so it lives in the staff work queue (/staff/pledges/<id>/). What officials
enter is shown, not edited: they change it through the site, which keeps the history."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Announcement, Pledge, PledgeCommitment, PledgeEvent, ProgressReport, ProgressUpdate, ReportVersion


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["municipality", "campaign", "status", "signatory_name", "submitted_at", "verified_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["municipality__name", "municipality__ascii_name", "signatory_name"]
    list_select_related = ["municipality", "campaign"]
    date_hierarchy = "created_at"
    inlines = [PledgeCommitmentInline, PledgeEventInline]
    actions = ["verify_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Verify the selected pledges"))
    def verify_selected(self, request, queryset):
        done, failed = 0, []
        for pledge in queryset.select_related("municipality"):
            try:
                services.pledge_verify(actor=request.user, pledge=pledge)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                failed.append(f"{pledge.municipality.name}: {reason}")
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d pledge verified.", "%(count)d pledges verified.", done) % {"count": done},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                _("Not verified: %(details)s") % {"details": "; ".join(failed)},
                messages.ERROR,
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
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["pledge", "period", "status", "submitted_at", "is_late", "version"]
    list_filter = ["status", "is_late", "pledge__campaign", "period"]
    search_fields = ["pledge__municipality__name"]
    list_select_related = ["pledge__municipality", "pledge__campaign", "period"]
    inlines = [ProgressUpdateInline, ReportVersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PledgeEvent)
class PledgeEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "pledge", "action", "actor", "note"]
    list_filter = ["action", "pledge__campaign"]
    search_fields = ["pledge__municipality__name", "actor__email", "note"]
    list_select_related = ["pledge__municipality", "pledge__campaign", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Written and sent from the staff pages (/staff/announcements/); here for the record."""

    list_display = ["subject", "campaign", "status", "total", "sent_count", "failed_count", "author", "created_at"]
    list_filter = ["status", "campaign", "language"]
    search_fields = ["subject", "body"]
    list_select_related = ["campaign", "author"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

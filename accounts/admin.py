from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign.admin_base import ReadOnlyAdmin, ReadOnlyInline, StaffAdminMixin, StaffEditableMixin
from campaign.bulk import run_each
from campaign.fields import LinesField

from . import services as membership_services
from .models import (
    Invitation,
    Membership,
    MembershipEvent,
    Municipality,
    MunicipalityName,
    MunicipalityRequest,
    User,
)
from .names import is_searchable, normalize


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "preferred_language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class LocalNamesField(forms.CharField):
    """``Municipality.local_names`` typed one a line, language code first: "fr: Turin"."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{code}: {name}" for code, name in value.items())
        return value

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        names = {}
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            code, colon, name = line.partition(":")
            code, name = code.strip().lower(), name.strip()
            if not colon or not code or not name:
                raise forms.ValidationError(
                    _("Write each name on its own line as a language code, a colon and the name, such as “fr: Turin”."),
                    code="invalid_line",
                )
            names[code] = name
        return names


class MunicipalityAdminForm(forms.ModelForm):
    """Checks what a hand-added place (a province, a metropolitan government) needs.

    The model's validators check the coordinates' ranges, the ISO country code and the
    IANA time zone; ``Municipality.clean`` refuses 0, 0 and a second place of the same kind
    and name in the same region.
    """

    alternate_names = LinesField(
        label=_("alternate names"),
        required=False,
        help_text=_("One a line: names in other languages and other spellings, such as “Malines”."),
    )
    local_names = LocalNamesField(
        label=_("names by language"),
        required=False,
        help_text=_(
            "One a line, a language code and the name: “fr: Turin”, “es: Turín”, “it: Torino”. The public "
            "pages show the reader's, with the one in the country's language beside it."
        ),
    )

    class Meta:
        model = Municipality
        fields = [
            "name",
            "ascii_name",
            "alternate_names",
            "kind",
            "slug",
            "country",
            "admin_region",
            "region_name",
            "local_names",
            "latitude",
            "longitude",
            "time_zone",
            "population",
            "geonames_id",
        ]

    def clean_country(self):
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean_time_zone(self):
        return (self.cleaned_data.get("time_zone") or "").strip()


@admin.register(Municipality)
class MunicipalityAdmin(StaffEditableMixin, admin.ModelAdmin):
    form = MunicipalityAdminForm
    list_display = [
        "name",
        "country",
        "admin_region",
        "region_name",
        "kind",
        "population",
        "geonames_id",
        "edited_by_admin",
    ]
    list_filter = ["kind", "country", "edited_by_admin", ("geonames_id", admin.EmptyFieldListFilter)]
    search_fields = ["name", "ascii_name", "slug", "region_name", "=geonames_id"]
    ordering = ["-population", "name"]
    readonly_fields = ["edited_by_admin", "created_at", "updated_at"]
    show_full_result_count = False
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("name", "ascii_name", "alternate_names", "local_names", "kind", "slug")}),
        (_("Where"), {"fields": ("country", "admin_region", "region_name", "latitude", "longitude", "time_zone")}),
        (_("Source"), {"fields": ("population", "geonames_id", "edited_by_admin", "created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Any spelling finds a place, as on the public site ("Malines" finds Mechelen)."""
        filtered = queryset  # already narrowed by the list filters
        queryset, may_have_duplicates = super().get_search_results(request, filtered, search_term)
        form = normalize(search_term)
        if is_searchable(form):
            matching = MunicipalityName.objects.filter(normalized_name__startswith=form).values("municipality_id")
            queryset |= filtered.filter(pk__in=matching)
        return queryset, may_have_duplicates

    def has_delete_permission(self, request, obj=None):
        # Memberships and pledges hang on a place: correct it, never delete it.
        return False

    def save_model(self, request, obj, form, change):
        # The GeoNames import leaves this place alone from now on.
        obj.edited_by_admin = True
        super().save_model(request, obj, form, change)


# --- Memberships, invitations and their history -----------------------------------------
# Decisions go through accounts.services: approving and revoking are admin actions here;
# refusing needs a reason the person will read, so it is done in the staff work queue.


class MembershipEventInline(ReadOnlyInline):
    model = MembershipEvent
    fk_name = "membership"
    fields = ["created_at", "action", "actor", "note"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]
    verbose_name_plural = _("history")


@admin.register(Membership)
class MembershipAdmin(StaffAdminMixin, admin.ModelAdmin):
    list_display = ["user", "user_email", "municipality", "role", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__full_name", "municipality__name", "municipality__ascii_name"]
    list_select_related = ["user", "municipality", "decided_by"]
    date_hierarchy = "requested_at"
    ordering = ["-requested_at"]
    actions = ["approve_selected", "revoke_selected"]
    inlines = [MembershipEventInline]
    fields = [
        "user",
        "municipality",
        "role",
        "status",
        "evidence_email",
        "letter",
        "evidence_note",
        "requested_at",
        "decided_at",
        "decided_by",
        "refusal_reason",
        "invited_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        # Memberships come from a request or an invitation, through the services.
        return False

    def has_delete_permission(self, request, obj=None):
        # Keep the history: revoke instead.
        return False

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description=_("letter of appointment (PDF)"))
    def letter(self, obj):
        if not obj.evidence_letter:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("accounts:membership_letter", args=[obj.pk]), _("Download"))

    @admin.action(description=_("Approve the selected requests"))
    def approve_selected(self, request, queryset):
        run_each(
            request,
            queryset.select_related("user", "municipality"),
            lambda m: membership_services.membership_approve(actor=request.user, membership=m),
            describe=str,
            done_message=lambda n: (
                ngettext("%(count)d request approved.", "%(count)d requests approved.", n) % {"count": n}
            ),
        )

    @admin.action(description=_("Revoke the selected memberships"))
    def revoke_selected(self, request, queryset):
        run_each(
            request,
            queryset.select_related("user", "municipality"),
            lambda m: membership_services.membership_revoke(actor=request.user, membership=m),
            describe=str,
            done_message=lambda n: (
                ngettext("%(count)d membership revoked.", "%(count)d memberships revoked.", n) % {"count": n}
            ),
        )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "municipality",
        "role",
        "is_handover",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["is_handover", "role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "municipality__name", "invited_by__email"]
    list_select_related = ["municipality", "invited_by"]
    ordering = ["-created_at"]
    # The token is a secret that only the invited person should hold.
    exclude = ["token"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "municipality", "actor", "membership", "note"]
    list_filter = ["action"]
    search_fields = ["municipality__name", "actor__email", "note"]
    list_select_related = ["municipality", "actor", "membership__user", "membership__municipality"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]


@admin.register(MunicipalityRequest)
class MunicipalityRequestAdmin(ReadOnlyAdmin):
    """Read-only: requests are decided in the work queue (Missing municipalities), where the
    services check, record and tell the requester."""

    list_display = ["created_at", "name", "country", "kind", "status", "requested_by", "decided_by", "municipality"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "requested_by__email", "source"]
    list_select_related = ["requested_by", "decided_by", "municipality"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]

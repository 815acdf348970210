from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Municipality, MunicipalityName, User
from .search import MIN_QUERY_LENGTH, normalize


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


class NameListField(forms.CharField):
    """A list of names, one a line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))


class MunicipalityAdminForm(forms.ModelForm):
    """Checks what a hand-added place (a province, a metropolitan government) needs.

    The model's validators check the coordinates' ranges, the ISO country code and the
    IANA time zone; ``Municipality.clean`` refuses 0, 0 and a second place of the same kind
    and name in the same region.
    """

    alternate_names = NameListField(
        label=_("alternate names"),
        required=False,
        help_text=_("One a line: names in other languages and other spellings, such as “Malines”."),
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
class MunicipalityAdmin(admin.ModelAdmin):
    form = MunicipalityAdminForm
    list_display = ["name", "country", "admin_region", "kind", "population", "geonames_id", "edited_by_admin"]
    list_filter = ["kind", "country", "edited_by_admin", ("geonames_id", admin.EmptyFieldListFilter)]
    search_fields = ["name", "ascii_name", "slug", "=geonames_id"]
    ordering = ["-population", "name"]
    readonly_fields = ["edited_by_admin", "created_at", "updated_at"]
    show_full_result_count = False
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("name", "ascii_name", "alternate_names", "kind", "slug")}),
        (_("Where"), {"fields": ("country", "admin_region", "latitude", "longitude", "time_zone")}),
        (_("Source"), {"fields": ("population", "geonames_id", "edited_by_admin", "created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        """Any spelling finds a place, as on the public site ("Malines" finds Mechelen)."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        form = normalize(search_term)
        if len(form) >= MIN_QUERY_LENGTH:
            matching = MunicipalityName.objects.filter(normalized_name__startswith=form).values("municipality_id")
            queryset |= self.model.objects.filter(pk__in=matching)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        # The GeoNames import leaves this place alone from now on.
        obj.edited_by_admin = True
        super().save_model(request, obj, form, change)

"""Campaign admin: the campaign's indicators, in every site language, on their own list and
inline under each commitment. A city's own indicators are listed too (read them, and remove
one that should not be there); cities write theirs through pledges/monitoring/services.py.

The code is checked like a commitment's: capital letters, digits and hyphens, unique within
the commitment (the model's constraint says so in the admin's form).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from campaign.admin import CommitmentAdmin, ListField
from campaign.admin_base import StaffEditableMixin
from campaign.models import COMMITMENT_CODE_RE, Commitment

from .models import Indicator

INDICATOR_FIELDS = [
    "commitment",
    "code",
    "kind",
    "unit",
    "higher_is_better",
    "order",
    "name",
    "guidance",
    "sdg_targets",
    "gcm_objectives",
]


def clean_indicator_code(value: str) -> str:
    code = (value or "").strip().upper()
    if code and not COMMITMENT_CODE_RE.match(code):
        raise ValidationError(_("Use capital letters, digits and hyphens only, for example ID-1."), code="invalid_code")
    return code


class IndicatorAdminForm(forms.ModelForm):
    sdg_targets = ListField(label=_("SDG targets"), help_text=_("Comma-separated, e.g. 10.7, 11.1"))
    gcm_objectives = ListField(
        item_type=int, label=_("GCM objectives"), help_text=_("Objective numbers of the Global Compact, e.g. 15, 16")
    )

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS

    def clean_code(self):
        return clean_indicator_code(self.cleaned_data.get("code"))

    def clean(self):
        cleaned = super().clean()
        commitment = cleaned.get("commitment")
        commitment_id = commitment.pk if commitment else self.instance.commitment_id
        code = cleaned.get("code")
        if commitment_id and code and self.instance.municipality_id is None:
            clash = Indicator.objects.filter(commitment_id=commitment_id, municipality__isnull=True, code__iexact=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "code",
                    ValidationError(
                        _("This commitment already has an indicator with the code %(code)s."),
                        code="duplicate_code",
                        params={"code": code},
                    ),
                )
        return cleaned


@admin.register(Indicator)
class IndicatorAdmin(StaffEditableMixin, TranslationAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "name", "commitment", "kind", "unit", "higher_is_better", "municipality", "order"]
    list_filter = ["commitment__campaign", "kind", ("municipality", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name_en", "name_fr", "name_es", "name_ar", "commitment__code"]
    list_select_related = ["commitment", "municipality"]
    readonly_fields = ["municipality", "language", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["commitment"]

    def get_fields(self, request, obj=None):
        return [*INDICATOR_FIELDS, *self.readonly_fields]


class IndicatorInline(StaffEditableMixin, TranslationStackedInline):
    model = Indicator
    form = IndicatorAdminForm
    extra = 0
    fields = [
        ("code", "kind", "unit"),
        ("higher_is_better", "order"),
        "name",
        "guidance",
        ("sdg_targets", "gcm_objectives"),
    ]
    verbose_name = _("campaign indicator")
    verbose_name_plural = _("campaign indicators")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(municipality__isnull=True)


# The commitment's page gains its indicators inline (the campaign layer cannot name them).
admin.site.unregister(Commitment)


@admin.register(Commitment)
class CommitmentWithIndicatorsAdmin(CommitmentAdmin):
    inlines = [*CommitmentAdmin.inlines, IndicatorInline]

"""Campaign admin: campaigns with their commitments and reporting periods inline.

Validation lives on the models (clean) and, for what only the whole inline formset can
see (two new commitments with one code, two new periods that overlap), on the formsets.
Closing a campaign goes through `campaign.services.campaign_close`, from the form and from
the list's action alike.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from campaign.admin_base import StaffEditableMixin
from campaign.bulk import run_each

from .models import Campaign, Commitment, ReportingPeriod
from .services import campaign_close, campaign_open, campaign_to_draft, campaign_unverified_pledge_count


class ListField(forms.CharField):
    """A JSON list edited as comma-separated values: "-30, -7, 7" or "10.7, 11.1"."""

    def __init__(self, *, item_type=str, **kwargs):
        self.item_type = item_type
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, list):
            return value
        items = [item for item in re.split(r"[,;\s]+", value or "") if item]
        if self.item_type is int:
            result = []
            for item in items:
                try:
                    result.append(int(item))
                except ValueError:
                    raise ValidationError(
                        _("“%(value)s” is not a whole number."), code="invalid", params={"value": item}
                    ) from None
            return result
        return items

    def has_changed(self, initial, data):
        try:
            return self.to_python(self.prepare_value(initial)) != self.to_python(data)
        except ValidationError:
            return True


class CampaignAdminForm(forms.ModelForm):
    reminder_offsets = ListField(
        item_type=int,
        label=_("Reminder offsets"),
        help_text=_(
            "Days relative to each due date, comma-separated: negative before, positive after. "
            "For example -30, -7, -1, 7, 30."
        ),
    )
    acknowledge_unverified = forms.BooleanField(
        required=False,
        label=_("I know that some pledges are not verified"),
        help_text=_("Only needed when you close a campaign whose pledges are not all verified."),
    )

    class Meta:
        model = Campaign
        # The admin builds the form from its fieldsets; this list is for the form used alone.
        fields = [
            "title",
            "slug",
            "slogan",
            "description",
            "status",
            "signing_opens",
            "signing_closes",
            "reporting_cadence",
            "reminder_offsets",
            "reports_need_review",
            "texts_adopted_on",
            "target_horizon_years",
        ]

    # Left empty, the sense limits of pledges' dates take the model's defaults.
    DEFAULTED_FIELDS = ("texts_adopted_on", "target_horizon_years")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED_FIELDS:
            if name in self.fields:
                self.fields[name].required = False
        self.unverified = campaign_unverified_pledge_count(campaign=self.instance) if self.instance.pk else 0
        if self.unverified:
            self.fields["acknowledge_unverified"].label = ngettext(
                "I know %(count)d pledge is not verified",
                "I know %(count)d pledges are not verified",
                self.unverified,
            ) % {"count": self.unverified}

    @property
    def closes_campaign(self) -> bool:
        previous = Campaign.objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
        return self.cleaned_data.get("status") == Campaign.Status.CLOSED and previous != Campaign.Status.CLOSED

    def clean(self):
        cleaned = super().clean()
        for name in self.DEFAULTED_FIELDS:
            if name in self.fields and cleaned.get(name) in (None, "") and not self.has_error(name):
                cleaned[name] = Campaign._meta.get_field(name).get_default()
        if self.instance.pk and self.closes_campaign and self.unverified and not cleaned.get("acknowledge_unverified"):
            self.add_error(
                "acknowledge_unverified",
                ngettext(
                    "%(count)d pledge of this campaign is not verified. Tick the box to close the campaign anyway.",
                    "%(count)d pledges of this campaign are not verified. Tick the box to close the campaign anyway.",
                    self.unverified,
                )
                % {"count": self.unverified},
            )
        return cleaned


class CommitmentAdminForm(forms.ModelForm):
    sdg_targets = ListField(label=_("SDG targets"), help_text=_("Comma-separated, e.g. 10.7, 11.1"))
    gcm_objectives = ListField(
        item_type=int, label=_("GCM objectives"), help_text=_("Objective numbers of the Global Compact, e.g. 15, 16")
    )
    nua_paragraphs = ListField(
        item_type=int, label=_("NUA paragraphs"), help_text=_("Paragraph numbers of the New Urban Agenda, e.g. 28")
    )

    class Meta:
        model = Commitment
        fields = [
            "campaign",
            "code",
            "theme",
            "order",
            "is_required",
            "title",
            "description",
            "sdg_targets",
            "gcm_objectives",
            "nua_paragraphs",
        ]

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()


class CommitmentInlineFormSet(BaseInlineFormSet):
    """Catches two commitments with one code in the same submission (the database cannot see them yet)."""

    def clean(self):
        # Before the formset's own unique check, so that the message names the code.
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            code = (form.cleaned_data.get("code") or "").upper()
            if not code:
                continue
            if code in seen:
                form.add_error(
                    "code",
                    ValidationError(
                        _("Two commitments have the code %(code)s: codes must be unique within a campaign."),
                        code="duplicate_code",
                        params={"code": code},
                    ),
                )
            seen[code] = form
        super().clean()


class ReportingPeriodInlineFormSet(BaseInlineFormSet):
    """Catches periods of one submission that overlap or share a label."""

    def clean(self):
        super().clean()
        periods = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            opens, due = form.cleaned_data.get("opens"), form.cleaned_data.get("due")
            if not opens or not due:
                continue
            for other_form, other_opens, other_due in periods:
                if opens <= other_due and other_opens <= due:
                    form.add_error(
                        None,
                        ValidationError(
                            _("This period overlaps the period %(other)s."),
                            code="overlap",
                            params={"other": other_form.cleaned_data.get("label_en") or other_opens},
                        ),
                    )
                    break
            periods.append((form, opens, due))
        labels = {}
        for form, _opens, _due in periods:
            for field in ReportingPeriod.label_fields():
                value = (form.cleaned_data.get(field) or "").strip().lower()
                if not value:
                    continue
                if (field, value) in labels:
                    form.add_error(field, _("Two periods have this label."))
                labels[(field, value)] = form


class CommitmentInline(TranslationStackedInline):
    model = Commitment
    form = CommitmentAdminForm
    formset = CommitmentInlineFormSet
    extra = 0
    fields = [
        ("code", "theme", "order", "is_required"),
        "title",
        "description",
        ("sdg_targets", "gcm_objectives", "nua_paragraphs"),
    ]
    ordering = ["order", "code"]


class ReportingPeriodInline(TranslationTabularInline):
    model = ReportingPeriod
    formset = ReportingPeriodInlineFormSet
    extra = 0
    fields = ["label", "opens", "due"]
    ordering = ["opens"]


@admin.register(Campaign)
class CampaignAdmin(StaffEditableMixin, TranslationAdmin):
    form = CampaignAdminForm
    list_display = ["title", "slug", "status", "signing_opens", "signing_closes", "reporting_cadence", "n_commitments"]
    list_filter = ["status", "reporting_cadence"]
    search_fields = ["title_en", "title_fr", "title_es", "slug", "description_en"]
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "signing_opens"
    inlines = [CommitmentInline, ReportingPeriodInline]
    actions = ["open_campaigns", "close_campaigns"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "slogan", "description"]}),
        (
            _("Signing and reporting"),
            {
                "fields": [
                    "status",
                    "acknowledge_unverified",
                    ("signing_opens", "signing_closes"),
                    "reporting_cadence",
                    "reminder_offsets",
                    "reports_need_review",
                    ("texts_adopted_on", "target_horizon_years"),
                ]
            },
        ),
        (_("History"), {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_commitments=Count("commitments", distinct=True))

    @admin.display(description=_("commitments"), ordering="_n_commitments")
    def n_commitments(self, obj):
        return obj._n_commitments

    def get_readonly_fields(self, request, obj=None):
        # A new campaign starts as a draft; it opens and closes through the services
        # (the status box of the change form, and the actions).
        return [*super().get_readonly_fields(request, obj), *([] if obj else ["status"])]

    def save_model(self, request, obj, form, change):
        """Everything but the status is saved as typed; a new status goes through
        campaign_open or campaign_close, which check, lock and record it."""
        wanted = obj.status
        if change:
            obj.status = Campaign.objects.values_list("status", flat=True).get(pk=obj.pk)
        else:
            obj.status = Campaign.Status.DRAFT
        super().save_model(request, obj, form, change)
        form.status_wanted = wanted  # on the form, not on this admin, which all requests share

    def save_related(self, request, form, formsets, change):
        # After the inlines: opening needs the campaign's commitments saved.
        super().save_related(request, form, formsets, change)
        campaign, wanted = form.instance, getattr(form, "status_wanted", form.instance.status)
        if wanted == campaign.status:
            return
        try:
            if wanted == Campaign.Status.OPEN:
                changed = campaign_open(actor=request.user, campaign=campaign)
            elif wanted == Campaign.Status.CLOSED:
                changed = campaign_close(
                    actor=request.user,
                    campaign=campaign,
                    acknowledge_unverified=form.cleaned_data.get("acknowledge_unverified", False),
                )
            else:
                changed = campaign_to_draft(actor=request.user, campaign=campaign)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            campaign.status = changed.status

    @admin.action(description=_("Open the selected campaigns for signing"), permissions=["change"])
    def open_campaigns(self, request, queryset):
        run_each(
            request,
            queryset,
            lambda campaign: campaign_open(actor=request.user, campaign=campaign),
            describe=str,
            done_message=lambda n: (
                ngettext("%(count)d campaign is open for signing.", "%(count)d campaigns are open for signing.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Close the selected campaigns"), permissions=["change"])
    def close_campaigns(self, request, queryset):
        rows = [(campaign, campaign_unverified_pledge_count(campaign=campaign)) for campaign in queryset]
        if request.POST.get("confirm") == "yes":
            for campaign, _unverified in rows:
                acknowledged = request.POST.get(f"acknowledge_{campaign.pk}") == "on"
                try:
                    campaign_close(actor=request.user, campaign=campaign, acknowledge_unverified=acknowledged)
                except ValidationError as error:
                    self.message_user(request, f"{campaign}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    self.message_user(request, _("%(campaign)s is closed.") % {"campaign": campaign}, messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "campaign/admin/close_campaigns.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Close campaigns"),
                "opts": self.model._meta,
                "rows": rows,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "close_campaigns",
            },
        )


@admin.register(Commitment)
class CommitmentAdmin(StaffEditableMixin, TranslationAdmin):
    form = CommitmentAdminForm
    list_display = ["code", "title", "campaign", "theme", "is_required", "order", "frameworks"]
    list_filter = ["campaign", "theme", "is_required"]
    list_editable = ["order"]
    search_fields = ["code", "title_en", "title_fr", "title_es", "description_en"]
    list_select_related = ["campaign"]
    ordering = ["campaign", "order", "code"]

    @admin.display(description=_("SDG / GCM / NUA"))
    def frameworks(self, obj):
        return format_html_join(
            " ",
            '<a href="{}" title="{}">{}</a>',
            ((b["url"], b["title"], b["label"]) for b in obj.badges),
        ) or format_html("<span>{}</span>", "—")

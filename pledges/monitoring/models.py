"""Indicators with baselines, targets and values, and the means of implementation.

- An ``Indicator`` belongs to a commitment. The campaign's own (``municipality`` empty) are
  offered to every city that chose the commitment; a city may add its own to a commitment it
  chose (``municipality`` set, written in one ``language``).
- An ``IndicatorTarget`` is one city's baseline and target for one indicator of a chosen
  commitment; an ``IndicatorValue`` is the value a report gives for its period.
- ``MeansOfImplementation``: the budget, staff, lead department, partners and the support
  the city needs for one chosen commitment, entered when signing, updated with each report.

Writes go through pledges/monitoring/services.py; the rules of progress (on track or not)
live in pledges/monitoring/progress.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign.models import validate_gcm_objectives, validate_sdg_targets
from pledges.models import PledgeCommitment, ProgressUpdate

VALUE_DIGITS = 20  # up to 16 digits before the decimal point
VALUE_DECIMALS = 4


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", _("Count")
        PERCENTAGE = "percentage", _("Percentage")
        AMOUNT = "amount", _("Amount of money")
        YES_NO = "yes_no", _("Yes or no")

    commitment = models.ForeignKey(
        "campaign.Commitment", on_delete=models.CASCADE, related_name="indicators", verbose_name=_("commitment")
    )
    # Empty: the campaign's indicator. Set: the city's own, seen only with its pledge.
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="own_indicators",
        verbose_name=_("municipality"),
        help_text=_("Empty for the campaign's indicators; set for an indicator a city added itself."),
    )
    code = models.CharField(
        _("code"), max_length=32, help_text=_("Short and stable, unique within the commitment, for example ID-1.")
    )
    name = models.CharField(_("name"), max_length=200)
    guidance = models.TextField(_("help text"), blank=True, help_text=_("How to count it, and where from."))
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("For example people, hours, forms."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COUNT)
    higher_is_better = models.BooleanField(
        _("higher is better"), default=True, help_text=_("Untick when progress means a lower value.")
    )
    gcm_objectives = models.JSONField(
        _("Global Compact for Migration objectives"),
        default=list,
        blank=True,
        validators=[validate_gcm_objectives],
        help_text=_("Objective numbers, 1 to 23, e.g. 15, 16"),
    )
    sdg_targets = models.JSONField(
        _("SDG targets"), default=list, blank=True, validators=[validate_sdg_targets], help_text=_("e.g. 10.7, 11.1")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # The language a city's own indicator is written in (a site language); blank for the
    # campaign's, which are translated.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["commitment__order", "municipality_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "code"],
                condition=Q(municipality__isnull=True),
                name="indicator_code_unique_per_commitment",
                violation_error_message=_("This commitment already has an indicator with this code."),
            ),
            models.UniqueConstraint(
                fields=["commitment", "municipality", "code"],
                condition=Q(municipality__isnull=False),
                name="own_indicator_code_unique_per_city",
                violation_error_message=_("Your city already has an indicator with this code on this commitment."),
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    @property
    def is_own(self) -> bool:
        return self.municipality_id is not None


class IndicatorTarget(models.Model):
    """One city's baseline and target for one indicator of a commitment it chose."""

    chosen = models.ForeignKey(
        PledgeCommitment,
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        verbose_name=_("chosen commitment"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    # For an amount of money: the city's currency (ISO 4217) when the target was set.
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("baseline and target")
        verbose_name_plural = _("baselines and targets")
        constraints = [
            models.UniqueConstraint(fields=["chosen", "indicator"], name="indicator_target_once_per_commitment")
        ]

    def __str__(self):
        return f"{self.chosen} – {self.indicator.code}"


class IndicatorValue(models.Model):
    """The value one report gives for one indicator, for the report's period."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="indicator_values", verbose_name=_("progress update")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["update", "indicator"], name="indicator_value_once_per_update")]

    def __str__(self):
        return f"{self.update} – {self.indicator.code}: {self.value}"


class MeansOfImplementation(models.Model):
    """What a city puts behind one chosen commitment, and what support it needs."""

    class PartnerKind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        MIGRANT_ORGANISATIONS = "migrant_organisations", _("Migrant organisations")
        NATIONAL_AGENCIES = "national_agencies", _("National agencies")
        INTERNATIONAL_ORGANISATIONS = "international_organisations", _("International organisations")
        OTHER_CITIES = "other_cities", _("Other cities")

    class SupportKind(models.TextChoices):
        RESOURCES = "resources", _("Resources")
        TOOLS = "tools", _("Tools")
        PARTNERSHIPS = "partnerships", _("Partnerships")

    chosen = models.OneToOneField(
        PledgeCommitment, on_delete=models.CASCADE, related_name="means", verbose_name=_("chosen commitment")
    )
    budget_amount = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    staff_fte = models.DecimalField(
        _("staff (full-time equivalents)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    lead_department = models.CharField(_("lead department"), max_length=200, blank=True)
    # {partner kind: [names]}, keys from PartnerKind.
    partners = models.JSONField(_("partners"), default=dict, blank=True)
    # [support kind], values from SupportKind.
    support_needed = models.JSONField(_("support needed"), default=list, blank=True)
    support_details = models.TextField(_("about the support needed"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("means of implementation")
        verbose_name_plural = _("means of implementation")

    def __str__(self):
        return f"{self.chosen} (means)"

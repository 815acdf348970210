"""Campaigns, the commitments a city can pledge, and the periods in which it reports.

Titles, descriptions and period labels are translated with django-modeltranslation
(see translation.py): `title_en`, `title_fr`, `title_es` and so on, and `title` reads the
visitor's language with a fallback to English.
"""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

REMINDER_OFFSET_LIMIT = 365

SDG_TARGET_RE = re.compile(r"^(?P<goal>\d{1,2})\.(?:\d{1,2}|[a-c])$")
GCM_OBJECTIVES = range(1, 24)  # the Global Compact for Migration has 23 objectives
NUA_PARAGRAPHS = range(1, 176)  # the New Urban Agenda has 175 paragraphs
COMMITMENT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")

# The Mechelen Declaration, the text the pledge builds on, came out of the Global Conference
# on Cities and Migration held in Mechelen on 16 and 17 November 2017.
MECHELEN_DECLARATION_DATE = date(2017, 11, 16)
DEFAULT_TARGET_HORIZON_YEARS = 10
MAX_TARGET_HORIZON_YEARS = 50


def validate_reminder_offsets(value):
    """A list of whole days relative to a due date: negative before, positive after."""
    if not isinstance(value, list):
        raise ValidationError(_("Reminder offsets must be a list of whole numbers of days."), code="not_a_list")
    errors = []
    seen = set()
    for offset in value:
        if isinstance(offset, bool) or not isinstance(offset, int):
            errors.append(
                ValidationError(
                    _("“%(value)s” is not a whole number of days."), code="not_an_integer", params={"value": offset}
                )
            )
            continue
        if offset == 0:
            errors.append(
                ValidationError(
                    _(
                        "A reminder cannot be sent zero days from the due date: use a negative number for before, "
                        "a positive number for after."
                    ),
                    code="zero",
                )
            )
        elif abs(offset) > REMINDER_OFFSET_LIMIT:
            errors.append(
                ValidationError(
                    _("%(value)s days is too far from the due date: stay within %(limit)s days before or after."),
                    code="out_of_range",
                    params={"value": offset, "limit": REMINDER_OFFSET_LIMIT},
                )
            )
        if offset in seen:
            errors.append(
                ValidationError(_("The offset %(value)s appears twice."), code="duplicate", params={"value": offset})
            )
        seen.add(offset)
    if errors:
        raise ValidationError(errors)


def validate_sdg_targets(value):
    if not isinstance(value, list):
        raise ValidationError(_("SDG targets must be a list such as 10.7, 11.1."), code="not_a_list")
    for target in value:
        match = SDG_TARGET_RE.match(str(target))
        if not isinstance(target, str) or not match or not 1 <= int(match["goal"]) <= 17:
            raise ValidationError(
                _("“%(value)s” is not an SDG target: write it like 10.7 or 16.b."),
                code="invalid_sdg",
                params={"value": target},
            )


def _validate_int_list(value, allowed: range, message):
    if not isinstance(value, list):
        raise ValidationError(message, code="not_a_list", params={"value": value})
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or item not in allowed:
            raise ValidationError(message, code="invalid", params={"value": item})


def validate_gcm_objectives(value):
    _validate_int_list(
        value, GCM_OBJECTIVES, _("“%(value)s” is not an objective of the Global Compact for Migration (1 to 23).")
    )


def validate_nua_paragraphs(value):
    _validate_int_list(value, NUA_PARAGRAPHS, _("“%(value)s” is not a paragraph of the New Urban Agenda (1 to 175)."))


def default_reminder_offsets():
    return [-30, -7, -1, 7, 30]


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for signing")
        CLOSED = "closed", _("Closed")

    # What the public sees: open and closed campaigns. A draft is the campaign team's own,
    # and so are the pledges made to it.
    PUBLIC_STATUSES = (Status.OPEN, Status.CLOSED)

    class Cadence(models.TextChoices):
        ANNUAL = "annual", _("Every year")
        SEMIANNUAL = "semiannual", _("Every six months")
        QUARTERLY = "quarterly", _("Every three months")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in the campaign's address."))
    slogan = models.CharField(_("slogan"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    signing_opens = models.DateField(_("signing opens"), null=True, blank=True)
    signing_closes = models.DateField(
        _("signing closes"), null=True, blank=True, help_text=_("Leave empty if cities may sign at any time.")
    )
    reporting_cadence = models.CharField(
        _("reporting cadence"), max_length=16, choices=Cadence.choices, default=Cadence.ANNUAL
    )
    texts_adopted_on = models.DateField(
        _("reference texts adopted on"),
        default=MECHELEN_DECLARATION_DATE,
        help_text=_(
            "The day the texts the pledge builds on were adopted (the Mechelen Declaration: 16 November 2017). "
            "A council decision dated earlier is refused."
        ),
    )
    target_horizon_years = models.PositiveSmallIntegerField(
        _("target horizon (years)"),
        default=DEFAULT_TARGET_HORIZON_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_HORIZON_YEARS)],
        help_text=_("Cities set each target date at most this many years ahead."),
    )
    reminder_offsets = models.JSONField(
        _("reminder offsets"),
        default=default_reminder_offsets,
        blank=True,
        validators=[validate_reminder_offsets],
        help_text=_(
            "Days relative to each due date on which signatories are reminded: negative before, positive after, "
            "for example -30, -7, -1, 7, 30."
        ),
    )
    reports_need_review = models.BooleanField(
        _("review reports before they are public"),
        default=False,
        help_text=_(
            "When ticked, a submitted report waits for a campaign admin, who publishes it or asks for changes. "
            "Otherwise reports are public as soon as they are submitted."
        ),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-signing_opens", "-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signing_closes__isnull=True)
                | Q(signing_opens__isnull=True)
                | Q(signing_closes__gte=F("signing_opens")),
                name="campaign_signing_window_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaign_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.signing_opens and self.signing_closes and self.signing_closes < self.signing_opens:
            raise ValidationError(
                {"signing_closes": _("The signing window cannot close before it opens.")}, code="window_order"
            )
        if isinstance(self.reminder_offsets, list):
            self.reminder_offsets = sorted(self.reminder_offsets, key=lambda v: (not isinstance(v, int), v))

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_signing_open(self, on: date | None = None) -> bool:
        on = on or date.today()
        if self.status != self.Status.OPEN:
            return False
        if self.signing_opens and on < self.signing_opens:
            return False
        return not (self.signing_closes and on > self.signing_closes)

    def reminders_before(self) -> list[int]:
        return sorted((-o for o in self.reminder_offsets if o < 0), reverse=True)

    def reminders_after(self) -> list[int]:
        return sorted(o for o in self.reminder_offsets if o > 0)


class Commitment(models.Model):
    class Theme(models.TextChoices):
        RIGHTS = "rights", _("Rights and non-discrimination")
        SERVICES = "services", _("Access to services")
        PROTECTION = "protection", _("Protection of women and children")
        PARTICIPATION = "participation", _("Participation and voice")
        NARRATIVE = "narrative", _("Positive narrative and social cohesion")
        DATA = "data", _("Local data")
        COORDINATION = "coordination", _("Coordination with national government")
        NETWORKS = "networks", _("City networks and decentralised cooperation")
        MEANS = "means", _("Means of implementation")
        MONITORING = "monitoring", _("Monitoring and evaluation")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("campaign")
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        help_text=_("Short and stable, unique within the campaign, for example RIGHTS-1."),
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    is_required = models.BooleanField(
        _("required"), default=False, help_text=_("Every signatory takes on a required commitment.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    sdg_targets = models.JSONField(
        _("SDG targets"), default=list, blank=True, validators=[validate_sdg_targets], help_text=_("e.g. 10.7, 11.1")
    )
    gcm_objectives = models.JSONField(
        _("Global Compact for Migration objectives"),
        default=list,
        blank=True,
        validators=[validate_gcm_objectives],
        help_text=_("Objective numbers, 1 to 23, e.g. 15, 16"),
    )
    nua_paragraphs = models.JSONField(
        _("New Urban Agenda paragraphs"),
        default=list,
        blank=True,
        validators=[validate_nua_paragraphs],
        help_text=_("Paragraph numbers, e.g. 28"),
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["campaign", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"],
                name="commitment_code_unique_per_campaign",
                violation_error_message=_("This campaign already has a commitment with this code."),
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.title}"

    def clean(self):
        super().clean()
        if self.code:
            self.code = self.code.strip().upper()
            if not COMMITMENT_CODE_RE.match(self.code):
                raise ValidationError(
                    {"code": _("Use capital letters, digits and hyphens only, for example RIGHTS-1.")},
                    code="invalid_code",
                )
            if self.campaign_id:
                clash = Commitment.objects.filter(campaign_id=self.campaign_id, code__iexact=self.code)
                if self.pk:
                    clash = clash.exclude(pk=self.pk)
                if clash.exists():
                    raise ValidationError(
                        {
                            "code": ValidationError(
                                _("This campaign already has a commitment with the code %(code)s."),
                                code="duplicate_code",
                                params={"code": self.code},
                            )
                        }
                    )

    @property
    def badges(self) -> list[dict]:
        """The global frameworks this commitment serves, as label, link and description."""
        badges = []
        for target in self.sdg_targets or []:
            goal = str(target).split(".")[0]
            badges.append(
                {
                    "kind": "sdg",
                    "label": f"SDG {target}",
                    "url": f"https://sdgs.un.org/goals/goal{goal}",
                    "title": _("Sustainable Development Goal target %(target)s") % {"target": target},
                }
            )
        for objective in self.gcm_objectives or []:
            badges.append(
                {
                    "kind": "gcm",
                    "label": f"GCM {objective}",
                    "url": "https://www.un.org/en/development/desa/population/migration/generalassembly/docs/"
                    "globalcompact/A_RES_73_195.pdf",
                    "title": _("Global Compact for Migration, objective %(number)s") % {"number": objective},
                }
            )
        for paragraph in self.nua_paragraphs or []:
            badges.append(
                {
                    "kind": "nua",
                    "label": f"NUA {paragraph}",
                    "url": "https://habitat3.org/the-new-urban-agenda/",
                    "title": _("New Urban Agenda, paragraph %(number)s") % {"number": paragraph},
                }
            )
        return badges


class ReportingPeriod(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="periods", verbose_name=_("campaign"))
    label = models.CharField(_("label"), max_length=80, help_text=_("For example 2026 or First half of 2026."))
    opens = models.DateField(_("opens"), help_text=_("From this day signatories can file their report."))
    due = models.DateField(_("due"), help_text=_("The report is late after this day."))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["campaign", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due__gt=F("opens")),
                name="reporting_period_due_after_opens",
                violation_error_message=_("A period must be due after it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.opens:%Y-%m-%d} – {self.due:%Y-%m-%d})" if self.opens and self.due else self.label

    def clean(self):
        super().clean()
        if self.opens and self.due and self.due <= self.opens:
            raise ValidationError({"due": _("The period must be due after it opens.")}, code="due_before_opens")
        if not self.campaign_id:
            return
        others = ReportingPeriod.objects.filter(campaign_id=self.campaign_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.opens and self.due:
            overlapping = others.filter(opens__lte=self.due, due__gte=self.opens).first()
            if overlapping:
                raise ValidationError(
                    _("This period overlaps the period %(other)s of the same campaign."),
                    code="overlap",
                    params={"other": overlapping.label},
                )
        for field in self.label_fields():
            value = (getattr(self, field, "") or "").strip()
            if value and others.filter(**{f"{field}__iexact": value}).exists():
                raise ValidationError(
                    {
                        field: ValidationError(
                            _("This campaign already has a period called “%(label)s”."),
                            code="duplicate_label",
                            params={"label": value},
                        )
                    }
                )

    @classmethod
    def label_fields(cls) -> list[str]:
        return [build_localized_fieldname("label", code) for code, _name in settings.LANGUAGES]

    def status_on(self, on: date | None = None) -> str:
        on = on or date.today()
        if on < self.opens:
            return "upcoming"
        if on <= self.due:
            return "open"
        return "past"


def public_campaigns() -> "models.QuerySet[Campaign]":
    """The campaigns the public sees (``Campaign.PUBLIC_STATUSES``): the one rule."""
    return Campaign.objects.filter(status__in=Campaign.PUBLIC_STATUSES)

"""Every write of monitoring goes through a function here: the means of implementation of a
chosen commitment, its baselines and targets, a city's own indicators, and (called by
``pledges.services.report_save``) the values and means a report carries.

Each function checks that the actor acts for the pledge's municipality (PermissionDenied),
validates with the rules below (ValidationError keyed by the form's field names, so that a
form shows each message beside its field), runs in one transaction with the pledge locked
and records what changed in the pledge's history. The forms ask the same ``*_errors``
functions first, so a rule lives once.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.access import require_official
from accounts.geo import local_today
from accounts.models import User
from accounts.place_names import currency_of
from campaign.models import COMMITMENT_CODE_RE
from campaign.writes import write_batch
from pledges.models import Pledge, PledgeCommitment, PledgeEvent, ProgressReport, ProgressUpdate
from pledges.validators import validate_target_date

from .models import Indicator, IndicatorTarget, IndicatorValue, MeansOfImplementation
from .values import amount_decimals, check_value, is_currency_code, to_plain

Errors = dict[str, list[ValidationError]]

MAX_PARTNERS_PER_KIND = 50
MAX_NAME_LENGTH = 200
MAX_SUPPORT_DETAILS = 2000
MAX_BUDGET = Decimal(10) ** 14
MAX_FTE = Decimal(100_000)
EARLIEST_BASELINE_YEAR = 1950
TRANSLATED_FIELDS = ("name", "guidance", "unit")


@dataclass(frozen=True)
class MeansInput:
    budget_amount: Decimal | None = None
    budget_currency: str = ""
    staff_fte: Decimal | None = None
    lead_department: str = ""
    partners: dict[str, list[str]] = field(default_factory=dict)
    support_needed: list[str] = field(default_factory=list)
    support_details: str = ""


@dataclass(frozen=True)
class TargetInput:
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    target_value: Decimal | None = None
    target_date: date | None = None


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    name: str
    kind: str = Indicator.Kind.COUNT
    unit: str = ""
    guidance: str = ""
    higher_is_better: bool = True
    language: str = ""


# --- reading ------------------------------------------------------------------------------


def indicators_for(chosen: PledgeCommitment) -> QuerySet[Indicator]:
    """The indicators a city reports on for a commitment it chose: the campaign's, then the
    city's own, each in their order."""
    return (
        Indicator.objects.filter(commitment_id=chosen.commitment_id)
        .filter(Q(municipality__isnull=True) | Q(municipality_id=chosen.pledge.municipality_id))
        .order_by(F("municipality_id").asc(nulls_first=True), "order", "code", "pk")
    )


def targets_of(chosen: PledgeCommitment) -> dict[int, IndicatorTarget]:
    """indicator id → the city's baseline and target, for one chosen commitment."""
    return {t.indicator_id: t for t in IndicatorTarget.objects.filter(chosen=chosen)}


def means_of(chosen: PledgeCommitment) -> MeansOfImplementation | None:
    return MeansOfImplementation.objects.filter(chosen=chosen).first()


def city_currency(chosen: PledgeCommitment) -> str:
    return currency_of(chosen.pledge.municipality)


def means_input_of(means: MeansOfImplementation | None) -> MeansInput:
    if means is None:
        return MeansInput()
    return MeansInput(
        budget_amount=means.budget_amount,
        budget_currency=means.budget_currency,
        staff_fte=means.staff_fte,
        lead_department=means.lead_department,
        partners={k: list(v) for k, v in (means.partners or {}).items()},
        support_needed=list(means.support_needed or []),
        support_details=means.support_details,
    )


def means_snapshot(means: MeansOfImplementation | None) -> dict[str, Any] | None:
    """The means as the frozen report content gives them (see pledges.services.report_snapshot)."""
    if means is None:
        return None
    return {
        "budget_amount": None if means.budget_amount is None else str(means.budget_amount),
        "budget_currency": means.budget_currency,
        "staff_fte": None if means.staff_fte is None else str(means.staff_fte),
        "lead_department": means.lead_department,
        "partners": {k: list(v) for k, v in (means.partners or {}).items()},
        "support_needed": list(means.support_needed or []),
        "support_details": means.support_details,
    }


# --- rules (the forms ask them too) -----------------------------------------------------------


def _add(errors: Errors, key: str, message: str, code: str) -> None:
    errors.setdefault(key, []).append(ValidationError(message, code=code))


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def clean_means(data: MeansInput) -> MeansInput:
    """The means with spaces trimmed, names de-duplicated and kinds in their order."""
    partners: dict[str, list[str]] = {}
    for kind, names in (data.partners or {}).items():
        seen: list[str] = []
        for name in names:
            name = " ".join((name or "").split())
            if name and name not in seen:
                seen.append(name)
        if seen:
            partners[kind] = seen
    support = [k for k in MeansOfImplementation.SupportKind.values if k in set(data.support_needed or [])]
    unknown_support = [k for k in data.support_needed or [] if k not in MeansOfImplementation.SupportKind.values]
    return MeansInput(
        budget_amount=data.budget_amount,
        budget_currency=(data.budget_currency or "").strip().upper(),
        staff_fte=data.staff_fte,
        lead_department=" ".join((data.lead_department or "").split()),
        partners=partners,
        support_needed=support + unknown_support,
        support_details=(data.support_details or "").strip(),
    )


def means_errors(data: MeansInput) -> Errors:
    """What is wrong with these means, by form field name."""
    errors: Errors = {}
    currency = (data.budget_currency or "").strip().upper()
    if currency and not is_currency_code(currency):
        _add(errors, "budget_currency", _("Choose a currency from the list (an ISO 4217 code such as EUR)."), "invalid")
    if data.budget_amount is not None:
        if data.budget_amount < 0:
            _add(errors, "budget_amount", _("A budget cannot be negative."), "negative")
        elif data.budget_amount >= MAX_BUDGET:
            _add(errors, "budget_amount", _("This number is too large."), "too_large")
        elif _places(data.budget_amount) > min(2, amount_decimals(currency)):
            _add(
                errors,
                "budget_amount",
                _("Give the budget with at most %(count)s decimals.") % {"count": min(2, amount_decimals(currency))},
                "too_many_decimals",
            )
        if not currency:
            _add(errors, "budget_currency", _("Choose the currency of the budget."), "required")
    if data.staff_fte is not None:
        if data.staff_fte < 0:
            _add(errors, "staff_fte", _("Staff cannot be negative."), "negative")
        elif data.staff_fte >= MAX_FTE:
            _add(errors, "staff_fte", _("This number is too large."), "too_large")
        elif _places(data.staff_fte) > 2:
            _add(
                errors,
                "staff_fte",
                _("Give full-time equivalents with at most 2 decimals, such as 1.5."),
                "too_many_decimals",
            )
    if len(data.lead_department or "") > MAX_NAME_LENGTH:
        _add(
            errors,
            "lead_department",
            _("Keep it to %(limit)s characters.") % {"limit": MAX_NAME_LENGTH},
            "too_long",
        )
    kinds = set(MeansOfImplementation.PartnerKind.values)
    for kind, names in (data.partners or {}).items():
        key = f"partners_{kind}"
        if kind not in kinds:
            _add(errors, "partners", _("Unknown kind of partner."), "invalid_kind")
            continue
        if len(names) > MAX_PARTNERS_PER_KIND:
            _add(
                errors,
                key,
                _("Name at most %(limit)s partners of each kind.") % {"limit": MAX_PARTNERS_PER_KIND},
                "too_many",
            )
        if any(len(name) > MAX_NAME_LENGTH for name in names):
            _add(
                errors,
                key,
                _("Keep each name to %(limit)s characters, one name a line.") % {"limit": MAX_NAME_LENGTH},
                "too_long",
            )
    if any(k not in MeansOfImplementation.SupportKind.values for k in data.support_needed or []):
        _add(errors, "support_needed", _("Choose the kinds of support from the list."), "invalid_choice")
    if len(data.support_details or "") > MAX_SUPPORT_DETAILS:
        _add(
            errors,
            "support_details",
            _("Keep it to %(limit)s characters.") % {"limit": MAX_SUPPORT_DETAILS},
            "too_long",
        )
    return errors


def target_errors(
    chosen: PledgeCommitment,
    indicator: Indicator,
    data: TargetInput,
    *,
    stored: IndicatorTarget | None = None,
    suffix: str = "",
) -> Errors:
    """What is wrong with one indicator's baseline and target, by form field name (each name
    ends with ``suffix``, "_<indicator id>" on the page)."""
    errors: Errors = {}
    pledge = chosen.pledge
    currency = currency_of(pledge.municipality)
    for name in ("baseline_value", "target_value"):
        value = getattr(data, name)
        if value is not None:
            try:
                check_value(indicator, value, currency=currency)
            except ValidationError as exc:
                for message in exc.messages:
                    _add(errors, name + suffix, message, exc.code or "invalid")
    today = local_today(pledge.municipality)
    if data.baseline_year is not None and not EARLIEST_BASELINE_YEAR <= data.baseline_year <= today.year:
        _add(
            errors,
            "baseline_year" + suffix,
            _("Give a year from %(earliest)s to %(latest)s.")
            % {"earliest": EARLIEST_BASELINE_YEAR, "latest": today.year},
            "out_of_range",
        )
    if data.baseline_value is not None and data.baseline_year is None:
        _add(errors, "baseline_year" + suffix, _("Give the year of the baseline."), "required")
    if data.target_value is not None and data.target_date is None:
        _add(errors, "target_date" + suffix, _("Give the date by which the target is to be reached."), "required")
    if data.target_date is not None and (stored is None or stored.target_date != data.target_date):
        try:
            validate_target_date(
                data.target_date, campaign=pledge.campaign, municipality=pledge.municipality, council_decision_date=None
            )
        except ValidationError as exc:
            for message in exc.messages:
                _add(errors, "target_date" + suffix, message, exc.code or "invalid")
    if (
        data.target_date is not None
        and data.baseline_year is not None
        and data.target_date.year < data.baseline_year
        and not errors.get("target_date" + suffix)
    ):
        _add(errors, "target_date" + suffix, _("The target date is before the baseline year."), "before_baseline")
    return errors


def indicator_errors(chosen: PledgeCommitment, data: IndicatorInput, *, indicator: Indicator | None = None) -> Errors:
    """What is wrong with a city's own indicator, by form field name."""
    errors: Errors = {}
    code = (data.code or "").strip().upper()
    if not code:
        _add(errors, "code", _("Give the indicator a short code, for example OWN-1."), "required")
    elif not COMMITMENT_CODE_RE.match(code):
        _add(errors, "code", _("Use capital letters, digits and hyphens only, for example OWN-1."), "invalid_code")
    else:
        clash = Indicator.objects.filter(commitment_id=chosen.commitment_id, code__iexact=code).filter(
            Q(municipality__isnull=True) | Q(municipality_id=chosen.pledge.municipality_id)
        )
        if indicator is not None:
            clash = clash.exclude(pk=indicator.pk)
        if clash.exists():
            _add(
                errors,
                "code",
                _("This commitment already has an indicator with the code %(code)s.") % {"code": code},
                "duplicate_code",
            )
    if not (data.name or "").strip():
        _add(errors, "name", _("Give the indicator a name."), "required")
    elif len(data.name.strip()) > 200:
        _add(errors, "name", _("Keep it to %(limit)s characters.") % {"limit": 200}, "too_long")
    if len((data.unit or "").strip()) > 60:
        _add(errors, "unit", _("Keep it to %(limit)s characters.") % {"limit": 60}, "too_long")
    if len(data.guidance or "") > MAX_SUPPORT_DETAILS:
        _add(errors, "guidance", _("Keep it to %(limit)s characters.") % {"limit": MAX_SUPPORT_DETAILS}, "too_long")
    if data.kind not in Indicator.Kind.values:
        _add(errors, "kind", _("Choose a kind from the list."), "invalid_choice")
    elif indicator is not None and data.kind != indicator.kind and _has_figures(indicator):
        _add(
            errors,
            "kind",
            _("This indicator already has a baseline, a target or values: its kind can no longer change."),
            "kind_locked",
        )
    return errors


def _has_figures(indicator: Indicator) -> bool:
    return indicator.values.exists() or indicator.targets.exclude(baseline_value=None, target_value=None).exists()


# --- helpers ------------------------------------------------------------------------------


def _record(pledge: Pledge, actor: User, action: str, note: str = "", report: ProgressReport | None = None) -> None:
    PledgeEvent.objects.create(pledge=pledge, report=report, actor=actor, action=action, note=note)


def _lock(actor: User, chosen: PledgeCommitment) -> PledgeCommitment:
    """The chosen commitment, re-read with its pledge locked, after the actor's right is checked."""
    require_official(actor, chosen.pledge.municipality_id)
    pledge = Pledge.objects.select_for_update().get(pk=chosen.pledge_id)
    if pledge.status == Pledge.Status.WITHDRAWN:
        raise ValidationError(_("This pledge is withdrawn: its means and indicators can no longer change."))
    return PledgeCommitment.objects.select_related("pledge__campaign", "pledge__municipality", "commitment").get(
        pk=chosen.pk
    )


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _site_language(code: str | None) -> str:
    try:
        return translation.get_supported_language_variant((code or "").lower() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


# --- means of implementation --------------------------------------------------------------


def _apply_means(chosen: PledgeCommitment, data: MeansInput) -> tuple[MeansOfImplementation, bool]:
    """Store the means (already checked); whether anything changed."""
    data = clean_means(data)
    _raise(means_errors(data))
    means = MeansOfImplementation.objects.filter(chosen=chosen).first()
    before = means_snapshot(means)
    if means is None:
        means = MeansOfImplementation(chosen=chosen)
    means.budget_amount = data.budget_amount
    means.budget_currency = data.budget_currency
    means.staff_fte = data.staff_fte
    means.lead_department = data.lead_department
    means.partners = data.partners
    means.support_needed = data.support_needed
    means.support_details = data.support_details
    after = means_snapshot(means)
    if before is not None and _same_means(before, after):
        return means, False
    if before is None and after is not None:
        # Nothing entered (the currency alone, which the form offers, is not an entry): nothing kept.
        empty = means_snapshot(MeansOfImplementation(chosen=chosen))
        if _same_means(empty, {**after, "budget_currency": ""}) and data.budget_amount is None:
            return means, False
    means.save()
    return means, True


def _same_means(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    def norm(d: dict[str, Any] | None) -> dict[str, Any] | None:
        if d is None:
            return None
        return {
            **d,
            "budget_amount": None if d["budget_amount"] is None else Decimal(d["budget_amount"]),
            "staff_fte": None if d["staff_fte"] is None else Decimal(d["staff_fte"]),
        }

    return norm(a) == norm(b)


@write_batch()
def means_save(*, actor: User, chosen: PledgeCommitment, data: MeansInput) -> MeansOfImplementation:
    """The budget, staff, lead department, partners and support needed of one chosen
    commitment; history records it when something changed."""
    chosen = _lock(actor, chosen)
    means, changed = _apply_means(chosen, data)
    if changed:
        _record(chosen.pledge, actor, PledgeEvent.Action.MEANS_SAVED, note=chosen.commitment.code)
    return means


# --- baselines and targets ----------------------------------------------------------------


@write_batch()
def targets_save(
    *, actor: User, chosen: PledgeCommitment, targets: dict[Indicator, TargetInput]
) -> list[IndicatorTarget]:
    """The baseline (value, year) and target (value, date) of each given indicator of a
    chosen commitment. All blank removes the indicator's row."""
    chosen = _lock(actor, chosen)
    allowed = {i.pk: i for i in indicators_for(chosen)}
    stored = targets_of(chosen)
    errors: Errors = {}
    for indicator, data in targets.items():
        if indicator.pk not in allowed:
            raise ValidationError(_("This indicator does not belong to this commitment."))
        errors.update(
            target_errors(
                chosen, allowed[indicator.pk], data, stored=stored.get(indicator.pk), suffix=f"_{indicator.pk}"
            )
        )
    _raise(errors)
    currency = currency_of(chosen.pledge.municipality)
    saved: list[IndicatorTarget] = []
    changed = False
    for indicator, data in targets.items():
        row = stored.get(indicator.pk)
        empty = all(
            getattr(data, f) is None for f in ("baseline_value", "baseline_year", "target_value", "target_date")
        )
        if empty:
            if row is not None:
                row.delete()
                changed = True
            continue
        if row is None:
            row = IndicatorTarget(chosen=chosen, indicator=indicator)
        new = (data.baseline_value, data.baseline_year, data.target_value, data.target_date)
        old = (row.baseline_value, row.baseline_year, row.target_value, row.target_date) if row.pk else None
        row.baseline_value, row.baseline_year, row.target_value, row.target_date = new
        if allowed[indicator.pk].kind == Indicator.Kind.AMOUNT:
            row.currency = currency
        if old != new:
            row.save()
            changed = True
        saved.append(row)
    if changed:
        _record(chosen.pledge, actor, PledgeEvent.Action.TARGETS_SAVED, note=chosen.commitment.code)
    return saved


# --- the city's own indicators --------------------------------------------------------------


def _write_texts(indicator: Indicator, data: IndicatorInput, language: str) -> None:
    texts = {"name": data.name.strip(), "guidance": (data.guidance or "").strip(), "unit": (data.unit or "").strip()}
    for name, text in texts.items():
        for code, _label in settings.LANGUAGES:
            setattr(indicator, f"{name}_{code}", "")
        setattr(indicator, f"{name}_{language}", text)
        # English is every reader's fallback (settings.MODELTRANSLATION_FALLBACK_LANGUAGES).
        setattr(indicator, f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}", text)


def _own_indicator(chosen: PledgeCommitment, indicator: Indicator) -> Indicator:
    try:
        return Indicator.objects.select_for_update().get(
            pk=indicator.pk, commitment_id=chosen.commitment_id, municipality_id=chosen.pledge.municipality_id
        )
    except Indicator.DoesNotExist:
        raise PermissionDenied(_("Only your city's own indicators can be changed here.")) from None


@write_batch()
def own_indicator_add(*, actor: User, chosen: PledgeCommitment, data: IndicatorInput) -> Indicator:
    """A city's own indicator on a commitment it chose, written in one language."""
    chosen = _lock(actor, chosen)
    _raise(indicator_errors(chosen, data))
    language = _site_language(data.language or translation.get_language())
    last = (
        Indicator.objects.filter(commitment_id=chosen.commitment_id, municipality_id=chosen.pledge.municipality_id)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    indicator = Indicator(
        commitment_id=chosen.commitment_id,
        municipality_id=chosen.pledge.municipality_id,
        code=data.code.strip().upper(),
        kind=data.kind,
        higher_is_better=data.higher_is_better,
        language=language,
        order=(last or 0) + 1,
        created_by=actor,
    )
    _write_texts(indicator, data, language)
    indicator.save()
    _record(chosen.pledge, actor, PledgeEvent.Action.INDICATOR_ADDED, note=f"{chosen.commitment.code} {indicator.code}")
    return indicator


@write_batch()
def own_indicator_change(
    *, actor: User, chosen: PledgeCommitment, indicator: Indicator, data: IndicatorInput
) -> Indicator:
    chosen = _lock(actor, chosen)
    indicator = _own_indicator(chosen, indicator)
    _raise(indicator_errors(chosen, data, indicator=indicator))
    language = _site_language(data.language or indicator.language or translation.get_language())
    indicator.code = data.code.strip().upper()
    indicator.kind = data.kind
    indicator.higher_is_better = data.higher_is_better
    indicator.language = language
    _write_texts(indicator, data, language)
    indicator.save()
    _record(
        chosen.pledge, actor, PledgeEvent.Action.INDICATOR_CHANGED, note=f"{chosen.commitment.code} {indicator.code}"
    )
    return indicator


@write_batch()
def own_indicator_remove(*, actor: User, chosen: PledgeCommitment, indicator: Indicator) -> None:
    """Remove a city's own indicator, with its baseline, target and draft values (the
    versions already submitted keep theirs)."""
    chosen = _lock(actor, chosen)
    indicator = _own_indicator(chosen, indicator)
    code = indicator.code
    indicator.delete()
    _record(chosen.pledge, actor, PledgeEvent.Action.INDICATOR_REMOVED, note=f"{chosen.commitment.code} {code}")


# --- what a report carries (called by pledges.services.report_save) -------------------------


def report_values_save(update: ProgressUpdate, values: dict[int, Decimal | None], *, currency: str) -> None:
    """Store a report update's indicator values (blank clears). The caller checked the
    actor and locked the report."""
    allowed = {i.pk: i for i in indicators_for(update.chosen)}
    errors: Errors = {}
    for indicator_id, value in values.items():
        indicator = allowed.get(indicator_id)
        if indicator is None:
            raise ValidationError(_("This indicator does not belong to this commitment."))
        if value is not None:
            try:
                check_value(indicator, value, currency=currency)
            except ValidationError as exc:
                errors.setdefault(f"value_{indicator_id}", []).extend(
                    ValidationError(m, code=exc.code) for m in exc.messages
                )
    _raise(errors)
    stored = {v.indicator_id: v for v in IndicatorValue.objects.filter(update=update)}
    for indicator_id, value in values.items():
        row = stored.get(indicator_id)
        if value is None:
            if row is not None:
                row.delete()
        elif row is None:
            IndicatorValue.objects.create(update=update, indicator_id=indicator_id, value=value)
        elif row.value != value:
            row.value = value
            row.save(update_fields=["value"])


def report_means_save(update: ProgressUpdate, data: MeansInput) -> bool:
    """Store the means a report gives for its commitment; whether they changed (the caller
    records MEANS_SAVED then)."""
    _means, changed = _apply_means(update.chosen, data)
    return changed


def report_values_of(update: ProgressUpdate) -> list[dict[str, Any]]:
    """The values as the frozen report content gives them."""
    return [
        {"indicator_id": v.indicator_id, "code": v.indicator.code, "value": to_plain(v.value)}
        for v in IndicatorValue.objects.filter(update=update)
        .select_related("indicator")
        .order_by(F("indicator__municipality_id").asc(nulls_first=True), "indicator__order", "indicator__code")
    ]

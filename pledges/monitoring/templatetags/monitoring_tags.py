"""Indicator values and means of implementation as a reader sees them, in their locale.

``{% report_figures item=item update=update as figures %}``: from a frozen version's item
(ReportVersion.content["updates"][n]) or from a live ProgressUpdate, the values with their
indicators' names and units, and the means with their labels.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency
from django import template
from django.utils import translation

from pledges.models import ProgressUpdate
from pledges.monitoring import services
from pledges.monitoring.forms import display_value, indicator_label
from pledges.monitoring.models import Indicator, MeansOfImplementation
from pledges.monitoring.values import format_number

register = template.Library()


def _decimal(text: Any) -> Decimal | None:
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """An amount with its currency, as the reader's locale writes it: "250 000,00 €" in French."""
    if amount is None:
        return ""
    locale = translation.to_locale(language or translation.get_language() or "en")
    if currency:
        try:
            return format_currency(amount, currency, locale=locale)
        except Exception:  # an unknown code: the number and the code
            return f"{format_number(amount, language)} {currency}"
    return format_number(amount, language)


def means_display(means: dict[str, Any] | None) -> dict[str, Any] | None:
    if not means:
        return None
    partner_labels = dict(MeansOfImplementation.PartnerKind.choices)
    support_labels = dict(MeansOfImplementation.SupportKind.choices)
    fte = _decimal(means.get("staff_fte"))
    shown = {
        "budget": money(_decimal(means.get("budget_amount")), means.get("budget_currency") or ""),
        "staff_fte": format_number(fte) if fte is not None else "",
        "lead_department": means.get("lead_department") or "",
        "partners": [
            (partner_labels.get(kind, kind), names) for kind, names in (means.get("partners") or {}).items() if names
        ],
        "support_needed": [support_labels.get(k, k) for k in means.get("support_needed") or []],
        "support_details": means.get("support_details") or "",
    }
    if not any(shown.values()):
        return None
    return shown


@register.simple_tag
def report_figures(item: Any = None, update: Any = None) -> dict[str, Any]:
    if isinstance(update, ProgressUpdate) and update.pk:
        values = services.report_values_of(update)
        means = services.means_snapshot(services.means_of(update.chosen))
    elif isinstance(item, dict):
        values = item.get("indicators") or []
        means = item.get("means")
    else:
        return {"indicators": [], "means": None}
    ids: list[int] = [int(v["indicator_id"]) for v in values if v.get("indicator_id")]
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=ids)}
    rows = []
    for value in values:
        indicator = indicators.get(int(value.get("indicator_id") or 0))
        number = _decimal(value.get("value"))
        if indicator is None:
            rows.append({"label": value.get("code", ""), "value": format_number(number) if number is not None else "—"})
        else:
            rows.append({"label": indicator_label(indicator), "value": display_value(indicator, number)})
    return {"indicators": rows, "means": means_display(means)}

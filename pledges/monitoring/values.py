"""The one home for the numbers of monitoring: read as the reader types them, shown as the
reader's locale writes them, and checked by the indicator's kind.

- ``parse_number("1 234,5", "fr")`` is Decimal("1234.5"): babel reads the locale's symbols
  (CLDR's, the ones the pages show); spaces of any kind (the French group separator is a
  narrow no-break space, many people type a plain one) are dropped first. A number with a
  single separator that the locale would read as a group but which cannot be one
  ("1234.5" in Spanish, "1234,5" in English) is read with that separator as the decimal mark.
- ``format_number(Decimal("1234.5"), "fr")`` is "1 234,5" (with CLDR's narrow no-break
  space), which ``parse_number`` reads back.
- ``check_value(indicator, value, currency=...)``: percentages 0 to 100, counts whole and not
  negative, amounts not negative with the currency's decimals (2 for most), yes/no 0 or 1.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_currency_name,
    get_currency_precision,
    list_currencies,
    parse_decimal,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import VALUE_DECIMALS, VALUE_DIGITS, Indicator

# What a group separator may be typed as, beside the locale's own: spaces of every kind.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200a\u2006]+")
# Marks of direction a right-to-left page may add around a number, and the true minus sign.
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_MINUS = {ord("\u2212"): "-"}
_ONE_SEPARATOR = re.compile(r"^-?\d+([.,])\d+$")
_MAX_ABS = Decimal(10) ** (VALUE_DIGITS - VALUE_DECIMALS)


def _locale_name(language: str | None) -> str:
    return translation.to_locale(language or translation.get_language() or "en")


def _digits_to_ascii(text: str) -> str:
    """Arabic-Indic (and any other Unicode) decimal digits as ASCII digits."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def example(language: str | None = None) -> str:
    """A number as the reader's locale writes it, for messages: "1 234,5" in French."""
    return format_decimal(Decimal("1234.5"), locale=_locale_name(language))


def parse_number(text: str, language: str | None = None) -> Decimal:
    """The number a person typed, read in their locale; ValidationError (code "invalid")
    when it is not one."""
    cleaned = _digits_to_ascii((text or "").strip().translate(_MARKS).translate(_MINUS))
    cleaned = cleaned.replace("\u066b", ".").replace("\u066c", ",")  # Arabic decimal and group marks
    cleaned = _SPACES.sub("", cleaned)
    cleaned = cleaned.removeprefix("+").removesuffix("%").removesuffix("\u066a")
    locale = _locale_name(language)
    number: Decimal | None = None
    if cleaned and not any(ch.isalpha() for ch in cleaned):  # no "1e5", "NaN" or "Infinity"
        try:
            number = parse_decimal(cleaned, locale=locale, strict=True)
        except (NumberFormatError, InvalidOperation, ValueError):
            match = _ONE_SEPARATOR.match(cleaned)
            if match:
                number = Decimal(cleaned.replace(match.group(1), "."))
    if number is None or not number.is_finite():
        raise ValidationError(
            _("Enter a number, for example %(example)s.") % {"example": example(language)}, code="invalid"
        )
    return number


def format_number(value: Decimal | int | float | str | None, language: str | None = None) -> str:
    """The number as the reader's locale writes it, without trailing zeros: "1 234,5" in
    French, "1,234.5" in English; "" for none."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return format_decimal(number, locale=_locale_name(language), decimal_quantization=False)


def format_input(value: Decimal | int | float | str | None, language: str | None = None) -> str:
    """A number to put back in a text input: as ``format_number``, which ``parse_number``
    reads back in the same language."""
    return format_number(value, language)


def to_plain(value: Decimal) -> str:
    """A decimal as the open data writes it: "1234.5", "1000", never "1E+3"."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return format(normal, "f")


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def amount_decimals(currency: str) -> int:
    """How many digits after the decimal mark an amount in this currency has (JPY 0, EUR 2)."""
    if not currency:
        return 2
    try:
        return int(get_currency_precision(currency.upper()))
    except Exception:  # babel raises on unknown codes
        return 2


def check_value(indicator: Indicator, value: Decimal, *, currency: str = "") -> None:
    """Refuse a value that does not fit the indicator's kind (ValidationError, with a code
    per kind: out_of_range, not_whole, negative, too_many_decimals, not_yes_no, too_large)."""
    kind = indicator.kind
    if abs(value) >= _MAX_ABS:
        raise ValidationError(_("This number is too large."), code="too_large")
    if kind == Indicator.Kind.PERCENTAGE:
        if value < 0 or value > 100:
            raise ValidationError(_("A percentage is between 0 and 100."), code="out_of_range")
    elif kind == Indicator.Kind.COUNT:
        if value < 0:
            raise ValidationError(_("A count cannot be negative."), code="negative")
        if value != value.to_integral_value():
            raise ValidationError(_("A count is a whole number, such as 12."), code="not_whole")
    elif kind == Indicator.Kind.AMOUNT:
        if value < 0:
            raise ValidationError(_("An amount of money cannot be negative."), code="negative")
        places = amount_decimals(currency)
        if _decimals(value) > places:
            if places == 0:
                raise ValidationError(
                    _("An amount in %(currency)s has no decimals.") % {"currency": currency.upper()},
                    code="too_many_decimals",
                )
            raise ValidationError(
                ngettext(
                    "An amount of money has at most %(count)d digit after the decimal mark.",
                    "An amount of money has at most %(count)d digits after the decimal mark.",
                    places,
                )
                % {"count": places},
                code="too_many_decimals",
            )
    elif kind == Indicator.Kind.YES_NO and value not in (Decimal(0), Decimal(1)):
        raise ValidationError(_("Answer yes (1) or no (0)."), code="not_yes_no")
    if _decimals(value) > VALUE_DECIMALS:
        raise ValidationError(
            ngettext(
                "Give at most %(count)d digit after the decimal mark.",
                "Give at most %(count)d digits after the decimal mark.",
                VALUE_DECIMALS,
            )
            % {"count": VALUE_DECIMALS},
            code="too_many_decimals",
        )


@cache
def known_currencies() -> frozenset[str]:
    """The ISO 4217 codes CLDR knows."""
    return frozenset(code.upper() for code in list_currencies())


def is_currency_code(code: str) -> bool:
    return (code or "").upper() in known_currencies()


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, "EUR · euro") of every known currency, named in the reader's language."""
    locale = _locale_name(language)
    return sorted((code, f"{code} · {get_currency_name(code, locale=locale)}") for code in known_currencies())

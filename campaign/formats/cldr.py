"""CLDR's decimal and group symbols for a language, in its default numbering system."""

from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol


def separators(code: str) -> tuple[str, str]:
    """(decimal separator, thousand separator) as CLDR writes them for ``code``."""
    numbering = Locale.parse(code).default_numbering_system
    return get_decimal_symbol(code, numbering_system=numbering), get_group_symbol(code, numbering_system=numbering)

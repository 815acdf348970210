"""Arabic: Django's date formats (month names from Django's ar catalogue), CLDR's digits and
separators (12,345.6, Western digits): campaign/formats/__init__.py says why."""

from django.conf.locale.ar.formats import *  # type: ignore[import-untyped]  # noqa: F403 - Django's dates

from campaign.formats.cldr import separators

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR = separators("ar")
NUMBER_GROUPING = 3
# Django's ar leaves these to the English defaults ("N j, Y, P": "ديسمبر 3, 2026"): the
# date and time in the order of its DATE_FORMAT and TIME_FORMAT instead.
DATETIME_FORMAT = "j F، Y، g:i A"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y g:i A"

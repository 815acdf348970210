"""Spanish: Django's date formats, CLDR's separators (12.345,6): campaign/formats/__init__.py."""

from django.conf.locale.es.formats import *  # type: ignore[import-untyped]  # noqa: F403 - Django's dates

from campaign.formats.cldr import separators

DECIMAL_SEPARATOR, THOUSAND_SEPARATOR = separators("es")
NUMBER_GROUPING = 3

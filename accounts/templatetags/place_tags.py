"""Names of places in the reader's language, for templates: ``{% load place_tags %}``.

``{{ code|country_name }}`` is the country's name in the active language ("Liban"),
``{{ municipality|region_name }}`` its region's name or "" (never a bare GeoNames code),
``{% place_name name %}`` a ``PlaceName`` (accounts/place_names.py) as HTML: "Lisbonne" and,
beside it, the local name in its own language and direction, "(Lisboa)".
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accounts import place_names

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return place_names.country_label(code)


@register.filter
def region_name(municipality: Any) -> str:
    return place_names.region_of(municipality) or ""


@register.filter
def municipality_name(municipality: Any) -> place_names.PlaceName:
    return place_names.municipality_name_of(municipality)


@register.simple_tag
def place_name(name: place_names.PlaceName, local_class: str = "place-local text-body-secondary") -> SafeString:
    if not name.local:
        return format_html("{}", name.name)
    if name.local_language:
        local = format_html('<bdi lang="{}">{}</bdi>', name.local_language, name.local)
    else:
        local = format_html("<bdi>{}</bdi>", name.local)
    return format_html('{} <span class="{}">({})</span>', name.name, local_class, local)

"""Template tags of the signatory map: ``{% load map_tags %}``.

``{% map_tiles as tiles %}`` gives ``tiles.url`` and ``tiles.attribution`` from the
MAP_TILE_URL and MAP_TILE_ATTRIBUTION settings, for templates whose view does not pass
them (the mini-map included in the city profile).
"""

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict[str, Any]:
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}

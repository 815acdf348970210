"""Routes of the signatory map and the embeds.

``urlpatterns`` (mounted without a language prefix): the GeoJSON that machines read.
``site_patterns`` (mounted under i18n_patterns): the map page and the embeds.
"""

from django.urls import path

from . import map_views

urlpatterns = [
    path("map/signatories.geojson", map_views.signatories_geojson, name="map_signatories_geojson"),
]

site_patterns = [
    path("map/", map_views.map_page, name="map"),
    path("embed/", map_views.embed_index, name="embed_index"),
    path("embed/counter/", map_views.embed_counter, name="embed_counter"),
    path("embed/map/", map_views.embed_map, name="embed_map"),
]

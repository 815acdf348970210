"""Routes of the public side.

``site_patterns`` go under the language prefix (pages people read); ``urlpatterns`` are
mounted without one (what machines fetch: the map data, downloads and the API).
"""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import api, api_municipalities, campaigns, dashboard_views, map_views, opendata_views, signatories

cities_patterns = [
    path("", signatories.signatory_list, name="list"),
    path("<slug:municipality_slug>/", signatories.city_profile, name="detail"),
]

dashboard_patterns = [
    path("", dashboard_views.dashboard_page, name="index"),
    path("<slug:chart>.csv", dashboard_views.chart_csv, name="chart_csv"),
]

site_patterns: list[URLPattern | URLResolver] = [
    path("", campaigns.HomeView.as_view(), name="home"),
    path("campaigns/", campaigns.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/<slug:slug>/", campaigns.CampaignDetailView.as_view(), name="campaign_detail"),
    path("cities/", include((cities_patterns, "cities"))),
    path("map/", map_views.map_page, name="map"),
    path("embed/", map_views.embed_index, name="embed_index"),
    path("embed/counter/", map_views.embed_counter, name="embed_counter"),
    path("embed/map/", map_views.embed_map, name="embed_map"),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
    path("open-data/", opendata_views.open_data_page, name="open_data"),
]

router = SimpleRouter()
router.register("signatories", api.SignatoryViewSet, basename="api-signatory")
router.register("campaigns", api.CampaignViewSet, basename="api-campaign")
router.register("commitments", api.CommitmentViewSet, basename="api-commitment")
router.register("reports", api.ReportViewSet, basename="api-report")

api_patterns: list[URLPattern | URLResolver] = [
    path("municipalities/", api_municipalities.MunicipalitySearchView.as_view(), name="api-municipality-search"),
    path(
        "municipalities/directory/",
        api_municipalities.MunicipalityDirectoryView.as_view(),
        name="api-municipality-directory",
    ),
    path(
        "municipalities/<int:pk>/",
        api_municipalities.MunicipalityDetailView.as_view(),
        name="api-municipality-detail",
    ),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # drf-spectacular's own ReDoc template loads Google Fonts: ours leaves them out.
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="public/api_redoc.html"),
        name="api-redoc",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("map/signatories.geojson", map_views.signatories_geojson, name="map_signatories_geojson"),
    re_path(
        r"^data/(?P<dataset>signatories|commitments|reports)\.(?P<extension>csv|json)$",
        opendata_views.download,
        name="opendata-download",
    ),
    path("api/v1/", include(api_patterns)),
]

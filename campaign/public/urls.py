"""Routes of the public side.

``site_patterns`` go under the language prefix (pages people read); ``urlpatterns`` are
mounted without one (what machines fetch: the map data, downloads and the API).

The pages people read, their chart CSVs and the map's GeoJSON are served finished from the
cache to visitors without a session (``finished_response``, campaign/public/cache.py); the
GeoJSON is open to other sites on every answer, the cache's 304s included. The API's
router routes (DRF) are cached too; the open-data downloads (streamed) are not. Every API
address and download counts against the client's rate limit, in front of the cache
(api_manners.py); other sites may read them (CORS_URLS_REGEX, settings.py).
"""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from campaign.security_headers import api_docs_policy, redoc_policy

from . import (
    accessibility,
    api,
    api_manners,
    api_municipalities,
    campaigns,
    dashboard_views,
    event_views,
    evidence_views,
    feeds,
    follow_views,
    library_views,
    map_views,
    opendata_views,
    signatories,
)
from .cache import finished_response

# Browsers ask again on each load (answered 304 from the cache, without a query), so a change,
# or signing in, shows at once; proxies and CDNs may keep a page five minutes (s-maxage).
public_page = finished_response(max_age=0)
# Framed by other sites, which nobody signs in to: their visitors' browsers keep it a minute.
embedded_page = finished_response(max_age=60)

cities_patterns = [
    path("", public_page(signatories.signatory_list), name="list"),
    path("<slug:municipality_slug>/", public_page(signatories.city_profile), name="detail"),
    path("<slug:municipality_slug>/evidence/<int:file_pk>/", evidence_views.evidence_download, name="evidence"),
    path(
        "<slug:municipality_slug>/reports/<int:report_pk>/versions/<int:number>/changes/",
        public_page(evidence_views.report_changes),
        name="report_changes",
    ),
    path("<slug:municipality_slug>/reports.atom", public_page(feeds.city_reports_feed), name="reports_feed"),
]

dashboard_patterns = [
    path("", public_page(dashboard_views.dashboard_page), name="index"),
    path("<slug:chart>.csv", public_page(dashboard_views.chart_csv), name="chart_csv"),
]

site_patterns: list[URLPattern | URLResolver] = [
    path("", public_page(campaigns.HomeView.as_view()), name="home"),
    path("campaigns/", public_page(campaigns.CampaignListView.as_view()), name="campaign_list"),
    path("campaigns/<slug:slug>/", public_page(campaigns.CampaignDetailView.as_view()), name="campaign_detail"),
    path("cities/", include((cities_patterns, "cities"))),
    path("map/", public_page(map_views.map_page), name="map"),
    path("embed/", public_page(map_views.embed_index), name="embed_index"),
    path("embed/counter/", embedded_page(map_views.embed_counter), name="embed_counter"),
    path("embed/map/", embedded_page(map_views.embed_map), name="embed_map"),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
    path("open-data/", public_page(opendata_views.open_data_page), name="open_data"),
    path("accessibility/", public_page(accessibility.accessibility_statement), name="accessibility"),
    path("follow/", include((follow_views.urlpatterns, "follow"))),
    path("actions/", include((library_views.urlpatterns, "library"))),
    path("events/", include((event_views.urlpatterns, "events"))),
]

router = SimpleRouter()
router.register("signatories", api.SignatoryViewSet, basename="api-signatory")
router.register("campaigns", api.CampaignViewSet, basename="api-campaign")
router.register("commitments", api.CommitmentViewSet, basename="api-commitment")
router.register("reports", api.ReportViewSet, basename="api-report")
router.register("indicators", api.IndicatorViewSet, basename="api-indicator")
router.register("indicator-values", api.IndicatorValueViewSet, basename="api-indicator-value")
router.register("indicator-targets", api.IndicatorTargetViewSet, basename="api-indicator-target")
router.register("means", api.MeansViewSet, basename="api-means")
router.register("actions", api.ActionViewSet, basename="api-action")
router.register("partnerships", api.PartnershipViewSet, basename="api-partnership")

# The API's answers are finished pages too, one per kind asked for (JSON, or the browsable
# HTML): a launch day's readers cost no query once warm. The rate limit goes in front of
# the cache, so that the answers it serves count too (api_manners.py).
api_page = finished_response(negotiates=True)
for route in router.urls:
    if isinstance(route, URLPattern):
        route.callback = api_manners.rate_limited(api_page(route.callback))

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
    # The split view serves Swagger UI's start-up script from this same address (?script):
    # no inline script. Both pages write <style> elements at run time, so they alone add
    # 'unsafe-inline' to style-src, ReDoc a blob: worker (campaign/security_headers.py);
    # scripts stay 'self'.
    path(
        "docs/",
        api_docs_policy(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="public/api_swagger.html")
        ),
        name="api-docs",
    ),
    # drf-spectacular's own ReDoc template loads Google Fonts: ours leaves them out.
    path(
        "redoc/",
        redoc_policy(SpectacularRedocView.as_view(url_name="api-schema", template_name="public/api_redoc.html")),
        name="api-redoc",
    ),
]
for route in api_patterns:
    if isinstance(route, URLPattern):
        route.callback = api_manners.rate_limited(route.callback)
# Any other address under /api/v1/ ending in a slash (an id that is no number...): JSON 404.
# Without the slash, CommonMiddleware still redirects to the address with it.
api_patterns.append(re_path(r"^.*/$", api_manners.rate_limited(api_manners.address_not_found)))

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "map/signatories.geojson",
        map_views.open_to_other_sites(finished_response(max_age=60, s_maxage=300)(map_views.signatories_geojson)),
        name="map_signatories_geojson",
    ),
    path(
        "map/actions.geojson",
        map_views.open_to_other_sites(finished_response(max_age=60, s_maxage=300)(map_views.actions_geojson)),
        name="map_actions_geojson",
    ),
    path(
        "map/partnerships.geojson",
        map_views.open_to_other_sites(finished_response(max_age=60, s_maxage=300)(map_views.partnerships_geojson)),
        name="map_partnerships_geojson",
    ),
    re_path(
        r"^data/(?P<dataset>signatories|commitments|reports|indicators|indicator-values|indicator-targets|means"
        r"|actions|partnerships)"
        r"\.(?P<extension>csv|json)$",
        api_manners.rate_limited(opendata_views.download),
        name="opendata-download",
    ),
    path("api/v1/", include(api_patterns)),
]

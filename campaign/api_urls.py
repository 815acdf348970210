"""The read-only JSON API, versioned: everything here answers under /api/v1/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("signatories", api.SignatoryViewSet, basename="api-signatory")
router.register("campaigns", api.CampaignViewSet, basename="api-campaign")
router.register("commitments", api.CommitmentViewSet, basename="api-commitment")
router.register("reports", api.ReportViewSet, basename="api-report")

urlpatterns = [
    path("", include("accounts.api_urls")),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # drf-spectacular's own ReDoc template loads Google Fonts: ours leaves them out.
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="campaign/api_redoc.html"),
        name="api-redoc",
    ),
]

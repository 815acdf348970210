"""The read-only JSON API, versioned: everything here answers under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api_urls")),
]

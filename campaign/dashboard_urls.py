"""The public dashboard (namespace "dashboard"), under the language prefix."""

from django.urls import path

from . import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard_page, name="index"),
    path("<slug:chart>.csv", dashboard_views.chart_csv, name="chart_csv"),
]

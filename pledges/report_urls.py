"""Progress reports filed by officials (namespace "reports")."""

from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.report_home, name="home"),
    path("<int:pledge_pk>/", report_views.report_index, name="index"),
    path("<int:pledge_pk>/<int:period_pk>/", report_views.report_edit, name="edit"),
    path("<int:pledge_pk>/<int:period_pk>/versions/<int:number>/", report_views.report_version, name="version"),
]

"""Means and indicators of a pledge, for its officials (namespace "monitoring")."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("<int:pledge_pk>/", views.monitoring_page, name="page"),
    path("<int:pledge_pk>/<int:chosen_pk>/means/", views.means_post, name="means"),
    path("<int:pledge_pk>/<int:chosen_pk>/targets/", views.targets_post, name="targets"),
    path("<int:pledge_pk>/<int:chosen_pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pledge_pk>/<int:chosen_pk>/indicators/<int:indicator_pk>/", views.indicator_edit, name="indicator_edit"),
    path(
        "<int:pledge_pk>/<int:chosen_pk>/indicators/<int:indicator_pk>/remove/",
        views.indicator_remove,
        name="indicator_remove",
    ),
]

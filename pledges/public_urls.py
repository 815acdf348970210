"""Public city profiles (namespace "cities")."""

from django.urls import path

from . import public_views

app_name = "cities"

urlpatterns = [
    path("", public_views.signatory_list, name="list"),
    path("<slug:municipality_slug>/", public_views.city_profile, name="detail"),
]

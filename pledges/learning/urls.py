"""Officials' pages of local actions and peer learning (namespace "learning"): their
municipality's actions, the exchanges they ask for or answer, partnerships, peer reviews."""

from django.urls import URLPattern

from .views import actions, exchanges, partnerships, reviews

app_name = "learning"

urlpatterns: list[URLPattern] = [
    *actions.urlpatterns,
    *exchanges.urlpatterns,
    *partnerships.urlpatterns,
    *reviews.urlpatterns,
]

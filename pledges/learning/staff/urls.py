"""The campaign team's pages of local actions and peer learning (namespace
"learning_staff"): moderation of actions, pairing of peer reviews. Staff only, with a
second factor (each view is staff_required)."""

from django.urls import URLPattern

from . import moderation, pairing

app_name = "learning_staff"

urlpatterns: list[URLPattern] = [*moderation.urlpatterns, *pairing.urlpatterns]

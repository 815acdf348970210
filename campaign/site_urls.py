"""Public pages of the campaign app, under the language prefix."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
]

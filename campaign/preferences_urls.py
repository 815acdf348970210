"""The signed-in user's email preferences (mounted at email-preferences/ under the language prefix)."""

from django.urls import path

from . import email_views

urlpatterns = [
    path("", email_views.email_preferences, name="email_preferences"),
]

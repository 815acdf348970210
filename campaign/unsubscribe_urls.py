"""Unsubscribe links, without a language prefix (mounted at unsubscribe/ in campaign/urls.py)."""

from django.urls import path

from . import email_views

app_name = "unsubscribe"

urlpatterns = [
    path("<str:token>/", email_views.unsubscribe, name="confirm"),
]

"""Routes of the outbox.

``urlpatterns`` (under the language prefix): the signed-in user's email preferences.
``unsubscribe_patterns`` (namespace "unsubscribe", without a prefix): the links in emails.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("email-preferences/", views.email_preferences, name="email_preferences"),
]

unsubscribe_patterns = [
    path("<str:token>/", views.unsubscribe, name="confirm"),
]

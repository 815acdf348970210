"""The officials' page of their calendar feed (namespace "calendar"), under a language prefix.

The feed itself is in calendar_feed_urls.py, mounted without a language prefix."""

from django.urls import path

from . import calendar

app_name = "calendar"

urlpatterns = [
    path("<int:pledge_pk>/", calendar.calendar_page, name="page"),
    path("<int:pledge_pk>/reset/", calendar.calendar_reset, name="reset"),
]

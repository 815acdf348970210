"""The private .ics feed (no language prefix: calendar apps fetch it). See pledges/calendar.py."""

from django.urls import path

from . import calendar

urlpatterns = [
    path("<slug:token>.ics", calendar.feed, name="calendar_feed"),
]

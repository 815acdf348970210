"""Routes of progress reports and their calendar.

``report_patterns`` (namespace "reports") and ``calendar_patterns`` (namespace "calendar")
go under the language prefix; ``feed_patterns`` is the private .ics feed, without a prefix,
since calendar programs fetch it.
"""

from django.urls import path

from . import calendar, views

report_patterns = [
    path("", views.report_home, name="home"),
    path("<int:pledge_pk>/", views.report_index, name="index"),
    path("<int:pledge_pk>/<int:period_pk>/", views.report_edit, name="edit"),
    path("<int:pledge_pk>/<int:period_pk>/versions/<int:number>/", views.report_version, name="version"),
]

calendar_patterns = [
    path("<int:pledge_pk>/", calendar.calendar_page, name="page"),
    path("<int:pledge_pk>/reset/", calendar.calendar_reset, name="reset"),
]

feed_patterns = [
    path("<slug:token>.ics", calendar.feed, name="calendar_feed"),
]

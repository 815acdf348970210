"""Routes of progress reports and their calendar.

``report_patterns`` (namespace "reports") and ``calendar_patterns`` (namespace "calendar")
go under the language prefix; ``feed_patterns`` is the private .ics feed, without a prefix,
since calendar programs fetch it.
"""

from django.urls import path

from . import bulk, calendar, delays, evidence, views

report_patterns = [
    path("", views.report_home, name="home"),
    path("<int:pledge_pk>/", views.report_index, name="index"),
    path("<int:pledge_pk>/<int:period_pk>/", views.report_edit, name="edit"),
    path("<int:pledge_pk>/<int:period_pk>/versions/<int:number>/", views.report_version, name="version"),
    # asking for more time (delays.py)
    path("<int:pledge_pk>/<int:period_pk>/more-time/", delays.delay_new, name="delay_new"),
    path("<int:pledge_pk>/more-time/<int:pk>/withdraw/", delays.delay_withdraw, name="delay_withdraw"),
    # reporting by spreadsheet (bulk.py)
    path("<int:pledge_pk>/<int:period_pk>/spreadsheet.<str:file_format>", bulk.report_download, name="download"),
    path("<int:pledge_pk>/<int:period_pk>/upload/", bulk.report_upload, name="upload"),
    path("<int:pledge_pk>/<int:period_pk>/upload/<int:upload_pk>/", bulk.report_upload_status, name="upload_status"),
    path(
        "<int:pledge_pk>/<int:period_pk>/upload/<int:upload_pk>/progress/",
        bulk.report_upload_progress,
        name="upload_progress",
    ),
    # evidence files and what each version changed (evidence.py)
    path("<int:pledge_pk>/<int:period_pk>/evidence/<int:chosen_pk>/add/", evidence.evidence_add, name="evidence_add"),
    path("<int:pledge_pk>/evidence/<int:file_pk>/remove/", evidence.evidence_remove, name="evidence_remove"),
    path("evidence/<int:file_pk>/", evidence.evidence_download, name="evidence_file"),
    path(
        "<int:pledge_pk>/<int:period_pk>/versions/<int:number>/changes/",
        evidence.version_changes,
        name="version_changes",
    ),
]

calendar_patterns = [
    path("<int:pledge_pk>/", calendar.calendar_page, name="page"),
    path("<int:pledge_pk>/reset/", calendar.calendar_reset, name="reset"),
]

feed_patterns = [
    path("<slug:token>.ics", calendar.feed, name="calendar_feed"),
]

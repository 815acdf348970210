"""Open data downloads, without a language prefix: /data/<dataset>.<csv|json>."""

from django.urls import path, re_path

from . import opendata_views

# Downloads, mounted at /data/ in campaign/urls.py.
urlpatterns = [
    re_path(
        r"^(?P<dataset>signatories|commitments|reports)\.(?P<extension>csv|json)$",
        opendata_views.download,
        name="opendata-download",
    ),
]

# The page describing them, mounted under the language prefix.
site_patterns = [
    path("", opendata_views.open_data_page, name="open_data"),
]

"""The campaign team's work queue (namespace "staff"). Staff only, MFA enforced by middleware."""

from django.urls import path

from pledges.staff import delays as staff_delays
from pledges.staff import review as staff_review
from pledges.staff import views as staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("memberships/", staff_views.memberships, name="memberships"),
    path("memberships/approve/", staff_views.memberships_approve, name="memberships_approve"),
    path("memberships/<int:pk>/refuse/", staff_views.membership_refuse, name="membership_refuse"),
    path("municipality-requests/", staff_views.municipality_requests, name="municipality_requests"),
    path("municipality-requests/<int:pk>/add/", staff_views.municipality_request_add, name="municipality_request_add"),
    path(
        "municipality-requests/<int:pk>/merge/",
        staff_views.municipality_request_merge,
        name="municipality_request_merge",
    ),
    path(
        "municipality-requests/<int:pk>/refuse/",
        staff_views.municipality_request_refuse,
        name="municipality_request_refuse",
    ),
    path("pledges/", staff_views.pledges, name="pledges"),
    path("pledges/verify/", staff_views.pledges_verify, name="pledges_verify"),
    path("pledges/<int:pk>/", staff_views.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/reject/", staff_views.pledge_reject, name="pledge_reject"),
    path("overdue/", staff_views.overdue, name="overdue"),
    path("more-time/", staff_delays.delay_requests, name="delay_requests"),
    path("more-time/<int:pk>/grant/", staff_delays.delay_grant, name="delay_grant"),
    path("more-time/<int:pk>/refuse/", staff_delays.delay_refuse, name="delay_refuse"),
    path("reviews/", staff_review.report_reviews, name="report_reviews"),
    path("reviews/<int:pk>/", staff_review.report_review, name="report_review"),
    path("reviews/<int:pk>/publish/", staff_review.report_review_publish, name="report_review_publish"),
    path("reviews/<int:pk>/ask-changes/", staff_review.report_review_ask_changes, name="report_review_ask_changes"),
    path("export/<slug:slug>/pledges.csv", staff_views.export_pledges, name="export_pledges"),
    path("export/<slug:slug>/reports.csv", staff_views.export_reports, name="export_reports"),
]

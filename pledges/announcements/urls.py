"""Announcements and email deliveries for staff (mounted at staff/announcements/, namespace "announcements")."""

from django.urls import path

from pledges.announcements import views

app_name = "announcements"

urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_new, name="new"),
    path("<int:pk>/", views.announcement_detail, name="detail"),
    path("<int:pk>/edit/", views.announcement_edit, name="edit"),
    path("<int:pk>/send/", views.announcement_send, name="send"),
    path("<int:pk>/progress.json", views.announcement_progress, name="progress"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]

"""Signing: an official's pledge for their municipality (namespace "pledges")."""

from django.urls import path

from . import views

app_name = "pledges"

urlpatterns = [
    path("", views.MyPledgesView.as_view(), name="index"),
    path("<int:pk>/", views.PledgePreviewView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PledgeEditView.as_view(), name="edit"),
    path("<int:pk>/preview/", views.PledgePreviewView.as_view(), name="preview"),
    path("<int:pk>/submit/", views.PledgeSubmitView.as_view(), name="submit"),
    path("<int:pk>/withdraw/", views.PledgeWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/resolution/", views.ResolutionDownloadView.as_view(), name="resolution"),
    path("<slug:campaign_slug>/<slug:municipality_slug>/", views.PledgeStartView.as_view(), name="start"),
]

"""Public pages of the campaign app, under the language prefix."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/<slug:slug>/", views.CampaignDetailView.as_view(), name="campaign_detail"),
]

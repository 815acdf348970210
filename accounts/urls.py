from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("memberships/", views.memberships_view, name="memberships"),
    path("memberships/request/", views.membership_request_view, name="membership_request"),
    path("municipalities/request/", views.municipality_request_view, name="municipality_request"),
    path("memberships/<int:pk>/letter/", views.membership_letter_view, name="membership_letter"),
    path("municipalities/<int:municipality_id>/invite/", views.invite_view, name="invite"),
    path("municipalities/<int:municipality_id>/hand-over/", views.handover_view, name="handover"),
    path("invitations/<str:token>/", views.invitation_view, name="invitation"),
]

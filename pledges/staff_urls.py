"""The campaign team's work queue (namespace "staff"). Staff only, MFA enforced by middleware."""

app_name = "staff"

urlpatterns: list = []

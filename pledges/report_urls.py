"""Progress reports filed by officials (namespace "reports")."""

app_name = "reports"

urlpatterns: list = []

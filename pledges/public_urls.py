"""Public city profiles (namespace "cities")."""

app_name = "cities"

urlpatterns: list = []

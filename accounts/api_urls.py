urlpatterns: list = [
    # GET /api/v1/municipalities/?search=TEXT  (see accounts/api.py)
]

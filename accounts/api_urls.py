from django.urls import path

from .api import MunicipalitySearchView

urlpatterns = [
    path("municipalities/", MunicipalitySearchView.as_view(), name="api-municipality-search"),
]

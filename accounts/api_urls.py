from django.urls import path

from .api import MunicipalityDetailView, MunicipalityDirectoryView, MunicipalitySearchView

urlpatterns = [
    path("municipalities/", MunicipalitySearchView.as_view(), name="api-municipality-search"),
    path("municipalities/directory/", MunicipalityDirectoryView.as_view(), name="api-municipality-directory"),
    path("municipalities/<int:pk>/", MunicipalityDetailView.as_view(), name="api-municipality-detail"),
]

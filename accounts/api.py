"""Read-only API on the municipality directory: GET /api/v1/municipalities/?search=TEXT"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Municipality
from .search import MAX_RESULTS, country_name, search_municipalities


class MunicipalitySerializer(serializers.ModelSerializer):
    country_name = serializers.SerializerMethodField(help_text=_("The country's English name."))
    region = serializers.CharField(
        source="admin_region", read_only=True, help_text=_("First-level administrative division (GeoNames admin1).")
    )

    class Meta:
        model = Municipality
        fields = [
            "id",
            "name",
            "country",
            "country_name",
            "region",
            "kind",
            "latitude",
            "longitude",
            "population",
            "geonames_id",
            "slug",
        ]
        read_only_fields = fields

    def get_country_name(self, obj) -> str:
        return country_name(obj.country) or obj.country


class MunicipalitySearchView(APIView):
    """Find municipalities by name in any spelling, for autocomplete."""

    pagination_class = None

    @extend_schema(
        operation_id="municipalities_search",
        summary=_("Search municipalities by name"),
        description=_(
            "Accent- and case-insensitive prefix search on every name of a municipality, including "
            "alternate names in other languages (“Malines” finds Mechelen) and later words "
            "(“Paulo” finds São Paulo). Larger populations come first; at most 20 results. A search "
            "shorter than two letters returns an empty list."
        ),
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=True,
                description=_("The beginning of a name, at least two letters."),
                examples=[OpenApiExample("Malines", value="Malines")],
            ),
        ],
        responses={200: MunicipalitySerializer(many=True)},
        tags=["municipalities"],
    )
    def get(self, request):
        text = request.query_params.get("search", "")
        results = search_municipalities(text[:200], limit=MAX_RESULTS)
        return Response(MunicipalitySerializer(results, many=True).data)

"""Read-only API on the municipality directory: GET /api/v1/municipalities/?search=TEXT"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Municipality, MunicipalityName
from accounts.names import is_searchable, normalize
from accounts.place_names import data_country_name, region_of
from accounts.search import MAX_RESULTS, search_municipalities
from campaign.public import opendata
from campaign.public.api import (
    LANG_PARAMETER,
    CountryContinentFilterSet,
    OpenDataViewMixin,
    PublicMunicipalitySerializer,
    StrictBooleanFilter,
)
from pledges.models import Pledge


class MunicipalitySerializer(serializers.ModelSerializer[Municipality]):
    country_name = serializers.SerializerMethodField(help_text=_("The country's English name."))
    region = serializers.CharField(
        source="admin_region", read_only=True, help_text=_("First-level administrative division (GeoNames admin1).")
    )
    region_name = serializers.SerializerMethodField(
        help_text=_("The region's name when the directory knows it (never a bare code), else null.")
    )

    class Meta:
        model = Municipality
        fields = [
            "id",
            "name",
            "country",
            "country_name",
            "region",
            "region_name",
            "kind",
            "latitude",
            "longitude",
            "population",
            "geonames_id",
            "slug",
        ]
        read_only_fields = fields

    def get_country_name(self, obj: Municipality) -> str:
        return data_country_name(obj.country)  # documented as English, whatever the reader's language

    def get_region_name(self, obj: Municipality) -> str | None:
        return region_of(obj)


class MunicipalitySearchView(APIView):
    """Find municipalities by name in any spelling, for autocomplete."""

    pagination_class = None

    @extend_schema(
        operation_id="municipalities_search",
        summary=_("Search municipalities by name"),
        description=_(
            "Accent- and case-insensitive prefix search on every name of a municipality, in every "
            "language and script (“Malines” finds Mechelen, “تونس” Tunis, “北京” Beijing), and on later "
            "words (“Paulo” finds São Paulo); Arabic short vowels and letter variants are ignored. Places "
            "whose own name is the text come first, then those with another name that is the text, then "
            "names that begin with it, then later words; larger populations first within each. At most "
            "20 results. A search shorter than two letters (one in Chinese, Japanese or Korean) returns "
            "an empty list."
        ),
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description=_(
                    "The beginning of a name, at least two letters (one in Chinese, Japanese or Korean); "
                    "without it, an empty list."
                ),
                examples=[OpenApiExample("Malines", value="Malines")],
            ),
        ],
        responses={200: MunicipalitySerializer(many=True)},
        tags=["municipalities"],
    )
    def get(self, request: Request) -> Response:
        text = request.query_params.get("search", "")
        results = search_municipalities(text[:200], limit=MAX_RESULTS)
        return Response(MunicipalitySerializer(results, many=True).data)


# --- the directory: list with filters and one municipality ---------------------------------
# The search above keeps its own address and contract (an unpaginated autocomplete list);
# the directory is paginated and filtered at /api/v1/municipalities/directory/, and each
# municipality has /api/v1/municipalities/<id>/ with its public pledges.


def _signed(campaign_slug: str | None = None) -> Exists:

    pledges = opendata.public_pledges().filter(municipality=OuterRef("pk"), status=Pledge.Status.VERIFIED)
    if campaign_slug:
        pledges = pledges.filter(campaign__slug=campaign_slug)
    return Exists(pledges)


class DirectoryMunicipalitySerializer(PublicMunicipalitySerializer):
    has_signed = serializers.BooleanField(help_text=_("True if the municipality has a verified pledge."))

    def to_representation(self, instance: Municipality) -> dict[str, Any]:
        return {**opendata.municipality_record(instance), "has_signed": bool(getattr(instance, "has_signed", False))}


class MunicipalityPledgeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The pledge's id, as in /api/v1/signatories/<id>/."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    status = serializers.CharField(help_text=_("verified or withdrawn."))
    signed_on = serializers.DateField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class MunicipalityDetailSerializer(DirectoryMunicipalitySerializer):
    region = serializers.CharField(help_text=_("First-level administrative division (GeoNames admin1)."))
    region_name = serializers.CharField(
        allow_null=True, help_text=_("The region's name when the directory knows it (never a bare code), else null.")
    )
    time_zone = serializers.CharField(help_text=_("IANA time zone name."))
    pledges = MunicipalityPledgeSerializer(many=True, help_text=_("Its public pledges, one per campaign."))

    def to_representation(self, instance: Municipality) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["region"] = instance.admin_region
        data["region_name"] = region_of(instance)
        data["time_zone"] = instance.time_zone
        data["pledges"] = [
            {
                "id": p.pk,
                "campaign": p.campaign.slug,
                "status": p.status,
                "signed_on": p.signed_on.isoformat() if p.signed_on else None,
                "withdrawn_at": opendata._iso(p.withdrawn_at) if p.status == "withdrawn" else None,
            }
            for p in instance.public_pledges  # type: ignore[attr-defined]  # Prefetch(to_attr=...)
        ]
        return data


class MunicipalityFilter(CountryContinentFilterSet):
    municipality_path = ""

    kind = django_filters.ChoiceFilter(choices=Municipality.Kind.choices, label=_("The kind of government."))
    has_signed = StrictBooleanFilter(
        method="filter_has_signed", label=_("true: only municipalities with a verified pledge; false: only others.")
    )
    campaign = django_filters.CharFilter(
        method="filter_campaign", label=_("With has_signed: signed this campaign (a slug).")
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("The beginning of a name in any language, at least two letters.")
    )

    class Meta:
        model = Municipality
        fields = ["country", "continent", "kind", "has_signed", "campaign", "search"]

    def filter_has_signed(self, queryset: QuerySet[Municipality], name: str, value: bool) -> QuerySet[Municipality]:
        campaign = (self.data.get("campaign") or "").strip() or None
        signed = _signed(campaign)
        return queryset.filter(signed) if value else queryset.exclude(signed)

    def filter_campaign(self, queryset: QuerySet[Municipality], name: str, value: str) -> QuerySet[Municipality]:
        # Read by filter_has_signed; alone it means "signed this campaign".
        if "has_signed" in self.data:
            return queryset
        return queryset.filter(_signed(value.strip()))

    def filter_search(self, queryset: QuerySet[Municipality], name: str, value: str) -> QuerySet[Municipality]:
        query = normalize(value)
        if not is_searchable(query):
            return queryset.none()
        names = MunicipalityName.objects.filter(municipality=OuterRef("pk"), normalized_name__startswith=query)
        return queryset.filter(Exists(names))


def _directory_queryset() -> QuerySet[Municipality]:
    return Municipality.objects.annotate(has_signed=_signed())


@extend_schema_view(
    get=extend_schema(
        operation_id="municipalities_directory",
        summary=_("List municipalities"),
        description=_(
            "The whole municipality directory, paginated and filtered: by country, continent, kind, whether it "
            "signed (has_signed, optionally for one campaign) and by name. Ordered by name, country and id. "
            "For autocomplete, /api/v1/municipalities/?search= answers faster with at most 20 places."
        ),
        parameters=[LANG_PARAMETER],
        tags=["municipalities"],
    )
)
class MunicipalityDirectoryView(OpenDataViewMixin, generics.ListAPIView[Municipality]):
    serializer_class = DirectoryMunicipalitySerializer
    filterset_class = MunicipalityFilter

    def get_queryset(self) -> QuerySet[Municipality]:
        return _directory_queryset().order_by("name", "country", "pk")


@extend_schema_view(
    get=extend_schema(
        operation_id="municipalities_retrieve",
        summary=_("One municipality"),
        description=_("A municipality of the directory, with its public pledges (verified or withdrawn)."),
        parameters=[LANG_PARAMETER],
        tags=["municipalities"],
    )
)
class MunicipalityDetailView(OpenDataViewMixin, generics.RetrieveAPIView[Municipality]):
    serializer_class = MunicipalityDetailSerializer

    def get_queryset(self) -> QuerySet[Municipality]:
        return _directory_queryset().prefetch_related(
            Prefetch(
                "pledges",
                queryset=opendata.public_pledges().select_related("campaign").order_by("campaign__slug", "pk"),
                to_attr="public_pledges",
            )
        )

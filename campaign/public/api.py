"""The read-only open data API, version 1: campaigns, commitments, signatories, reports.

What is public is decided in campaign/opendata.py (and documented there): open and closed
campaigns; verified pledges plus withdrawn ones (with ``withdrawn_at``, as the public
record of when the city left); of reports, only the latest submitted version. The JSON
records are built by the same functions as the downloads at /data/, so both say the same.

Every list is paginated (``page``, ``page_size`` up to 200), filtered with django-filter and
ordered with the database id as the last key, so that paging is stable. A page costs the
same number of queries whatever the number of rows (see tests/public/test_api_queries.py).

Parameters are taken as the schema states them: an unknown ``lang``, a value of the wrong type
or out of range, or a typed parameter left empty is refused with 400, the body naming it. The
rate limits and the errors the schema documents are in api_manners.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.geo import CONTINENTS
from accounts.models import Municipality
from campaign.models import Campaign, Commitment, ReportingPeriod
from campaign.public import opendata, opendata_indicators, opendata_learning
from pledges.learning.models import LocalAction, LocalActionFile, Partnership
from pledges.models import Pledge, ProgressUpdate
from pledges.monitoring.models import Indicator, IndicatorTarget, MeansOfImplementation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
    from rest_framework.generics import GenericAPIView

    # To mypy the mixin is the generic view it is mixed into, so that super() resolves.
    _OpenDataViewBase = GenericAPIView[Any]
else:
    _OpenDataViewBase = object

# --- shared pieces --------------------------------------------------------------------------


# Database ids are 64-bit (BigAutoField); GeoNames ids fit PositiveIntegerField.
MAX_ID = 2**63 - 1
MAX_GEONAMES_ID = 2**31 - 1


class OpenDataPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        # DRF falls back to the default on a page_size it cannot read: the schema says an
        # integer of at least 1, so anything else is refused (larger ones are capped at 200).
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        value = int(asked) if asked.isascii() and asked.isdigit() else 0
        if value < 1:
            raise serializers.ValidationError({self.page_size_query_param: [_("Give a whole number of 1 or more.")]})
        return min(value, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) == "":
            raise serializers.ValidationError({self.page_query_param: [_("Give a whole number of 1 or more.")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = str(_("Results per page: 50 unless given, at most 200."))
        return parameters


LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=list(opendata.LANGUAGE_CODES),
    description=_(
        "Language of titles, descriptions and labels: en, fr or es. Without it, the Accept-Language "
        "header decides; English is the fallback, also for texts not translated yet."
    ),
)


def requested_language(request: HttpRequest) -> str:
    """?lang= when it is one of ours, else the Accept-Language header's, else English.

    An unknown ?lang= is refused by the views (OpenDataViewMixin.initial): here it only
    falls back, so that the refusal itself is written in a language the client reads."""
    asked = request.GET.get("lang") or ""
    if asked in opendata.LANGUAGE_CODES:
        return asked
    try:
        from_header = translation.get_supported_language_variant(
            translation.get_language_from_request(request, check_path=False)
        )
    except LookupError:
        from_header = "en"
    return from_header if from_header in opendata.LANGUAGE_CODES else "en"


class OpenDataViewMixin(_OpenDataViewBase):
    """Read-only, public, in the language asked for."""

    pagination_class: type[BasePagination] | None = OpenDataPagination

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        language = requested_language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        asked = request.query_params.get("lang")
        if asked is not None and asked not in opendata.LANGUAGE_CODES:
            raise serializers.ValidationError(
                {"lang": [_("Unknown language: use one of %(codes)s.") % {"codes": ", ".join(opendata.LANGUAGE_CODES)}]}
            )

    def get_serializer_context(self) -> dict[str, Any]:
        context = cast("dict[str, Any]", super().get_serializer_context())  # a dict at run time
        context["now"] = timezone.now()
        return context


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); anything else is refused instead of being ignored."""

    widget = forms.TextInput
    spellings = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: not given
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.spellings[str(value).lower()]
        except KeyError:
            raise FormValidationError(_("Use true or false."), code="invalid") from None

    def validate(self, value: Any) -> None:
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):  # type: ignore[misc]
    field_class = StrictBooleanField


class IdFilter(django_filters.NumberFilter):  # type: ignore[misc]
    """An id: a whole number from 1, never a decimal (NumberFilter would round 1.5 to 1)."""

    field_class = forms.IntegerField


def id_filter(field_name: str, label: StrOrPromise, maximum: int = MAX_ID) -> IdFilter:
    filter_ = IdFilter(field_name=field_name, label=label, min_value=1, max_value=maximum)
    # The schema from the filter itself: drf-spectacular reads a foreign key's id as "number".
    return extend_schema_field({"type": "integer", "minimum": 1, "maximum": maximum, "description": label})(filter_)


def _day_start(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=UTC)


class OpenDataFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no types
    """A parameter given empty is refused unless it is free text: django-filter would ignore
    ``?since=`` or ``?status=`` and answer everything, when the client meant something."""

    def is_valid(self) -> bool:
        valid = bool(super().is_valid())
        for name, filter_ in self.filters.items():
            if self.data.get(name) == "" and not isinstance(filter_, django_filters.CharFilter):
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class CountryContinentFilterSet(OpenDataFilterSet):
    """country and continent on ``municipality_path``."""

    municipality_path = "municipality__"

    country = extend_schema_field(
        {"type": "string", "maxLength": 2, "description": _("ISO 3166-1 alpha-2 country code, such as BE.")}
    )(
        django_filters.CharFilter(
            method="filter_country", label=_("ISO 3166-1 alpha-2 country code, such as BE."), max_length=2
        )
    )
    continent = django_filters.ChoiceFilter(
        method="filter_continent",
        choices=[(code, name) for code, name in CONTINENTS.items()],
        label=_("GeoNames continent code: AF, AN, AS, EU, NA, OC or SA."),
    )

    def filter_country(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.municipality_path}country": value.strip().upper()})

    def filter_continent(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.municipality_path}country__in": opendata.countries_of_continent(value)})


def _ordering_filter(choices: dict[str, tuple[str, ...]], label: StrOrPromise) -> django_filters.ChoiceFilter:
    """A choice of orders, each ending with the id so that pages never overlap."""

    def apply(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.order_by(*choices[value])

    return django_filters.ChoiceFilter(
        method=lambda qs, name, value: apply(qs, name, value),
        choices=[(key, key) for key in choices],
        label=label,
    )


# --- serializers (documentation of the records that opendata.py builds) ----------------------


class PublicMunicipalitySerializer(serializers.Serializer[Municipality]):
    id = serializers.IntegerField(help_text=_("The municipality's stable identifier in this directory."))
    name = serializers.CharField(help_text=_("The municipality's name."))
    slug = serializers.SlugField(help_text=_("As in the address of the city's profile."))
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 country code, such as BE."))
    country_name = serializers.CharField(help_text=_("The country's English name."))
    continent = serializers.CharField(help_text=_("GeoNames continent code: AF, AN, AS, EU, NA, OC or SA."))
    geonames_id = serializers.IntegerField(
        allow_null=True, help_text=_("GeoNames identifier; null for places the campaign team added.")
    )
    latitude = serializers.FloatField(help_text=_("Latitude in decimal degrees (WGS 84)."))
    longitude = serializers.FloatField(help_text=_("Longitude in decimal degrees (WGS 84)."))
    population = serializers.IntegerField(allow_null=True, help_text=_("Population, as GeoNames gives it."))
    kind = serializers.ChoiceField(choices=Municipality.Kind.choices, help_text=_("The kind of government."))

    def to_representation(self, instance: Municipality) -> dict[str, Any]:
        return opendata.municipality_record(instance)


class ChosenCommitmentSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("The commitment's code, such as RIGHTS-1."))
    target = serializers.CharField(help_text=_("The target the city set itself, in its own words."))
    target_date = serializers.DateField(allow_null=True, help_text=_("When the city means to reach it."))


class ReportingSummarySerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(
        choices=[(s, s) for s in opendata.REPORTING_STATES],
        help_text=_(
            "on_time: every report due was submitted on time; late: a report due is missing or was late; "
            "none: nothing due yet; withdrawn: the pledge was withdrawn."
        ),
    )
    reports_submitted = serializers.IntegerField(help_text=_("How many progress reports the city submitted."))
    reports_late = serializers.IntegerField(help_text=_("How many were first submitted after their due date."))
    last_submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("The latest submission (UTC)."))


class SignatorySerializer(serializers.Serializer[Pledge]):
    id = serializers.IntegerField(help_text=_("The pledge's stable identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    municipality = PublicMunicipalitySerializer()
    status = serializers.ChoiceField(
        choices=[(Pledge.Status.VERIFIED.value, "verified"), (Pledge.Status.WITHDRAWN.value, "withdrawn")],
        help_text=_("verified, or withdrawn: the city signed, then withdrew (kept as a public record)."),
    )
    signatory_name = serializers.CharField(help_text=_("Who signed for the city."))
    signatory_title = serializers.CharField(help_text=_("The signatory's title, usually mayor or governor."))
    signed_on = serializers.DateField(allow_null=True, help_text=_("The day the pledge was signed."))
    verified_at = serializers.DateTimeField(help_text=_("When the campaign team verified the pledge (UTC)."))
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text=_("When the city withdrew (UTC), or null."))
    statement = serializers.CharField(help_text=_("The city's public statement."))
    statement_language = serializers.CharField(
        allow_null=True,
        help_text=_("The language the statement is written in (en, fr, es, ar), or null when it is another one."),
    )
    commitments = ChosenCommitmentSerializer(many=True, help_text=_("The commitments the city chose."))
    reporting = ReportingSummarySerializer(help_text=_("How the city reports its progress."))

    def to_representation(self, instance: Pledge) -> dict[str, Any]:
        return opendata.signatory_record(instance, self.context.get("now"))


class PeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    # DRF's metaclass takes declared fields off the class: this does not shadow Field.label.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_("In the language asked for.")
    )

    class Meta:
        model = ReportingPeriod
        fields = ["id", "label", "opens", "due"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    title = serializers.CharField(help_text=_("In the language asked for."))
    slogan = serializers.CharField(help_text=_("In the language asked for."))
    description = serializers.CharField(help_text=_("In the language asked for."))
    periods = PeriodSerializer(many=True, read_only=True, help_text=_("Reporting periods, in order."))
    signatories = serializers.IntegerField(
        source="n_signatories", read_only=True, help_text=_("How many cities have a verified pledge.")
    )
    commitments = serializers.IntegerField(
        source="n_commitments", read_only=True, help_text=_("How many commitments the campaign offers.")
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "title",
            "slogan",
            "description",
            "status",
            "signing_opens",
            "signing_closes",
            "reporting_cadence",
            "periods",
            "signatories",
            "commitments",
        ]
        read_only_fields = fields


class CommitmentSerializer(serializers.Serializer[Commitment]):
    id = serializers.IntegerField(help_text=_("The commitment's stable identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    code = serializers.CharField(help_text=_("Short and stable, unique within the campaign, such as RIGHTS-1."))
    theme = serializers.ChoiceField(choices=Commitment.Theme.choices, help_text=_("The theme's code."))
    theme_label = serializers.CharField(help_text=_("The theme's name, in the language asked for."))
    title = serializers.CharField(help_text=_("In the language asked for, English when not translated."))
    description = serializers.CharField(help_text=_("In the language asked for, English when not translated."))
    required = serializers.BooleanField(  # type: ignore[assignment]  # a declared field, not Field.required
        help_text=_("Every signatory takes on a required commitment.")
    )
    order = serializers.IntegerField(help_text=_("Position in the campaign's list."))
    sdg_targets = serializers.ListField(child=serializers.CharField(), help_text=_("SDG targets, such as 10.7."))
    gcm_objectives = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Global Compact for Migration objectives (1 to 23).")
    )
    nua_paragraphs = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("New Urban Agenda paragraphs (1 to 175).")
    )
    signatories = serializers.IntegerField(help_text=_("How many verified signatories chose it."))

    def to_representation(self, instance: Commitment) -> dict[str, Any]:
        return opendata.commitment_record(instance)


class ReportPeriodSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    label = serializers.CharField(  # type: ignore[assignment]  # a declared field, not Field.label
        help_text=_("In the language asked for.")
    )
    opens = serializers.DateField()
    due = serializers.DateField()


class ReportUpdateSerializer(serializers.Serializer[Any]):
    commitment_id = serializers.IntegerField(allow_null=True, help_text=_("The commitment's identifier."))
    code = serializers.CharField(help_text=_("The commitment's code."))
    status = serializers.ChoiceField(choices=ProgressUpdate.Status.choices, help_text=_("Where the city stands."))
    narrative = serializers.CharField(help_text=_("What was done."))
    evidence_links = serializers.ListField(child=serializers.URLField(), help_text=_("Links to evidence."))
    figures = serializers.CharField(help_text=_("Figures the city gave, as written."))


class ReportSerializer(serializers.Serializer[opendata.ReportVersion]):
    id = serializers.IntegerField(help_text=_("The report's stable identifier (one per pledge and period)."))
    pledge = serializers.IntegerField(help_text=_("The signatory (pledge) identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    municipality = PublicMunicipalitySerializer()
    period = ReportPeriodSerializer()
    first_submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("First submission (UTC)."))
    submitted_at = serializers.DateTimeField(help_text=_("When the version shown was submitted (UTC)."))
    is_late = serializers.BooleanField(help_text=_("First submitted after the due date, in the city's time zone."))
    version = serializers.IntegerField(help_text=_("The submitted version shown; corrections add versions."))
    updates = ReportUpdateSerializer(many=True, help_text=_("One entry per commitment, as submitted."))

    def to_representation(self, instance: opendata.ReportVersion) -> dict[str, Any]:
        return opendata.report_record(instance)


# --- filters ---------------------------------------------------------------------------------


class SignatoryFilter(CountryContinentFilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", label=_("A campaign's slug."))
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.value) for s in opendata.PUBLIC_PLEDGE_STATUSES], label=_("verified or withdrawn.")
    )
    kind = django_filters.ChoiceFilter(
        field_name="municipality__kind", choices=Municipality.Kind.choices, label=_("The kind of government.")
    )
    commitment = django_filters.CharFilter(method="filter_commitment", label=_("Chose this commitment (a code)."))
    municipality = id_filter("municipality_id", _("A municipality's id."))
    geonames_id = id_filter("municipality__geonames_id", _("A GeoNames id."), MAX_GEONAMES_ID)
    since = django_filters.DateFilter(method="filter_since", label=_("Verified on or after this day (YYYY-MM-DD)."))
    ordering = _ordering_filter(
        {
            "name": ("municipality__name", "campaign__slug", "pk"),
            "-name": ("-municipality__name", "campaign__slug", "-pk"),
            "signed_on": ("signed_on", "pk"),
            "-signed_on": ("-signed_on", "-pk"),
            "verified_at": ("verified_at", "pk"),
            "-verified_at": ("-verified_at", "-pk"),
            "id": ("pk",),
        },
        _("Order of the results; name (the default) sorts by municipality name."),
    )

    class Meta:
        model = Pledge
        fields = ["campaign", "country", "continent", "status", "kind", "commitment", "municipality", "since"]

    def filter_commitment(self, queryset: QuerySet[Pledge], name: str, value: str) -> QuerySet[Pledge]:
        return queryset.filter(chosen__commitment__code=value.strip().upper())

    def filter_since(self, queryset: QuerySet[Pledge], name: str, value: date) -> QuerySet[Pledge]:
        return queryset.filter(verified_at__gte=_day_start(value))


class CommitmentFilter(OpenDataFilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", label=_("A campaign's slug."))
    theme = django_filters.ChoiceFilter(choices=Commitment.Theme.choices, label=_("A theme's code."))
    required = StrictBooleanFilter(field_name="is_required", label=_("true or false."))

    class Meta:
        model = Commitment
        fields = ["campaign", "theme", "required"]


class CampaignFilter(OpenDataFilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.value) for s in opendata.PUBLIC_CAMPAIGN_STATUSES], label=_("open or closed.")
    )

    class Meta:
        model = Campaign
        fields = ["status"]


class ReportFilter(CountryContinentFilterSet):
    municipality_path = "report__pledge__municipality__"

    campaign = django_filters.CharFilter(field_name="report__pledge__campaign__slug", label=_("A campaign's slug."))
    period = id_filter("report__period_id", _("A reporting period's id."))
    pledge = id_filter("report__pledge_id", _("A signatory (pledge) id."))
    municipality = id_filter("report__pledge__municipality_id", _("A municipality's id."))
    late = StrictBooleanFilter(field_name="report__is_late", label=_("true: only late reports."))
    since = django_filters.DateFilter(
        method="filter_since", label=_("Submitted (this version) on or after this day (YYYY-MM-DD).")
    )
    ordering = _ordering_filter(
        {
            "period": ("report__period__due", "report__pledge__municipality__name", "pk"),
            "-submitted_at": ("-submitted_at", "-pk"),
            "submitted_at": ("submitted_at", "pk"),
            "id": ("report_id",),
        },
        _("Order of the results; period (the default) sorts by due date, then municipality name."),
    )

    class Meta:
        model = opendata.ReportVersion
        fields = ["campaign", "country", "continent", "period", "pledge", "municipality", "late", "since"]

    def filter_since(
        self, queryset: QuerySet[opendata.ReportVersion], name: str, value: date
    ) -> QuerySet[opendata.ReportVersion]:
        return queryset.filter(submitted_at__gte=_day_start(value))


# --- views -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("List signatories"),
        description=_(
            "Cities with a verified pledge, and cities that withdrew after signing (status withdrawn, with "
            "withdrawn_at: the open record keeps when they left). Pledges not yet verified, rejected or in draft "
            "never appear. Ordered by municipality name, then campaign, then id."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One signatory"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["signatories"])
class SignatoryViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[Pledge]):
    serializer_class = SignatorySerializer
    filterset_class = SignatoryFilter

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        # One signatory also carries its monitoring: means, baselines and targets.
        return SignatoryDetailSerializer if self.action == "retrieve" else SignatorySerializer

    def get_queryset(self) -> QuerySet[Pledge]:
        return opendata.signatories_queryset()


@extend_schema_view(
    list=extend_schema(
        summary=_("List campaigns"),
        description=_("Open and closed campaigns with their reporting periods; drafts never appear."),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One campaign, by slug"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["campaigns"])
class CampaignViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[Campaign]):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Campaign]:
        signatories = (
            opendata.public_pledges()
            .filter(campaign=OuterRef("pk"), status=Pledge.Status.VERIFIED)
            .order_by()
            .values("campaign")
            .annotate(n=Count("pk"))
            .values("n")
        )
        commitments = (
            Commitment.objects.filter(campaign=OuterRef("pk"))
            .order_by()
            .values("campaign")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            opendata.public_campaigns()
            .annotate(
                n_signatories=Coalesce(Subquery(signatories, output_field=IntegerField()), Value(0)),
                n_commitments=Coalesce(Subquery(commitments, output_field=IntegerField()), Value(0)),
            )
            .prefetch_related(Prefetch("periods", queryset=ReportingPeriod.objects.order_by("opens", "pk")))
            .order_by("-signing_opens", "slug", "pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary=_("List commitments"),
        description=_(
            "The commitments of open and closed campaigns, in each campaign's order. Titles and descriptions "
            "in the language asked for with ?lang= or Accept-Language, English when not translated."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One commitment"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["commitments"])
class CommitmentViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[Commitment]):
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter

    def get_queryset(self) -> QuerySet[Commitment]:
        return opendata.commitments_queryset()


@extend_schema_view(
    list=extend_schema(
        summary=_("List progress reports"),
        description=_(
            "One entry per submitted report of a public signatory: the latest submitted version, frozen when it "
            "was submitted. Drafts and unsubmitted edits never appear. The id is the report's (stable across "
            "corrections); version says which submission is shown."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(
        summary=_("One progress report"),
        parameters=[
            LANG_PARAMETER,
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The report's id.")),
        ],
    ),
)
@extend_schema(tags=["reports"])
class ReportViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[opendata.ReportVersion]):
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    lookup_field = "report_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[opendata.ReportVersion]:
        return opendata.reports_queryset()


# --- monitoring: indicators, values, baselines and targets, means (opendata_indicators.py) ----


class IndicatorTextsSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(help_text=_("The indicator's name in this language (empty if not translated)."))
    guidance = serializers.CharField(help_text=_("How to count it, in this language."))
    unit = serializers.CharField(help_text=_("The unit of a count (people, hours...), in this language."))


class IndicatorCitySerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The municipality's identifier in this directory."))
    name = serializers.CharField(help_text=_("The municipality's name."))
    slug = serializers.SlugField(help_text=_("As in the address of the city's profile."))


INDICATOR_KIND_HELP = _("count, percentage, amount (of money) or yes_no (1 for yes, 0 for no).")
UNIT_HELP = _(
    "The unit of the values: the ISO 4217 currency code for amounts, the percent sign for percentages, "
    "the indicator's unit for counts, empty for yes/no."
)
NUMBER_HELP = _("A decimal number as a string, with a point as the decimal mark, such as 1234.5.")


class IndicatorSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The indicator's stable identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    commitment = serializers.CharField(help_text=_("The code of the commitment the indicator measures."))
    commitment_id = serializers.IntegerField(help_text=_("The commitment's identifier."))
    code = serializers.CharField(help_text=_("Unique within its commitment (and city, for a city's own)."))
    name = serializers.CharField(help_text=_("In the language asked for, English when not translated."))
    guidance = serializers.CharField(help_text=_("How to count it, in the language asked for."))
    unit = serializers.CharField(help_text=_("The unit of a count (people, hours...), in the language asked for."))
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices, help_text=INDICATOR_KIND_HELP)
    higher_is_better = serializers.BooleanField(help_text=_("true if progress means a higher value."))
    gcm_objectives = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Global Compact for Migration objectives (1 to 23).")
    )
    sdg_targets = serializers.ListField(child=serializers.CharField(), help_text=_("SDG targets, such as 10.7."))
    order = serializers.IntegerField(help_text=_("Position among the commitment's indicators."))
    own = serializers.BooleanField(help_text=_("true for an indicator a city added itself."))
    municipality = IndicatorCitySerializer(
        allow_null=True, help_text=_("The city that added the indicator; null for the campaign's.")
    )
    language = serializers.CharField(
        allow_null=True, help_text=_("The language a city's own indicator is written in; null for the campaign's.")
    )
    translations = serializers.DictField(
        child=IndicatorTextsSerializer(), help_text=_("The texts in every site language, by language code.")
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return opendata_indicators.indicator_record(instance)


class ValuePeriodSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The reporting period's identifier."))
    label = serializers.CharField(  # type: ignore[assignment]  # a declared field, not Field.label
        help_text=_("In the language asked for.")
    )
    due = serializers.DateField(help_text=_("The period's due date."))


class IndicatorValueSerializer(serializers.Serializer[Any]):
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    pledge = serializers.IntegerField(help_text=_("The signatory (pledge) identifier."))
    municipality = PublicMunicipalitySerializer()
    commitment = serializers.CharField(help_text=_("The code of the commitment the indicator measures."))
    commitment_id = serializers.IntegerField(allow_null=True, help_text=_("The commitment's identifier."))
    indicator_id = serializers.IntegerField(help_text=_("The indicator's identifier, as in /api/v1/indicators/."))
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices, help_text=INDICATOR_KIND_HELP)
    period = ValuePeriodSerializer(help_text=_("The reporting period the value is for."))
    value = serializers.CharField(help_text=NUMBER_HELP)
    unit = serializers.CharField(help_text=UNIT_HELP)
    report = serializers.IntegerField(help_text=_("The report the value comes from, as in /api/v1/reports/."))
    version = serializers.IntegerField(help_text=_("The published version of that report."))

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return cast("dict[str, Any]", instance)  # built by opendata_indicators.value_records


class PartnersSerializer(serializers.Serializer[Any]):
    civil_society = serializers.ListField(child=serializers.CharField(), help_text=_("Civil society partners."))
    migrant_organisations = serializers.ListField(child=serializers.CharField(), help_text=_("Migrant organisations."))
    national_agencies = serializers.ListField(child=serializers.CharField(), help_text=_("National agencies."))
    international_organisations = serializers.ListField(
        child=serializers.CharField(), help_text=_("International organisations.")
    )
    other_cities = serializers.ListField(child=serializers.CharField(), help_text=_("Other cities."))


class MeansSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The record's stable identifier."))
    pledge = serializers.IntegerField(help_text=_("The signatory (pledge) identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    municipality = PublicMunicipalitySerializer()
    commitment = serializers.CharField(help_text=_("The code of the chosen commitment."))
    commitment_id = serializers.IntegerField(help_text=_("The commitment's identifier."))
    budget_amount = serializers.CharField(
        allow_null=True, help_text=_("The budget put behind the commitment, in budget_currency; a decimal string.")
    )
    budget_currency = serializers.CharField(help_text=_("ISO 4217 currency code of the budget, such as EUR."))
    staff_fte = serializers.CharField(
        allow_null=True, help_text=_("Staff working on it, in full-time equivalents; a decimal string.")
    )
    lead_department = serializers.CharField(help_text=_("The department that leads the work."))
    partners = PartnersSerializer(help_text=_("The partners' names, by kind of partner."))
    support_needed = serializers.ListField(
        child=serializers.ChoiceField(choices=MeansOfImplementation.SupportKind.choices),
        help_text=_("The kinds of support the city needs."),
    )
    support_details = serializers.CharField(help_text=_("What support the city needs, in its own words."))
    updated_at = serializers.DateTimeField(help_text=_("When the means were last changed (UTC)."))

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return opendata_indicators.means_record(instance)


class IndicatorTargetSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The record's stable identifier."))
    pledge = serializers.IntegerField(help_text=_("The signatory (pledge) identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    municipality = PublicMunicipalitySerializer()
    commitment = serializers.CharField(help_text=_("The code of the chosen commitment."))
    commitment_id = serializers.IntegerField(help_text=_("The commitment's identifier."))
    indicator_id = serializers.IntegerField(help_text=_("The indicator's identifier, as in /api/v1/indicators/."))
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices, help_text=INDICATOR_KIND_HELP)
    baseline_value = serializers.CharField(allow_null=True, help_text=NUMBER_HELP)
    baseline_year = serializers.IntegerField(allow_null=True, help_text=_("The year the baseline stands for."))
    target_value = serializers.CharField(allow_null=True, help_text=NUMBER_HELP)
    target_date = serializers.DateField(allow_null=True, help_text=_("When the city means to reach the target."))
    unit = serializers.CharField(help_text=UNIT_HELP)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return opendata_indicators.target_record(instance)


def _code_filter(path: str, label: StrOrPromise) -> django_filters.CharFilter:
    def apply(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(**{path: value.strip().upper()})

    return django_filters.CharFilter(method=lambda qs, name, value: apply(qs, name, value), label=label)


class IndicatorFilter(OpenDataFilterSet):
    campaign = django_filters.CharFilter(field_name="commitment__campaign__slug", label=_("A campaign's slug."))
    commitment = _code_filter("commitment__code", _("A commitment's code, such as RIGHTS-1."))
    kind = django_filters.ChoiceFilter(choices=Indicator.Kind.choices, label=_("The indicator's kind."))
    # own=true leaves out the campaign's (municipality empty), own=false the cities' own.
    own = StrictBooleanFilter(
        field_name="municipality",
        lookup_expr="isnull",
        exclude=True,
        label=_("true: only cities' own indicators; false: the campaign's."),
    )
    municipality = id_filter("municipality_id", _("A municipality's id: the indicators it added itself."))

    class Meta:
        model = Indicator
        fields = ["campaign", "commitment", "kind", "own", "municipality"]


class ChosenCommitmentFilterSet(CountryContinentFilterSet):
    """campaign, commitment, pledge, municipality, GeoNames id, country and continent of
    records that belong to a chosen commitment."""

    municipality_path = "chosen__pledge__municipality__"

    campaign = django_filters.CharFilter(field_name="chosen__pledge__campaign__slug", label=_("A campaign's slug."))
    commitment = _code_filter("chosen__commitment__code", _("A commitment's code, such as RIGHTS-1."))
    pledge = id_filter("chosen__pledge_id", _("A signatory (pledge) id."))
    municipality = id_filter("chosen__pledge__municipality_id", _("A municipality's id."))
    geonames_id = id_filter("chosen__pledge__municipality__geonames_id", _("A GeoNames id."), MAX_GEONAMES_ID)


class MeansFilter(ChosenCommitmentFilterSet):
    class Meta:
        model = MeansOfImplementation
        fields = ["campaign", "commitment", "pledge", "municipality", "geonames_id", "country", "continent"]


class IndicatorTargetFilter(ChosenCommitmentFilterSet):
    indicator = id_filter("indicator_id", _("An indicator's id."))

    class Meta:
        model = IndicatorTarget
        fields = [
            "campaign",
            "commitment",
            "pledge",
            "municipality",
            "geonames_id",
            "country",
            "continent",
            "indicator",
        ]


class IndicatorValueFilter(CountryContinentFilterSet):
    """On the published versions; ``indicator`` and ``commitment`` also pick the values out of
    each version's content (IndicatorValueViewSet.list)."""

    municipality_path = "report__pledge__municipality__"

    campaign = django_filters.CharFilter(field_name="report__pledge__campaign__slug", label=_("A campaign's slug."))
    municipality = id_filter("report__pledge__municipality_id", _("A municipality's id."))
    geonames_id = id_filter("report__pledge__municipality__geonames_id", _("A GeoNames id."), MAX_GEONAMES_ID)
    pledge = id_filter("report__pledge_id", _("A signatory (pledge) id."))
    period = id_filter("report__period_id", _("A reporting period's id."))
    indicator = extend_schema_field(
        {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": _("An indicator's id.")}
    )(IdFilter(method="filter_indicator", label=_("An indicator's id."), min_value=1, max_value=MAX_ID))
    commitment = _code_filter("report__pledge__chosen__commitment__code", _("A commitment's code, such as RIGHTS-1."))

    class Meta:
        model = opendata.ReportVersion
        fields = ["campaign", "country", "continent", "municipality", "geonames_id", "pledge", "period", "indicator"]

    def filter_indicator(
        self, queryset: QuerySet[opendata.ReportVersion], name: str, value: int
    ) -> QuerySet[opendata.ReportVersion]:
        # The reports of pledges that chose the indicator's commitment; the values are picked after.
        return queryset.filter(report__pledge__chosen__commitment__indicators=value)


class MeansOfChosenSerializer(serializers.Serializer[Any]):
    budget_amount = serializers.CharField(
        allow_null=True, help_text=_("The budget put behind the commitment, in budget_currency; a decimal string.")
    )
    budget_currency = serializers.CharField(help_text=_("ISO 4217 currency code of the budget, such as EUR."))
    staff_fte = serializers.CharField(
        allow_null=True, help_text=_("Staff working on it, in full-time equivalents; a decimal string.")
    )
    lead_department = serializers.CharField(help_text=_("The department that leads the work."))
    partners = PartnersSerializer(help_text=_("The partners' names, by kind of partner."))
    support_needed = serializers.ListField(
        child=serializers.ChoiceField(choices=MeansOfImplementation.SupportKind.choices),
        help_text=_("The kinds of support the city needs."),
    )
    support_details = serializers.CharField(help_text=_("What support the city needs, in its own words."))
    updated_at = serializers.DateTimeField(help_text=_("When the means were last changed (UTC)."))


class TargetOfChosenSerializer(serializers.Serializer[Any]):
    indicator_id = serializers.IntegerField(help_text=_("The indicator's identifier, as in /api/v1/indicators/."))
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    kind = serializers.ChoiceField(choices=Indicator.Kind.choices, help_text=INDICATOR_KIND_HELP)
    baseline_value = serializers.CharField(allow_null=True, help_text=NUMBER_HELP)
    baseline_year = serializers.IntegerField(allow_null=True, help_text=_("The year the baseline stands for."))
    target_value = serializers.CharField(allow_null=True, help_text=NUMBER_HELP)
    target_date = serializers.DateField(allow_null=True, help_text=_("When the city means to reach the target."))
    unit = serializers.CharField(help_text=UNIT_HELP)


class ChosenMonitoringSerializer(serializers.Serializer[Any]):
    commitment = serializers.CharField(help_text=_("The code of the chosen commitment."))
    commitment_id = serializers.IntegerField(help_text=_("The commitment's identifier."))
    means = MeansOfChosenSerializer(allow_null=True, help_text=_("The means of implementation, or null if not given."))
    targets = TargetOfChosenSerializer(many=True, help_text=_("The baselines and targets, one per indicator."))


class SignatoryDetailSerializer(SignatorySerializer):
    monitoring = ChosenMonitoringSerializer(
        many=True,
        help_text=_(
            "Per chosen commitment: the means of implementation and the baselines and targets. The values "
            "reported are at /api/v1/indicator-values/?pledge= and this id."
        ),
    )

    def to_representation(self, instance: Pledge) -> dict[str, Any]:
        record = super().to_representation(instance)
        record["monitoring"] = opendata_indicators.monitoring_of(instance.pk)
        return record


@extend_schema_view(
    list=extend_schema(
        summary=_("List indicators"),
        description=_(
            "The indicators that measure the commitments of open and closed campaigns, with their texts in the "
            "language asked for and in every site language. A city's own indicators appear with its public pledge."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One indicator"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["indicators"])
class IndicatorViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[Indicator]):
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter

    def get_queryset(self) -> QuerySet[Indicator]:
        return opendata_indicators.indicators_queryset()


@extend_schema_view(
    list=extend_schema(
        summary=_("List indicator values"),
        description=_(
            "The values the cities reported, one entry per city, indicator and period, read from the latest "
            "published version of each report (a version waiting for review is not published). Ordered by the "
            "period's due date, then municipality name."
        ),
        parameters=[LANG_PARAMETER],
    ),
)
@extend_schema(tags=["indicators"])
class IndicatorValueViewSet(OpenDataViewMixin, viewsets.GenericViewSet[opendata.ReportVersion]):
    serializer_class = IndicatorValueSerializer
    filterset_class = IndicatorValueFilter

    def get_queryset(self) -> QuerySet[opendata.ReportVersion]:
        return opendata_indicators.value_versions()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        wanted = filterset.form.cleaned_data
        # counted in full, but only the page's records are built (the versions it covers)
        records = opendata_indicators.ValueRecords(
            filterset.qs, indicator_id=wanted.get("indicator"), commitment=wanted.get("commitment")
        )
        page = self.paginate_queryset(records)  # a sequence pages as a queryset does
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("List baselines and targets"),
        description=_(
            "For each public signatory's chosen commitment and indicator: the baseline (value and year) and the "
            "target (value and date) the city set."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One baseline and target"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["indicators"])
class IndicatorTargetViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[IndicatorTarget]):
    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilter

    def get_queryset(self) -> QuerySet[IndicatorTarget]:
        return opendata_indicators.targets_queryset()


@extend_schema_view(
    list=extend_schema(
        summary=_("List means of implementation"),
        description=_(
            "For each public signatory's chosen commitment: the budget and its currency, the staff, the lead "
            "department, the partners by kind and the support the city needs."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One chosen commitment's means"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["means"])
class MeansViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[MeansOfImplementation]):
    serializer_class = MeansSerializer
    filterset_class = MeansFilter

    def get_queryset(self) -> QuerySet[MeansOfImplementation]:
        return opendata_indicators.means_queryset()


# --- peer learning: local actions and partnerships (opendata_learning.py) ---------------------


class ActionTranslationSerializer(serializers.Serializer[Any]):
    language = serializers.CharField(help_text=_("The language of the translation, such as fr."))
    title = serializers.CharField(help_text=_("The title in that language."))
    summary = serializers.CharField(help_text=_("The summary in that language."))
    description = serializers.CharField(help_text=_("The description in that language."))
    results = serializers.CharField(help_text=_("The results in that language."))


class ActionResultSerializer(serializers.Serializer[Any]):
    indicator_id = serializers.IntegerField(help_text=_("The indicator's identifier, as in /api/v1/indicators/."))
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    value = serializers.CharField(help_text=NUMBER_HELP)
    unit = serializers.CharField(help_text=_("The indicator's unit, in English."))
    measured_on = serializers.DateField(allow_null=True, help_text=_("When the value was measured."))
    note = serializers.CharField(help_text=_("The city's note on the value."))


class ActionEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The event's identifier."))
    title = serializers.CharField(help_text=_("The event's title."))
    starts_on = serializers.DateField(help_text=_("When the event starts."))
    ends_on = serializers.DateField(allow_null=True, help_text=_("When it ends; null for a one-day event."))
    place = serializers.CharField(help_text=_("Where it takes place."))


class ActionFileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The file's identifier."))
    kind = serializers.ChoiceField(choices=LocalActionFile.Kind.choices, help_text=_("image or pdf."))
    title = serializers.CharField(help_text=_("The file's title."))
    alt_text = serializers.CharField(help_text=_("For an image: what it shows."))
    content_type = serializers.CharField(help_text=_("The file's media type, such as image/jpeg."))
    size = serializers.IntegerField(help_text=_("Size in bytes."))
    width = serializers.IntegerField(allow_null=True, help_text=_("An image's width in pixels."))
    height = serializers.IntegerField(allow_null=True, help_text=_("An image's height in pixels."))
    url = serializers.URLField(help_text=_("The public address of the file."))


class ActionSerializer(serializers.Serializer[LocalAction]):
    id = serializers.IntegerField(help_text=_("The action's stable identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    municipality = PublicMunicipalitySerializer()
    url = serializers.URLField(help_text=_("The action's page in the library."))
    language = serializers.CharField(help_text=_("The language the city wrote the action in."))
    title = serializers.CharField(help_text=_("The title, as the city wrote it."))
    summary = serializers.CharField(help_text=_("The summary, as the city wrote it."))
    description = serializers.CharField(help_text=_("The description, as the city wrote it."))
    results = serializers.CharField(help_text=_("The results, as the city wrote them."))
    translations = ActionTranslationSerializer(many=True, help_text=_("The translations the city added."))
    status = serializers.ChoiceField(choices=LocalAction.Status.choices, help_text=_("planned, ongoing or completed."))
    started_on = serializers.DateField(allow_null=True, help_text=_("When the action started."))
    ended_on = serializers.DateField(allow_null=True, help_text=_("When it ended; null if it goes on."))
    commitments = serializers.ListField(
        child=serializers.CharField(), help_text=_("The codes of the commitments it serves.")
    )
    gcm_objectives = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Global Compact for Migration objectives (1 to 23).")
    )
    sdg_targets = serializers.ListField(child=serializers.CharField(), help_text=_("SDG targets, such as 10.7."))
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=LocalAction.Audience.choices), help_text=_("The people it is for.")
    )
    budget = serializers.CharField(allow_null=True, help_text=_("The budget, in budget_currency; a decimal string."))
    budget_currency = serializers.CharField(help_text=_("ISO 4217 currency code of the budget, such as EUR."))
    funding_sources = serializers.ListField(child=serializers.CharField(), help_text=_("Funding sources."))
    partners = serializers.ListField(child=serializers.CharField(), help_text=_("Partners."))
    indicator_results = ActionResultSerializer(many=True, help_text=_("Its results as indicator values."))
    links = serializers.ListField(child=serializers.URLField(), help_text=_("Web addresses about the action."))
    contact_role = serializers.CharField(help_text=_("The public contact: a role or an office."))
    event = ActionEventSerializer(allow_null=True, help_text=_("The campaign event where it was presented."))
    published_at = serializers.DateTimeField(help_text=_("When the campaign team published it (UTC)."))
    files = ActionFileSerializer(many=True, help_text=_("Its images and documents."))

    def to_representation(self, instance: LocalAction) -> dict[str, Any]:
        return opendata_learning.action_record(instance)


class PartnershipSerializer(serializers.Serializer[Partnership]):
    id = serializers.IntegerField(help_text=_("The partnership's stable identifier."))
    campaign = serializers.SlugField(help_text=_("The campaign's slug."))
    kind = serializers.ChoiceField(choices=Partnership.Kind.choices, help_text=_("The kind of partnership."))
    kind_label = serializers.CharField(help_text=_("The kind, in the language asked for."))
    description = serializers.CharField(help_text=_("What the two cities say of it."))
    confirmed_at = serializers.DateTimeField(allow_null=True, help_text=_("When the partner city confirmed it (UTC)."))
    proposer = PublicMunicipalitySerializer(help_text=_("The city that proposed it."))
    partner = PublicMunicipalitySerializer(help_text=_("The partner city."))

    def to_representation(self, instance: Partnership) -> dict[str, Any]:
        return opendata_learning.partnership_record(instance)


class ActionFilter(CountryContinentFilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", label=_("A campaign's slug."))
    status = django_filters.ChoiceFilter(choices=LocalAction.Status.choices, label=_("planned, ongoing or completed."))
    commitment = django_filters.CharFilter(
        method="filter_commitment", label=_("A commitment's code, such as RIGHTS-1.")
    )
    municipality = id_filter("municipality_id", _("A municipality's id."))

    class Meta:
        model = LocalAction
        fields = ["campaign", "country", "continent", "status", "commitment", "municipality"]

    def filter_commitment(self, queryset: QuerySet[LocalAction], name: str, value: str) -> QuerySet[LocalAction]:
        # An action serves a commitment once at most: no duplicate rows.
        return queryset.filter(commitments__code=value.strip().upper())


class PartnershipFilter(OpenDataFilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug", label=_("A campaign's slug."))
    kind = django_filters.ChoiceFilter(choices=Partnership.Kind.choices, label=_("The kind of partnership."))
    municipality = extend_schema_field(
        {"type": "integer", "minimum": 1, "maximum": MAX_ID, "description": _("A municipality's id, either side.")}
    )(
        IdFilter(
            method="filter_municipality", label=_("A municipality's id, either side."), min_value=1, max_value=MAX_ID
        )
    )

    class Meta:
        model = Partnership
        fields = ["campaign", "kind", "municipality"]

    def filter_municipality(self, queryset: QuerySet[Partnership], name: str, value: int) -> QuerySet[Partnership]:
        return queryset.filter(Q(proposer_id=value) | Q(partner_id=value))


@extend_schema_view(
    list=extend_schema(
        summary=_("List local actions"),
        description=_(
            "The local actions the campaign team published in the library, newest first, with their texts as the "
            "city wrote them and every translation it added. Drafts and actions waiting for review are not listed."
        ),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One local action"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["actions"])
class ActionViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[LocalAction]):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self) -> QuerySet[LocalAction]:
        return opendata_learning.actions_queryset()


@extend_schema_view(
    list=extend_schema(
        summary=_("List partnerships"),
        description=_("The partnerships between two cities that both confirmed, newest first."),
        parameters=[LANG_PARAMETER],
    ),
    retrieve=extend_schema(summary=_("One partnership"), parameters=[LANG_PARAMETER]),
)
@extend_schema(tags=["partnerships"])
class PartnershipViewSet(OpenDataViewMixin, viewsets.ReadOnlyModelViewSet[Partnership]):
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter

    def get_queryset(self) -> QuerySet[Partnership]:
        return opendata_learning.partnerships_queryset()

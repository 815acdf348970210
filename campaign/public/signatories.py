"""Public city profiles and the list of signatories (namespace "cities").

Only what is public leaves here: verified pledges (and withdrawn ones, as a record of
when), and of their reports only the frozen ReportVersion content. Drafts, rejected
pledges and unsubmitted report edits never appear.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, MunicipalityName
from accounts.names import country_name, country_names, normalize
from campaign.models import Campaign, Commitment
from campaign.public import dashboard
from pledges.display import pledge_display, public_pledges
from pledges.models import Pledge, PledgeCommitment, ProgressReport

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def city_profile(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    pledges = list(
        public_pledges()
        .filter(municipality=municipality)
        .select_related("campaign", "municipality")
        .order_by("-signed_on", "-verified_at")
    )
    if not pledges:
        raise Http404
    country = country_name(municipality.country) or municipality.country
    map_url = reverse("map")
    return render(
        request,
        "public/city_profile.html",
        {
            "municipality": municipality,
            "country": country,
            "continent": dashboard.continent_name(dashboard.continent_of(municipality.country)),
            "items": [pledge_display(p) for p in pledges],
            "page_url": request.build_absolute_uri(request.path),
            "map_link": f"{map_url}?country={municipality.country}",
        },
    )


# --- the list of signatories -------------------------------------------------------------

PAGE_SIZE = 25
SORTS = {
    "name": ("municipality__name",),
    "country": ("country_sort", "municipality__name"),
    "signed": ("signed_on", "municipality__name"),
    "population": ("municipality__population", "municipality__name"),
    "commitments": ("n_commitments", "municipality__name"),
}
REPORTING_FILTERS = {
    "reported": _("Has published a report"),
    "late": _("Has reported late"),
    "none": _("No report published yet"),
}


class SignatoryFilterForm(forms.Form):
    q = forms.CharField(label=_("City or country"), required=False, max_length=100)
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    continent = forms.ChoiceField(label=_("Continent"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    commitment = forms.ChoiceField(label=_("Commitment"), required=False)
    reporting = forms.ChoiceField(label=_("Reports"), required=False)
    sort = forms.ChoiceField(required=False)

    def __init__(
        self,
        *args: Any,
        campaigns: Iterable[Campaign],
        countries: Iterable[str],
        commitments: Iterable[Commitment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, StrOrPromise]] = [("", _("All"))]
        fields = cast("dict[str, forms.ChoiceField]", self.fields)  # the fields set here are ChoiceFields
        fields["campaign"].choices = everything + [(c.slug, c.title) for c in campaigns]
        fields["continent"].choices = everything + [
            (code, dashboard.continent_name(code)) for code in dashboard.CONTINENT_ORDER
        ]
        fields["country"].choices = everything + sorted(
            ((code, country_name(code) or code) for code in countries), key=lambda c: c[1]
        )
        fields["commitment"].choices = everything + [(c.code, f"{c.code} · {c.title}") for c in commitments]
        fields["reporting"].choices = everything + list(REPORTING_FILTERS.items())
        fields["sort"].choices = [(key, key) for key in SORTS] + [(f"-{key}", key) for key in SORTS]


def _submitted_count(**filters: Any) -> Coalesce:
    return Coalesce(
        Subquery(
            ProgressReport.objects.filter(pledge=OuterRef("pk"), status=ProgressReport.Status.SUBMITTED, **filters)
            .values("pledge")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _country_codes_matching(query: str) -> list[str]:
    return [code for code, name in country_names().items() if normalize(name).startswith(query)]


def _country_sort() -> Case:
    return Case(
        *[When(municipality__country=code, then=Value(name)) for code, name in country_names().items()],
        default=F("municipality__country"),
    )


def signatory_list(request: HttpRequest) -> HttpResponse:
    """Verified signatories: searchable, filterable, sortable, 25 a page; five queries."""
    campaigns = list(Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("-signing_opens", "-created"))
    verified = Pledge.objects.filter(status=Pledge.Status.VERIFIED, campaign__in=[c.pk for c in campaigns])
    countries = sorted(set(verified.values_list("municipality__country", flat=True)))
    selected_campaign = next((c for c in campaigns if c.slug == request.GET.get("campaign")), None)
    commitments = Commitment.objects.filter(campaign__in=[selected_campaign or c for c in campaigns]).order_by(
        "order", "code"
    )
    seen, unique_commitments = set(), []
    for commitment in commitments:
        if commitment.code not in seen:
            seen.add(commitment.code)
            unique_commitments.append(commitment)
    form = SignatoryFilterForm(
        request.GET or None, campaigns=campaigns, countries=countries, commitments=unique_commitments
    )
    filters = form.cleaned_data if form.is_valid() else {}

    pledges = verified.select_related("municipality", "campaign").annotate(
        n_commitments=Count("chosen", distinct=True),
        n_reports=_submitted_count(),
        n_late=_submitted_count(is_late=True),
    )
    query = normalize(filters.get("q") or "")
    if query:
        names = MunicipalityName.objects.filter(
            municipality=OuterRef("municipality"), normalized_name__startswith=query
        )
        pledges = pledges.filter(
            Q(Exists(names))
            | Q(municipality__name__icontains=filters["q"].strip())
            | Q(municipality__country__in=_country_codes_matching(query))
        )
    if filters.get("campaign"):
        pledges = pledges.filter(campaign__slug=filters["campaign"])
    if filters.get("continent"):
        pledges = pledges.filter(municipality__country__in=dashboard.countries_in_continent(filters["continent"]))
    if filters.get("country"):
        pledges = pledges.filter(municipality__country=filters["country"])
    if filters.get("commitment"):
        pledges = pledges.filter(
            Exists(PledgeCommitment.objects.filter(pledge=OuterRef("pk"), commitment__code=filters["commitment"]))
        )
    reporting = filters.get("reporting")
    if reporting == "reported":
        pledges = pledges.filter(n_reports__gt=0)
    elif reporting == "late":
        pledges = pledges.filter(n_late__gt=0)
    elif reporting == "none":
        pledges = pledges.filter(n_reports=0)

    sort = filters.get("sort") or "name"
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key == "country":
        pledges = pledges.annotate(country_sort=_country_sort())
    ordering = [
        F(field).desc(nulls_last=True) if descending and i == 0 else F(field).asc(nulls_last=True)
        for i, field in enumerate(SORTS[key])
    ]
    pledges = pledges.order_by(*ordering, "pk")

    page = Paginator(pledges, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "pledge": p,
            "municipality": p.municipality,
            "country": country_name(p.municipality.country) or p.municipality.country,
        }
        for p in page.object_list
    ]
    columns = [
        ("name", _("City or region")),
        ("country", _("Country")),
        ("signed", _("Signed on")),
        ("population", _("Population")),
        ("commitments", _("Commitments")),
    ]
    headers = [
        {
            "key": k,
            "label": label,
            "aria_sort": ("descending" if descending else "ascending") if k == key else "",
            "next": f"-{k}" if k == key and not descending else k,
        }
        for k, label in columns
    ]
    active = any(filters.get(name) for name in ("q", "campaign", "continent", "country", "commitment", "reporting"))
    return render(
        request,
        "public/city_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "headers": headers,
            "query": filters.get("q", ""),
            "filtered": active,
            "show_campaign": len(campaigns) > 1 and not filters.get("campaign"),
            "more_filters_open": any(filters.get(n) for n in ("campaign", "commitment", "reporting")),
        },
    )

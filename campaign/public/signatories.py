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
from django.db.models import Case, Exists, F, IntegerField, JSONField, OuterRef, Q, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, MunicipalityName
from accounts.names import normalize
from accounts.place_names import (
    countries_matching,
    country_choices,
    country_label,
    municipality_name,
    municipality_name_of,
    region_of,
)
from campaign.models import Campaign, Commitment, public_campaigns
from campaign.public import dashboard, indicator_charts, learning
from campaign.public.models import PublicSignatory
from pledges import rules
from pledges.display import pledge_display
from pledges.models import Pledge, PledgeCommitment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def city_profile(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality, slug=municipality_slug)
    pledges = list(
        rules.public_pledges()
        .filter(municipality=municipality)
        .select_related("campaign", "municipality")
        .order_by("-signed_on", "-verified_at")
    )
    if not pledges:
        raise Http404
    country = country_label(municipality.country)
    items = [pledge_display(p) for p in pledges]
    indicator_charts.add_monitoring(items, municipality)  # indicators and means per commitment
    map_url = reverse("map")
    return render(
        request,
        "public/city_profile.html",
        {
            "municipality": municipality,
            "country": country,
            "region": region_of(municipality),
            "place_name": municipality_name_of(municipality),
            "continent": dashboard.continent_name(dashboard.continent_of(municipality.country)),
            "items": items,
            "page_url": request.build_absolute_uri(request.path),
            "map_link": f"{map_url}?country={municipality.country}",
            "learning": learning.city_learning(municipality, pledges),
        },
    )


# --- the list of signatories -------------------------------------------------------------

PAGE_SIZE = 25
SORTS = {
    "name": ("sort_name",),
    "country": ("country_sort", "sort_name"),
    "signed": ("signed_on", "sort_name"),
    "population": ("population", "sort_name"),
    "commitments": ("commitment_count", "sort_name"),
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
        fields["country"].choices = everything + country_choices(countries)
        fields["commitment"].choices = everything + [(c.code, f"{c.code} · {c.title}") for c in commitments]
        fields["reporting"].choices = everything + list(REPORTING_FILTERS.items())
        fields["sort"].choices = [(key, key) for key in SORTS] + [(f"-{key}", key) for key in SORTS]


def _by_country(codes: Iterable[str], descending: bool) -> list[Any]:
    """Countries in the order of their names in the reader's language (the read model's
    ``country_sort`` is English, the same for every language), then names."""
    rank = {code: i for i, (code, _name) in enumerate(country_choices(codes))}
    if not rank:
        return [F("country_sort").asc(), F("sort_name").asc()]
    by_rank = Case(*(When(country=code, then=Value(i)) for code, i in rank.items()), output_field=IntegerField())
    first = by_rank.desc(nulls_last=True) if descending else by_rank.asc(nulls_last=True)
    return [first, F("country_sort").asc(), F("sort_name").asc()]


def signatory_list(request: HttpRequest) -> HttpResponse:
    """Verified signatories, from the read model: searchable, filterable, sortable, 25 a page."""
    campaigns = list(public_campaigns().order_by("-signing_opens", "-created"))
    signatories = PublicSignatory.objects.filter(status=Pledge.Status.VERIFIED)
    countries = sorted(set(signatories.values_list("country", flat=True).distinct()))
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

    rows = signatories
    query = normalize(filters.get("q") or "")
    if query:
        names = MunicipalityName.objects.filter(
            municipality=OuterRef("municipality_id"), normalized_name__startswith=query
        )
        rows = rows.filter(
            Q(Exists(names)) | Q(name__icontains=filters["q"].strip()) | Q(country__in=countries_matching(query))
        )
    if filters.get("campaign"):
        rows = rows.filter(campaign_slug=filters["campaign"])
    if filters.get("continent"):
        rows = rows.filter(continent=filters["continent"])
    if filters.get("country"):
        rows = rows.filter(country=filters["country"])
    if filters.get("commitment"):
        rows = rows.filter(
            Exists(
                PledgeCommitment.objects.filter(pledge_id=OuterRef("pledge_id"), commitment__code=filters["commitment"])
            )
        )
    reporting = filters.get("reporting")
    if reporting == "reported":
        rows = rows.filter(reports_submitted__gt=0)
    elif reporting == "late":
        rows = rows.filter(reports_late__gt=0)
    elif reporting == "none":
        rows = rows.filter(reports_submitted=0)

    sort = filters.get("sort") or "name"
    key, descending = sort.lstrip("-"), sort.startswith("-")
    ordering = [
        F(field).desc(nulls_last=True) if descending and i == 0 else F(field).asc(nulls_last=True)
        for i, field in enumerate(SORTS[key])
    ]
    if key == "country":
        ordering = _by_country(countries, descending)
    rows = rows.order_by(*ordering, "pledge_id").annotate(
        # The names an admin wrote in other languages, read with the page's rows.
        local_names=Subquery(
            Municipality.objects.filter(pk=OuterRef("municipality_id")).values("local_names")[:1],
            output_field=JSONField(),
        )
    )

    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = {c.pk: c.title for c in campaigns}
    kinds = dict(Municipality.Kind.choices)
    page_rows = [
        {
            "signatory": row,
            "campaign_title": titles.get(row.campaign_id, ""),
            "kind": kinds.get(row.kind, "") if row.kind != Municipality.Kind.MUNICIPALITY else "",
            "country": country_label(row.country),
            "place_name": municipality_name(
                name=row.name,
                country=row.country,
                time_zone=row.time_zone,
                local_names=getattr(row, "local_names", None),  # annotated above
            ),
        }
        for row in page.object_list
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
            "rows": page_rows,
            "headers": headers,
            "query": filters.get("q", ""),
            "filtered": active,
            "show_campaign": len(campaigns) > 1 and not filters.get("campaign"),
            "more_filters_open": any(filters.get(n) for n in ("campaign", "commitment", "reporting")),
        },
    )

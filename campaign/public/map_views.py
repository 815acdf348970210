"""The public signatory map, its GeoJSON and the embeddable counter and map. Read-only.

- ``/map/signatories.geojson`` (no language prefix): see campaign/public/map_data.py for
  the format and the filters. Open data: any site may read it (``open_to_other_sites``, on
  every answer, 304s included). Served finished from the cache to visitors without a session
  (``finished_response`` in urls.py, campaign/public/cache.py: gzip and brotli bytes, a strong
  ETag per encoding, 304, public Cache-Control); otherwise the view answers with its own ETag
  (the public version, its quarter of an hour and the filters) and 304 on If-None-Match.
- ``/<lang>/map/``: the map with filters and the list beside it (static/js/map.js).
- ``/<lang>/embed/``: the snippets to copy, with a live preview.
- ``/<lang>/embed/counter/`` and ``/<lang>/embed/map/``: the only pages other sites may
  frame (no X-Frame-Options; their Content-Security-Policy says ``frame-ancestors *``:
  campaign/security_headers.py reads the exemption).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import parse_etags
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from accounts.geo import continent_choices
from campaign.models import Campaign, Commitment, public_campaigns
from campaign.public import cache, map_data, map_learning

logger = logging.getLogger(__name__)

GEOJSON_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
EMBED_CACHE_CONTROL = "public, max-age=60"


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    # If-None-Match uses the weak comparison: W/"x" matches "x".
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _etag(filters: dict[str, str]) -> str | None:
    """The view's own validator: what the body depends on (the public version, the quarter of
    an hour the cached pages turn with, the filters), so that a 304 costs no query."""
    try:
        version = cache.public_version()
    except Exception:
        logger.warning("Public version unavailable: the GeoJSON goes without an ETag", exc_info=True)
        return None
    bucket = int(time.time() // cache.TIME_BUCKET_SECONDS)
    query = "&".join(f"{k}={v}" for k, v in sorted(filters.items()))
    return f'"{hashlib.sha256(f"{map_data.SCHEMA}|{version}|{bucket}|{query}".encode()).hexdigest()[:24]}"'


@require_safe
def signatories_geojson(request: HttpRequest) -> HttpResponse:
    try:
        filters = map_data.clean_filters(request.GET)
    except map_data.InvalidFilter as error:
        return JsonResponse(
            {"error": _("Invalid value for the filter “%(name)s”.") % {"name": error.args[0]}}, status=400
        )
    etag = _etag(filters)
    if etag and _not_modified(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(map_data.geojson(filters), content_type="application/geo+json")
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = GEOJSON_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may read it
    return response


def _learning_geojson(request: HttpRequest, layer: str, build: Callable[[dict[str, str]], str]) -> HttpResponse:
    try:
        params = map_learning.clean_params(request.GET)
    except map_data.InvalidFilter as error:
        return JsonResponse(
            {"error": _("Invalid value for the filter “%(name)s”.") % {"name": error.args[0]}}, status=400
        )
    etag = _etag({**params, "layer": f"{map_learning.SCHEMA}-{layer}"})
    if etag and _not_modified(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(build(params), content_type="application/geo+json")
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = GEOJSON_CACHE_CONTROL
    response["Access-Control-Allow-Origin"] = "*"  # open data: other sites may read it
    return response


@require_safe
def actions_geojson(request: HttpRequest) -> HttpResponse:
    """The public local actions, a point at each one's city (campaign/public/map_learning.py)."""
    return _learning_geojson(request, "actions", map_learning.actions_geojson)


@require_safe
def partnerships_geojson(request: HttpRequest) -> HttpResponse:
    """The confirmed partnerships, a line between the two cities (campaign/public/map_learning.py)."""
    return _learning_geojson(request, "partnerships", map_learning.partnerships_geojson)


def open_to_other_sites(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Any site may read what the view answers (open data), 304s from the cache included."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


def _public_campaigns() -> QuerySet[Campaign]:
    return public_campaigns().order_by("-signing_opens", "-created")


def _map_config(
    request: HttpRequest, *, campaign: str = "", embed: bool = False, campaigns: Iterable[Campaign] = ()
) -> dict[str, Any]:
    """What static/js/map.js needs, passed to it with json_script."""
    geojson = reverse("map_signatories_geojson")
    reader_language = map_learning.reader_language(get_language())
    if embed and campaign:
        geojson += f"?campaign={campaign}"
    return {
        "geojson": geojson,
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "profileUrl": reverse("cities:detail", kwargs={"municipality_slug": "__slug__"}),
        "embed": embed,
        "campaigns": {c.slug: c.title for c in campaigns},
        "states": dict(reporting_state_choices()),
        # The GeoJSON's short reporting codes, and the names of its countries (sent once here).
        "reportingCodes": {code: state for state, code in map_data.REPORTING_CODES.items()},
        "countries": map_data.country_names(campaign_slug=campaign),
        # The names of places in the page's language, by slug ("Lisbonne", beside it "Lisboa").
        "names": map_data.place_names(campaign_slug=campaign),
        # The peer learning layers (campaign/public/map_learning.py; static/js/map-learning.js).
        "learning": {
            "actions": f"{reverse('map_actions_geojson')}?language={reader_language}",
            "partnerships": f"{reverse('map_partnerships_geojson')}?language={reader_language}",
        },
    }


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    campaigns = list(_public_campaigns())
    commitments = (
        Commitment.objects.filter(campaign__in=campaigns)
        .select_related("campaign")
        .order_by("campaign_id", "order", "code")
    )
    return render(
        request,
        "public/map.html",
        {
            "campaigns": campaigns,
            "commitments": commitments,
            "continents": continent_choices(),
            "states": reporting_state_choices(),
            "map_config": _map_config(request, campaigns=campaigns),
        },
    )


def reporting_state_choices() -> list[tuple[str, str]]:
    return [
        (map_data.ON_TIME, _("Reports on time")),
        (map_data.LATE, _("Report late or overdue")),
        (map_data.NONE, _("No report due yet")),
    ]


def embeddable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Other sites may frame this page, and only this kind of page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response.setdefault("Cache-Control", EMBED_CACHE_CONTROL)
        return response

    return xframe_options_exempt(wrapped)


def _campaign_param(request: HttpRequest) -> Campaign | None:
    slug = (request.GET.get("campaign") or "").strip()
    if not slug or not map_data.SLUG_RE.match(slug):
        return None
    return _public_campaigns().filter(slug=slug).first()


@require_safe
@embeddable
def embed_counter(request: HttpRequest) -> HttpResponse:
    campaign = _campaign_param(request)
    return render(
        request,
        "public/embed_counter.html",
        {
            "campaign": campaign,
            "count": map_data.signed_city_count(campaign.slug if campaign else ""),
            "site_link": _site_link(campaign),
        },
    )


@require_safe
@embeddable
def embed_map(request: HttpRequest) -> HttpResponse:
    campaign = _campaign_param(request)
    return render(
        request,
        "public/embed_map.html",
        {
            "campaign": campaign,
            "site_link": _site_link(campaign, to_map=True),
            "states": reporting_state_choices(),
            "map_config": _map_config(
                request,
                campaign=campaign.slug if campaign else "",
                embed=True,
                campaigns=[campaign] if campaign else [],
            ),
        },
    )


def _site_link(campaign: Campaign | None, *, to_map: bool = False) -> str:
    if to_map:
        url = reverse("map")
        return f"{url}?campaign={campaign.slug}" if campaign else url
    return campaign.get_absolute_url() if campaign else reverse("home")


@require_safe
def embed_index(request: HttpRequest) -> HttpResponse:
    campaigns = list(_public_campaigns())
    return render(
        request,
        "public/embed_index.html",
        {
            "campaigns": campaigns,
            "counter_url": request.build_absolute_uri(reverse("embed_counter")),
            "map_url": request.build_absolute_uri(reverse("embed_map")),
        },
    )

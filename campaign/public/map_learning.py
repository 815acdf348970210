"""The map's peer learning layers: GeoJSON FeatureCollections of the public local actions
(a Point at the action's city) and of the confirmed partnerships (a LineString between the
two cities). Only what pledges.learning.rules says is public.

``/map/actions.geojson`` and ``/map/partnerships.geojson`` (no language prefix): the texts
are in the language of ``?language=`` (a site language, English otherwise), the links go to
the pages in that language; ``?campaign=<slug>`` keeps one campaign's. Each layer costs a
fixed number of queries (two for the actions, two for the partnerships).

Action feature properties: ``id``, ``title`` and ``language`` (of the title shown: a
translation into the reader's language when the city gave one), ``city``, ``country``,
``url`` (the library's page), ``city_url`` (the profile, or null when the city has none).
Partnership feature properties: ``id``, ``kind`` (code), ``kind_label``, ``since``
(YYYY-MM-DD), ``cities`` ([{name, country, url}, {…}], the proposer first).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import Municipality
from accounts.place_names import municipality_name_of
from campaign.public.learning import with_public_profiles
from campaign.public.map_data import COORDINATE_DECIMALS, SLUG_RE, InvalidFilter
from pledges.learning.display import texts_for, with_translations
from pledges.learning.rules import public_actions, public_partnerships

SCHEMA = "learning-map-v1"
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def reader_language(language: str | None) -> str:
    """The site language closest to ``language`` (the active one), English otherwise."""
    base = (language or "").lower().split("-")[0]
    return base if base in LANGUAGE_CODES else settings.LANGUAGE_CODE


def clean_params(params: Mapping[str, str]) -> dict[str, str]:
    """``language`` (always set: a site language) and ``campaign`` (if given); InvalidFilter."""
    cleaned = {"language": settings.LANGUAGE_CODE}
    language = (params.get("language") or "").strip().lower()
    if language:
        if language not in LANGUAGE_CODES:
            raise InvalidFilter("language")
        cleaned["language"] = language
    campaign = (params.get("campaign") or "").strip()
    if campaign:
        if not SLUG_RE.match(campaign):
            raise InvalidFilter("campaign")
        cleaned["campaign"] = campaign
    return cleaned


def _point(municipality: Municipality) -> list[float] | None:
    if municipality.latitude is None or municipality.longitude is None:
        return None
    return [round(municipality.longitude, COORDINATE_DECIMALS), round(municipality.latitude, COORDINATE_DECIMALS)]


def _profile_url(municipality: Municipality, with_profile: set[int]) -> str | None:
    if municipality.pk not in with_profile:
        return None
    return reverse("cities:detail", kwargs={"municipality_slug": municipality.slug})


def _dump(features: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))


def action_features(params: Mapping[str, str]) -> list[dict[str, Any]]:
    language = params["language"]
    actions = public_actions().select_related("municipality").order_by("-published_at", "-pk")
    if params.get("campaign"):
        actions = actions.filter(campaign__slug=params["campaign"])
    actions_list = list(with_translations(actions))
    with_profile = with_public_profiles(a.municipality_id for a in actions_list)
    features = []
    with translation.override(language):
        for action in actions_list:
            point = _point(action.municipality)
            if point is None:
                continue
            texts = texts_for(action, language)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": point},
                    "properties": {
                        "id": action.pk,
                        "title": texts.title,
                        "language": texts.language,
                        "city": municipality_name_of(action.municipality, language).name,
                        "country": action.municipality.country,
                        "url": reverse("library:detail", kwargs={"pk": action.pk}),
                        "city_url": _profile_url(action.municipality, with_profile),
                    },
                }
            )
    return features


def partnership_features(params: Mapping[str, str]) -> list[dict[str, Any]]:
    language = params["language"]
    partnerships = public_partnerships().select_related("proposer", "partner").order_by("-answered_at", "-pk")
    if params.get("campaign"):
        partnerships = partnerships.filter(campaign__slug=params["campaign"])
    partnership_list = list(partnerships)
    with_profile = with_public_profiles(
        [p.proposer_id for p in partnership_list] + [p.partner_id for p in partnership_list]
    )
    features = []
    with translation.override(language):
        for partnership in partnership_list:
            ends = [_point(partnership.proposer), _point(partnership.partner)]
            if None in ends:
                continue
            since = partnership.answered_at or partnership.created_at
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": ends},
                    "properties": {
                        "id": partnership.pk,
                        "kind": partnership.kind,
                        "kind_label": str(partnership.get_kind_display()),
                        "since": since.date().isoformat() if since else None,
                        "cities": [
                            {
                                "name": municipality_name_of(city, language).name,
                                "country": city.country,
                                "url": _profile_url(city, with_profile),
                            }
                            for city in (partnership.proposer, partnership.partner)
                        ],
                    },
                }
            )
    return features


def actions_geojson(params: Mapping[str, str]) -> str:
    return _dump(action_features(params))


def partnerships_geojson(params: Mapping[str, str]) -> str:
    return _dump(partnership_features(params))

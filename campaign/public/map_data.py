"""The signatory map's data: a compact GeoJSON FeatureCollection read from the read model.

What a feature is
    One Point feature per **signatory** (pledges/rules.py: a verified pledge of a public
    campaign), read from ``PublicSignatory`` (campaign/public/models.py, kept by
    projection.py) in one query, and their campaigns' commitment codes in another. A city
    that signed two campaigns has two features at the same place, one per campaign.
    Withdrawn pledges, drafts, submitted and rejected ones are never on the map. A feature
    has no ``id`` (the map needs none: the API and the downloads carry the pledges' ids);
    its properties, short because there are tens of thousands of them, and nothing else::

        n  name
        s  slug (the city's profile is /<lang>/cities/<slug>/), left out when it is what
           the map's script derives from an ASCII name and the country (``derived_slug``:
           "Mechelen", "BE" -> "mechelen-be"), as most are
        c  country, ISO 3166-1 alpha-2
        k  continent, GeoNames code: AF AS EU NA OC SA AN
        p  campaign slug
        d  signed on, YYYY-MM-DD (or null)
        x  the commitments it chose, required ones included, as a bit mask in hexadecimal:
           bit i (from the right) stands for the i-th code of its campaign's list in the
           collection's ``commitments`` member (``{"<campaign slug>": ["RIGHTS-1", ...]}``,
           in the campaign's order); how many it chose is the number of bits set
        r  reporting state: "o" on time, "l" late or overdue, "n" none due yet
           (pledges/rules.py says what each means; REPORTING_CODES below)

    Coordinates are ``[longitude, latitude]`` rounded to 3 decimals (about 110 m, finer than
    where a directory puts a city's point), written
    without spaces. Features are sorted by name (case-folded), then campaign, then slug.
    Country names are not repeated in every feature: the map's page sends a table of them
    (``country_names``), in the reader's language, and so does it for the names of the
    places CLDR or an admin names in it (``local_names``: "Lisbonne (Lisboa)").

Filters (``?campaign=&continent=&country=&commitment=&reporting=``) are read in SQL on the
read model's columns, but the commitment, which is looked up in the codes' list in Python
(a JSON containment lookup SQLite lacks).

Freshness: the read model moves with each change, in its transaction, and the reporting
states a due date moves are refreshed within the hour (projection.refresh_due). The view is
served finished from the cache under the public version (campaign/public/cache.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from accounts.geo import CONTINENTS
from accounts.models import Municipality
from accounts.place_names import country_label, municipality_name
from campaign.models import COMMITMENT_CODE_RE, Commitment
from campaign.public.models import PublicSignatory
from pledges import rules
from pledges.models import Pledge

SCHEMA = "map-v5"  # the feature format: the view's ETag carries it

ON_TIME, LATE, NONE = rules.ON_TIME, rules.LATE, rules.NONE
REPORTING_STATES = (ON_TIME, LATE, NONE)  # a signatory's (withdrawn ones are not on the map)
REPORTING_CODES = {ON_TIME: "o", LATE: "l", NONE: "n"}  # the "r" property
COORDINATE_DECIMALS = 3

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
COUNTRY_RE = re.compile(r"^[A-Za-z]{2}$")

FIELDS = (
    "name",
    "slug",
    "country",
    "continent",
    "campaign_slug",
    "signed_on",
    "commitment_mask",
    "reporting_state",
    "longitude",
    "latitude",
)


# --- filters ----------------------------------------------------------------------------------


class InvalidFilter(ValueError):
    pass


FILTER_NAMES = ("campaign", "continent", "country", "commitment", "reporting")
# The read model's column of each filter read in SQL.
COLUMNS = {"campaign": "campaign_slug", "continent": "continent", "country": "country", "reporting": "reporting_state"}


def clean_filters(params: Mapping[str, str]) -> dict[str, str]:
    """The recognised, non-empty filters of a query string, normalised; InvalidFilter if a value
    cannot be one (so that arbitrary strings never reach a query)."""
    filters: dict[str, str] = {}
    ok: bool | re.Match[str] | None
    for name in FILTER_NAMES:
        value = (params.get(name) or "").strip()
        if not value:
            continue
        if name == "campaign":
            ok = SLUG_RE.match(value)
        elif name == "continent":
            value = value.upper()
            ok = value in CONTINENTS
        elif name == "country":
            value = value.upper()
            ok = COUNTRY_RE.match(value)
        elif name == "commitment":
            value = value.upper()
            ok = COMMITMENT_CODE_RE.match(value)
        else:
            ok = value in REPORTING_STATES
        if not ok:
            raise InvalidFilter(name)
        filters[name] = value
    return filters


# --- building the collection ----------------------------------------------------------------


def _rows(filters: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """The signatories' rows that pass the filters, as tuples of FIELDS: one query."""
    signatories = PublicSignatory.objects.filter(
        status=Pledge.Status.VERIFIED, **{COLUMNS[name]: value for name, value in filters.items() if name in COLUMNS}
    )
    code = filters.get("commitment")
    if code:
        rows = [row[:-1] for row in signatories.order_by().values_list(*FIELDS, "commitment_codes") if code in row[-1]]
    else:
        rows = list(signatories.order_by().values_list(*FIELDS))
    name_at, campaign_at, slug_at = FIELDS.index("name"), FIELDS.index("campaign_slug"), FIELDS.index("slug")
    rows.sort(key=lambda row: (row[name_at].casefold(), row[campaign_at], row[slug_at]))
    return rows


def campaign_codes(campaign_slugs: set[str]) -> dict[str, list[str]]:
    """Each campaign's commitment codes in its order (what the "x" masks count in): one query."""
    codes: dict[str, list[str]] = {slug: [] for slug in sorted(campaign_slugs)}
    for slug, code in (
        Commitment.objects.filter(campaign__slug__in=campaign_slugs)
        .order_by("campaign__slug", "order", "code")
        .values_list("campaign__slug", "code")
    ):
        codes[slug].append(code)
    return codes


def commitment_mask(chosen: list[str], codes: list[str]) -> str:
    """The "x" property: bit i set when the campaign's i-th code was chosen, in hexadecimal."""
    bits = {code: 1 << i for i, code in enumerate(codes)}
    return format(sum(bits.get(code, 0) for code in set(chosen)), "x")


NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


def derived_slug(name: str, country: str) -> str | None:
    """The slug the map's script (static/js/map.js, derivedSlug) makes of a name and a
    country: only for ASCII names, where the two languages lower-case alike."""
    if not name.isascii():
        return None
    base = NOT_SLUG_RE.sub("-", name.lower()).strip("-")
    return f"{base}-{country.lower()}" if base else None


def collection(filters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The signatories that pass the filters as a compact FeatureCollection: two queries."""
    rows = _rows(filters or {})
    codes = campaign_codes({row[FIELDS.index("campaign_slug")] for row in rows})
    features: list[dict[str, Any]] = []
    for name, slug, country, continent, campaign, signed_on, mask, state, lon, lat in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)],
                },
                "properties": {
                    "n": name,
                    **({} if slug == derived_slug(name, country) else {"s": slug}),
                    "c": country,
                    "k": continent,
                    "p": campaign,
                    "d": signed_on.isoformat() if signed_on else None,
                    "x": mask,
                    "r": REPORTING_CODES.get(state, REPORTING_CODES[NONE]),
                },
            }
        )
    return {"type": "FeatureCollection", "commitments": codes, "features": features}


def dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def geojson(filters: Mapping[str, str] | None = None) -> bytes:
    """The body of /map/signatories.geojson for these (cleaned) filters."""
    return dumps(collection(filters))


# --- what the map's page sends once ---------------------------------------------------------


def country_names(campaign_slug: str = "") -> dict[str, str]:
    """Code → name in the active language of the countries with a signatory (of the campaign,
    if given), in one query: the table the map looks the "c" property up in (the code itself
    when the name is unknown). The map's page is cached per language; the GeoJSON, which is
    not, carries codes only."""
    signatories = PublicSignatory.objects.filter(status=Pledge.Status.VERIFIED)
    if campaign_slug:
        signatories = signatories.filter(campaign_slug=campaign_slug)
    codes = signatories.order_by().values_list("country", flat=True).distinct()
    return {code: country_label(code) for code in sorted(set(codes)) if code}


def place_names(campaign_slug: str = "") -> dict[str, list[str]]:
    """Slug → [name, local name or ""] of the signatories (of the campaign, if given) whose
    name in the active language is not the directory's, or who have a local name beside it
    ("lisbon-pt": ["Lisbonne", "Lisboa"]), in one query: the map shows these instead of "n"."""
    signatories = PublicSignatory.objects.filter(status=Pledge.Status.VERIFIED)
    if campaign_slug:
        signatories = signatories.filter(campaign_slug=campaign_slug)
    places = Municipality.objects.filter(pk__in=signatories.values("municipality_id")).values_list(
        "slug", "name", "ascii_name", "country", "time_zone", "local_names"
    )
    names: dict[str, list[str]] = {}
    for slug, name, ascii_name, country, time_zone, local_names in places.order_by("slug"):
        shown = municipality_name(
            name=name, ascii_name=ascii_name, country=country, time_zone=time_zone, local_names=local_names
        )
        if shown.name != name or shown.local:
            names[slug] = [shown.name, shown.local or ""]
    return names


def signed_city_count(campaign_slug: str = "") -> int:
    """How many municipalities are signatories (of the campaign, if given)."""
    signatories = PublicSignatory.objects.filter(status=Pledge.Status.VERIFIED)
    if campaign_slug:
        signatories = signatories.filter(campaign_slug=campaign_slug)
    return signatories.values("municipality_id").distinct().count()


# --- the reporting rule, for the open data (campaign/public/opendata.py) ---------------------


class SubmittedReport(Protocol):
    @property
    def is_late(self) -> bool: ...


def reporting_state(
    *, due_dates: list[tuple[int, date]], submitted: Mapping[int, SubmittedReport], today: date, joined: date | None
) -> str:
    """pledges.rules.reporting_state, with the submitted reports as objects that say whether
    they were late (what opendata.py has at hand). The map reads the state from the read model."""
    return rules.reporting_state(
        due_dates=due_dates,
        submitted={period: report.is_late for period, report in submitted.items()},
        today=today,
        joined=joined,
    )

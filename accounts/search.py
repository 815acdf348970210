"""Finding municipalities by name, in any spelling and any script, fast.

Each municipality has one ``MunicipalityName`` row per normalised name (accounts/names.py)
and per later word of each name in a spaced script, each with its ``kind``: the place's own
name, a name in another language or script, or a later word. A search is two queries: an
indexed prefix match (``LIKE 'x%'``) on the forms, grouped by place, each place ranked by the
best of the forms that matched it; then the places found, by primary key.
"""

from django.db.models import Case, F, IntegerField, Min, Q, Value, When

from accounts.models import Municipality, MunicipalityName
from accounts.names import MIN_QUERY_LENGTH, MIN_QUERY_LENGTH_IDEOGRAPHIC, is_searchable, normalize

__all__ = ["MAX_RESULTS", "MIN_QUERY_LENGTH", "MIN_QUERY_LENGTH_IDEOGRAPHIC", "match_rank", "search_municipalities"]

MAX_RESULTS = 20

# How well a form matches the query, best first.
EXACT_OWN, EXACT_ALTERNATE, PREFIX_OWN, PREFIX_ALTERNATE, EXACT_WORD, PREFIX_WORD = range(6)


def match_rank(query: str, prefix: str = "search_names__") -> Case:
    """The rank (``EXACT_OWN`` ... ``PREFIX_WORD``) of the matched form, for ``Min()``.

    The whole of the place's own name first, then the whole of another of its names, then
    the beginning of its own name, then the beginning of another name, then a later word:
    "Lisboa" is an alternate name of Lisbon and a later word of Huambo's "Nova Lisboa".
    """
    name, kind = f"{prefix}normalized_name", f"{prefix}kind"
    own, alternate = MunicipalityName.Kind.OWN, MunicipalityName.Kind.ALTERNATE
    return Case(
        When(Q(**{name: query, kind: own}), then=Value(EXACT_OWN)),
        When(Q(**{name: query, kind: alternate}), then=Value(EXACT_ALTERNATE)),
        When(Q(**{kind: own}), then=Value(PREFIX_OWN)),
        When(Q(**{kind: alternate}), then=Value(PREFIX_ALTERNATE)),
        When(Q(**{name: query}), then=Value(EXACT_WORD)),
        default=Value(PREFIX_WORD),
        output_field=IntegerField(),
    )


def search_municipalities(text: str, limit: int = MAX_RESULTS) -> list[Municipality]:
    """Municipalities one of whose names, or a later word of one, starts with ``text``.

    Accent-, case- and (in Arabic) vowel-insensitive; each place once; at most ``limit``
    (never more than 20). Places are ranked by their best-matching name (see ``match_rank``):
    "Tanger" gives Tangier, whose alternate name it is, before the bigger Tangerang; within a
    rank larger populations come first, then by name. A text shorter than two characters
    once normalised (one in Han, kana or Hangul) finds nothing.
    """
    query = normalize(text)
    limit = max(0, min(int(limit), MAX_RESULTS))
    if not is_searchable(query) or limit == 0:
        return []
    # Driven by the index on the forms (grouping on Municipality would make the database scan
    # the places instead); the places themselves are a second query, by primary key.
    ranked = list(
        MunicipalityName.objects.filter(normalized_name__startswith=query)
        .values_list("municipality_id", flat=True)
        .annotate(match=Min(match_rank(query, prefix="")))
        .order_by(
            "match", F("municipality__population").desc(nulls_last=True), "municipality__name", "municipality_id"
        )[:limit]
    )
    places = Municipality.objects.in_bulk(ranked)
    return [places[pk] for pk in ranked if pk in places]

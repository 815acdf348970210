"""Finding municipalities by name, in any spelling, fast.

Each municipality has one ``MunicipalityName`` row per normalised name (accounts/names.py)
and per later word of each name, so a search is a single indexed prefix match
(``LIKE 'x%'``); see the model.
"""

from django.db.models import F

from accounts.models import Municipality, MunicipalityName
from accounts.names import MIN_QUERY_LENGTH, normalize

MAX_RESULTS = 20


def search_municipalities(text: str, limit: int = MAX_RESULTS) -> list:
    """Municipalities one of whose names, or a later word of one, starts with ``text``.

    Accent- and case-insensitive; each place once; at most ``limit`` (never more than 20).
    Places with a name equal to the text come first ("Tanger" gives Tangier before the bigger
    Tangerang), then the other matches; within each group larger populations come first,
    then by name. A text shorter than two letters once normalised finds nothing.
    """
    query = normalize(text)
    limit = max(0, min(int(limit), MAX_RESULTS))
    if len(query) < MIN_QUERY_LENGTH or limit == 0:
        return []
    ranking = (F("population").desc(nulls_last=True), "name", "pk")
    exact_ids = MunicipalityName.objects.filter(normalized_name=query).values("municipality_id")
    exact = list(Municipality.objects.filter(pk__in=exact_ids).order_by(*ranking)[:limit])
    if len(exact) == limit:
        return exact
    prefix_ids = MunicipalityName.objects.filter(normalized_name__startswith=query).values("municipality_id")
    others = (
        Municipality.objects.filter(pk__in=prefix_ids)
        .exclude(pk__in=[m.pk for m in exact])
        .order_by(*ranking)[: limit - len(exact)]
    )
    return exact + list(others)

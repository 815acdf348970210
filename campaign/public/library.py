"""The public library of local actions: its queries (namespace "library", library_views.py).

Everything starts from pledges.learning.rules.public_actions(): published actions of public
campaigns, never a draft, an action waiting for review or one returned for changes. The
filters come from the GET parameters (``LibraryFilterForm``): a value that is not one of
the choices is left out and said next to its field, never a 500. A page of the library
costs a fixed number of queries, however many actions there are: the count, the page's
rows with their municipality, their commitments and their translations (prefetched), and
the choices of the filters (countries and commitments).

The GCM objectives are a JSON list: "this list holds n" is asked position by position
(``gcm_objectives__0 = n OR gcm_objectives__1 = n ...``, one key lookup each), which the
database answers alike on SQLite and PostgreSQL (``__contains`` on a JSON field is refused
by SQLite), in the query itself, so the pagination stays right.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, cast

from babel import Locale, UnknownLocaleError
from babel.numbers import UnknownCurrencyError, format_currency
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from accounts.geo import continent_of
from accounts.place_names import PlaceName, country_choices, country_label, municipality_name_of
from campaign.models import GCM_OBJECTIVES, Commitment, public_campaigns
from campaign.public import dashboard
from pledges.learning.display import ActionTexts, languages_of, texts_for, with_translations
from pledges.learning.models import LocalAction, LocalActionFile, LocalActionResult
from pledges.learning.rules import CITY_SIZES, public_actions, public_events
from pledges.learning.search import search_actions
from pledges.monitoring.values import format_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 24
FEED_SIZE = 50

SIZE_LABELS = {
    "small": _("Small (under 50,000 inhabitants)"),
    "medium": _("Medium (50,000 to 499,999 inhabitants)"),
    "large": _("Large (500,000 to 1,999,999 inhabitants)"),
    "metropolis": _("Metropolis (2 million inhabitants or more)"),
}
FILTER_NAMES = ("q", "theme", "commitment", "gcm", "continent", "country", "size", "status")


# --- languages and numbers in the reader's words ------------------------------------------


def _babel_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(to_locale(code or ""))
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            return Locale.parse((code or "").split("-")[0])
        except (UnknownLocaleError, ValueError, TypeError):
            return None


def language_label(code: str, reader: str | None = None) -> str:
    """The name of language ``code`` in the reader's language ("espagnol" for a French
    reader of "es", lowercase as French writes it mid-sentence); the code itself when CLDR does not know it."""
    language = _babel_locale(code)
    reader_locale = _babel_locale(reader or get_language() or "en")
    if language is None or reader_locale is None:
        return code
    return language.get_display_name(reader_locale) or code  # as written mid-sentence


def language_self_name(code: str) -> str:
    """The name of a language in itself ("Español"), for the links to read it in it."""
    language = _babel_locale(code)
    if language is None:
        return code
    name = language.get_display_name(language) or code
    return name[:1].upper() + name[1:]


def format_budget(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """The budget as the reader's locale writes it, with its currency when there is one."""
    if amount is None:
        return ""
    reader = to_locale(language or get_language() or "en")
    if currency:
        try:
            return format_currency(amount, currency.upper(), locale=reader)
        except (UnknownCurrencyError, UnknownLocaleError, ValueError):
            return f"{format_number(amount, language)} {currency.upper()}"
    return format_number(amount, language)


# --- the filters ------------------------------------------------------------------------


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    commitment = forms.ChoiceField(label=_("Commitment"), required=False)
    gcm = forms.TypedChoiceField(label=_("GCM objective"), required=False, coerce=int, empty_value=None)
    continent = forms.ChoiceField(label=_("Continent"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    size = forms.ChoiceField(label=_("City size"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, countries: Iterable[str], commitments: Iterable[Commitment], **kwargs: Any):
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, StrOrPromise]] = [("", _("All"))]
        fields = cast("dict[str, forms.ChoiceField]", self.fields)
        fields["theme"].choices = everything + list(Commitment.Theme.choices)
        fields["commitment"].choices = everything + [(c.code, f"{c.code} · {c.title}") for c in commitments]
        fields["gcm"].choices = everything + [
            (str(n), _("Objective %(number)s") % {"number": n}) for n in GCM_OBJECTIVES
        ]
        fields["continent"].choices = everything + [
            (code, dashboard.continent_name(code)) for code in dashboard.CONTINENT_ORDER if code != "AN"
        ]
        fields["country"].choices = everything + country_choices(countries)
        fields["size"].choices = everything + [(code, SIZE_LABELS[code]) for code, _low, _high in CITY_SIZES]
        fields["status"].choices = everything + list(LocalAction.Status.choices)

    def filters(self) -> dict[str, Any]:
        """The values that are valid (an invalid one is left out; its error is on its field)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


def _has_gcm(number: int) -> Q:
    return reduce(or_, (Q(**{f"gcm_objectives__{i}": number}) for i in range(len(GCM_OBJECTIVES))))


def filter_actions(actions: QuerySet[LocalAction], filters: dict[str, Any]) -> QuerySet[LocalAction]:
    """``actions`` narrowed by the library's filters (cleaned values of LibraryFilterForm)."""
    through = LocalAction.commitments.through
    if filters.get("q"):
        actions = search_actions(actions, filters["q"])
    if filters.get("theme"):
        actions = actions.filter(
            Exists(through.objects.filter(localaction_id=OuterRef("pk"), commitment__theme=filters["theme"]))
        )
    if filters.get("commitment"):
        actions = actions.filter(
            Exists(through.objects.filter(localaction_id=OuterRef("pk"), commitment__code=filters["commitment"]))
        )
    if filters.get("gcm"):
        actions = actions.filter(_has_gcm(filters["gcm"]))
    if filters.get("continent"):
        actions = actions.filter(municipality__country__in=dashboard.countries_in_continent(filters["continent"]))
    if filters.get("country"):
        actions = actions.filter(municipality__country=filters["country"])
    if filters.get("size"):
        for code, low, high in CITY_SIZES:
            if code == filters["size"]:
                actions = actions.filter(municipality__population__gte=low)
                if high is not None:
                    actions = actions.filter(municipality__population__lte=high)
    if filters.get("status"):
        actions = actions.filter(status=filters["status"])
    return actions


def _commitments_of_public_campaigns() -> list[Commitment]:
    """The public campaigns' commitments, one per code (the first by order)."""
    seen: set[str] = set()
    unique = []
    for commitment in Commitment.objects.filter(campaign__in=public_campaigns()).order_by("order", "code", "pk"):
        if commitment.code not in seen:
            seen.add(commitment.code)
            unique.append(commitment)
    return unique


def _themes_of(action: LocalAction) -> list[str]:
    labels = dict(Commitment.Theme.choices)
    themes: list[str] = []
    for commitment in action.commitments.all():  # prefetched
        label = str(labels.get(commitment.theme, ""))
        if label and label not in themes:
            themes.append(label)
    return themes


@dataclass
class ActionCard:
    action: LocalAction
    texts: ActionTexts
    place_name: PlaceName
    country: str
    themes: list[str]
    original_language_name: str


def card_of(action: LocalAction) -> ActionCard:
    texts = texts_for(action)
    return ActionCard(
        action=action,
        texts=texts,
        place_name=municipality_name_of(action.municipality),
        country=country_label(action.municipality.country),
        themes=_themes_of(action),
        original_language_name=language_label(action.language),
    )


def listed(actions: QuerySet[LocalAction]) -> QuerySet[LocalAction]:
    """What a list of actions reads with them: the municipality, commitments, translations."""
    return with_translations(
        actions.select_related("municipality").prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.order_by("order", "code"))
        )
    ).order_by("-published_at", "-pk")


@dataclass
class Library:
    form: LibraryFilterForm
    page: Page[LocalAction]
    cards: list[ActionCard]
    filtered: bool
    query: str
    invalid: list[str] = field(default_factory=list)


def library_page(params: Any) -> Library:
    """The library for these GET parameters: filters, the page asked for (24 a page)."""
    countries = sorted(
        set(public_actions().order_by().values_list("municipality__country", flat=True).distinct()) - {"", None}
    )
    form = LibraryFilterForm(params or None, countries=countries, commitments=_commitments_of_public_campaigns())
    filters = form.filters() if params else {}
    actions = listed(filter_actions(public_actions(), filters))
    page = Paginator(actions, PAGE_SIZE).get_page(params.get("page") if params else None)
    return Library(
        form=form,
        page=page,
        cards=[card_of(action) for action in page.object_list],
        filtered=any(filters.get(name) for name in FILTER_NAMES),
        query=filters.get("q", ""),
        invalid=[name for name in form.errors if name in FILTER_NAMES] if params else [],
    )


def newest_actions(limit: int = FEED_SIZE) -> list[LocalAction]:
    """The newest published actions, for the feed."""
    return list(listed(public_actions())[:limit])


# --- one action ---------------------------------------------------------------------------


@dataclass
class ResultRow:
    result: LocalActionResult
    value: str
    measured_on: Any


@dataclass
class ActionDetail:
    action: LocalAction
    texts: ActionTexts
    place_name: PlaceName
    country: str
    continent: str
    language_name: str  # the language these texts are in, in the reader's words
    original_language_name: str
    other_languages: list[tuple[str, str]]  # (code, its name in itself) it can be read in too
    commitments: list[Commitment]
    themes: list[str]
    audiences: list[str]
    budget: str
    funding_sources: list[str]
    partners: list[str]
    links: list[str]
    results: list[ResultRow]
    images: list[LocalActionFile]
    documents: list[LocalActionFile]
    event: Any


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def action_detail(action: LocalAction, wanted_language: str | None = None) -> ActionDetail:
    """What the page of a public action shows, its texts in ``wanted_language`` when the
    action can be read in it (the reader's language otherwise, or its own)."""
    action = (
        listed(LocalAction.objects.filter(pk=action.pk))
        .select_related("municipality", "campaign", "event")
        .prefetch_related(
            Prefetch(
                "indicator_results",
                queryset=LocalActionResult.objects.select_related("indicator").order_by("indicator__code", "pk"),
            ),
            Prefetch("files", queryset=LocalActionFile.objects.order_by("order", "uploaded_at", "pk")),
        )
        .get()
    )
    languages = languages_of(action)
    chosen = wanted_language if wanted_language in languages else None
    texts = texts_for(action, chosen)
    audiences = dict(LocalAction.Audience.choices)
    files = list(action.files.all())
    event = action.event
    if event is not None and not public_events().filter(pk=event.pk).exists():
        event = None
    return ActionDetail(
        action=action,
        texts=texts,
        place_name=municipality_name_of(action.municipality),
        country=country_label(action.municipality.country),
        continent=dashboard.continent_name(continent_of(action.municipality.country)),
        language_name=language_label(texts.language),
        original_language_name=language_label(action.language),
        other_languages=[(code, language_self_name(code)) for code in languages if code != texts.language],
        commitments=list(action.commitments.all()),
        themes=_themes_of(action),
        audiences=[str(audiences[a]) for a in action.audiences or [] if a in audiences],
        budget=format_budget(action.budget, action.budget_currency),
        funding_sources=_lines(action.funding_sources),
        partners=_lines(action.partners),
        links=[
            link for link in action.links or [] if isinstance(link, str) and link.startswith(("http://", "https://"))
        ],
        results=[
            ResultRow(result=r, value=format_number(r.value), measured_on=r.measured_on)
            for r in action.indicator_results.all()
        ],
        images=[f for f in files if f.kind == LocalActionFile.Kind.IMAGE],
        documents=[f for f in files if f.kind == LocalActionFile.Kind.PDF],
        event=event,
    )

"""What a reader sees of a local action: its texts in the reader's language when the city
gave a translation into it, its own otherwise, and which language that is. The one home of
this choice: the library, the profile, the feed and the API all go through it.

Prefetch ``translations`` (``with_translations``) so that a list costs one query more,
whatever its length.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from .models import LocalAction, LocalActionTranslation


@dataclass(frozen=True)
class ActionTexts:
    title: str
    summary: str
    description: str
    results: str
    language: str  # the language these texts are in (a BCP 47 tag)
    original_language: str  # the one the action was written in
    is_translation: bool


def with_translations(actions: QuerySet[LocalAction]) -> QuerySet[LocalAction]:
    return actions.prefetch_related(
        Prefetch("translations", queryset=LocalActionTranslation.objects.order_by("language"))
    )


def _base(language: str) -> str:
    return (language or "").lower().split("-")[0]


def texts_for(action: LocalAction, language: str | None = None) -> ActionTexts:
    """The action's texts for a reader of ``language`` (the active one by default)."""
    wanted = _base(language or get_language() or "")
    if wanted and wanted != _base(action.language):
        for translation in action.translations.all():
            if _base(translation.language) == wanted:
                return ActionTexts(
                    title=translation.title,
                    summary=translation.summary,
                    description=translation.description,
                    results=translation.results,
                    language=translation.language,
                    original_language=action.language,
                    is_translation=True,
                )
    return ActionTexts(
        title=action.title,
        summary=action.summary,
        description=action.description,
        results=action.results,
        language=action.language,
        original_language=action.language,
        is_translation=False,
    )


def languages_of(action: LocalAction) -> list[str]:
    """The languages the action can be read in: its own first, then its translations'."""
    return [action.language, *(t.language for t in action.translations.all() if t.language != action.language)]

"""Full-text search of the library of local actions, in any site language.

A published action's words are stored one row each (``ActionSearchTerm``), normalised as
municipality names are (accounts/names.py: lowercase, no accents, Arabic folded), from its
own texts and from every translation: a French reader finds an action written in Spanish by
the words of its French translation. A search keeps the actions that have, for every word
of the query, a stored word starting with it: one query, each word an indexed prefix match
within the action's rows, whatever the size of the library.

``reindex_action`` is called by every service that changes what an action says or whether
it is published (pledges/learning/services/).
"""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.names import normalize

from .models import ActionSearchTerm, LocalAction

MAX_TERM_LENGTH = 100
MIN_WORD_LENGTH = 2
MAX_QUERY_WORDS = 8

# Words too common to tell actions apart, in the site languages; stored normalised.
_STOP_WORDS_TEXT = (
    "a an and are as at be by for from in into is it of on or the to with "
    "au aux avec ce ces dans de des du en et la le les leur leurs par pour sur un une "
    "al con del el en es la las los para por su sus un una y "
    "في من على إلى عن مع أن أو ما هذا هذه التي الذي"
)
STOP_WORDS = frozenset(normalize(word) for word in _STOP_WORDS_TEXT.split(" "))


def words_of(text: str) -> set[str]:
    """The distinct searchable words of ``text``, normalised."""
    return {
        word[:MAX_TERM_LENGTH]
        for word in normalize(text).split(" ")
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS
    }


def _texts(action: LocalAction) -> list[str]:
    texts = [action.title, action.summary, action.description, action.results, action.partners]
    for translation in action.translations.all():
        texts += [translation.title, translation.summary, translation.description, translation.results]
    return texts


def reindex_action(action: LocalAction) -> None:
    """Store the searchable words of ``action`` again: all its languages when it is
    published, none otherwise (the library shows only published actions)."""
    ActionSearchTerm.objects.filter(action=action).delete()
    if action.state != LocalAction.State.PUBLISHED:
        return
    terms: set[str] = set()
    for text in _texts(action):
        terms |= words_of(text)
    ActionSearchTerm.objects.bulk_create(ActionSearchTerm(action=action, term=term) for term in sorted(terms))


def query_words(text: str) -> list[str]:
    """The words a query searches for (at most MAX_QUERY_WORDS, longest first)."""
    return sorted(words_of(text), key=lambda w: (-len(w), w))[:MAX_QUERY_WORDS]


def search_actions(actions: QuerySet[LocalAction], text: str) -> QuerySet[LocalAction]:
    """``actions`` narrowed to those matching every word of ``text`` (all of them when the
    text has no searchable word)."""
    for word in query_words(text):
        actions = actions.filter(Exists(ActionSearchTerm.objects.filter(action=OuterRef("pk"), term__startswith=word)))
    return actions

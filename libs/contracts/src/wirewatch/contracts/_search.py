"""Search terms: the words an event can be found by, for keyword search without a text index.

SecantusDB (the embedded database) has no text indexes, so whoever writes an event stores
``search_terms(title, keywords, entities, place_names)`` on it and readers query that multikey field with an
ordinary index. One pure function, used by the writer (dedupe) and by the reader (the api folds the query with
:func:`fold` and :func:`query_terms`), so the two cannot disagree on what a word is.

Terms are lower-cased and accent-folded ("Türkiye" -> "turkiye", "São Paulo" -> "sao", "paulo"), single words of
two or more characters plus every whole entity and place name ("kim jong un", "sao paulo"), so an entity filter is
one equality on the same index. The list is bounded so that a long title cannot grow a document without limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_SEARCH_TERMS = 200
MAX_TERM_CHARS = 64
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
# Words that would match nearly every event; searching for them alone finds nothing useful.
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or the to was were with".split()  # noqa: SIM905 - a word list reads best as words
)


def fold(text: str) -> str:
    """Lower case without accents or other marks; whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("\u2019", "'").split())


def query_terms(text: str) -> list[str]:
    """The words of a search query as :func:`search_terms` stores them (stop words dropped, order kept)."""
    words = [w for w in _WORD.findall(fold(text)) if len(w) >= 2 and w not in _STOPWORDS]
    return [w[:MAX_TERM_CHARS] for w in dict.fromkeys(words)]


def search_terms(
    title: str,
    keywords: Iterable[str] = (),
    entities: Iterable[str] = (),
    place_names: Iterable[str] = (),
    *,
    limit: int = MAX_SEARCH_TERMS,
) -> list[str]:
    """Folded words of all four, then whole names (entities, places, multi-word keywords); first ``limit`` kept.

    Names come after the title's words but before the rest, so the bound drops the least telling words first.
    """
    keywords, entities, place_names = list(keywords), list(entities), list(place_names)
    names = [fold(n)[:MAX_TERM_CHARS] for n in (*entities, *place_names, *keywords) if fold(n)]
    words = [*query_terms(title)]
    rest = [w for text in (*keywords, *entities, *place_names) for w in query_terms(text)]
    return list(dict.fromkeys([*words, *names, *rest]))[:limit]

"""Keywords: the most frequent content words, headline words counted more, stopwords removed."""

from __future__ import annotations

import functools
import importlib
import re
from collections import Counter

# Words frequent in news copy in any language of reporting that say nothing about the story.
_NEWS_STOPWORDS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "according",
        "reported",
        "report",
        "reports",
        "also",
        "would",
        "could",
        "new",
        "one",
        "two",
        "three",
        "year",
        "years",
        "day",
        "days",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "week",
        "weeks",
        "month",
        "months",
        "time",
        "including",
        "however",
        "mr",
        "mrs",
        "ms",
        "per",
        "cent",
        "percent",
        "just",
        "like",
        "many",
        "much",
        "well",
        "since",
        "still",
        "yet",
        "amid",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*[^\W_]|[^\W\d_]")
_MIN_CHARS = 3
TITLE_WEIGHT = 3


@functools.cache
def stopwords(lang: str | None) -> frozenset[str]:
    """spaCy's stopword list for ``lang`` (English when unknown or not shipped) plus news filler."""
    words: set[str] = set(_NEWS_STOPWORDS)
    for code in (lang or "en", "en"):
        try:
            module = importlib.import_module(f"spacy.lang.{code}.stop_words")
        except (ImportError, ValueError):
            continue
        words |= {w.lower() for w in getattr(module, "STOP_WORDS", ())}
        break
    return frozenset(words)


def extract_keywords(title: str, body: str, lang: str | None, *, limit: int = 10) -> list[str]:
    """Up to ``limit`` keywords, lower-cased, most frequent first (ties: first seen)."""
    stop = stopwords(lang)
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for weight, text in ((TITLE_WEIGHT, title), (1, body)):
        for match in _WORD.finditer(text):
            word = match.group().lower().replace("\u2019", "'")
            if word.endswith("'s"):
                word = word[:-2]
            if len(word) < _MIN_CHARS or word in stop:
                continue
            counts[word] += weight
            first_seen.setdefault(word, len(first_seen))
    ranked = sorted(counts, key=lambda w: (-counts[w], first_seen[w]))
    return ranked[:limit]

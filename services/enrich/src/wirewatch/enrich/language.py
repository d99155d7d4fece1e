"""Offline language identification (py3langid) with a guard for short English headlines."""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

# A short headline is too little for a character n-gram model ("Azerbaijan Launches New Military Operation" comes
# out as Nigerian Pidgin); a high share of English function words settles it.
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "its",
        "that",
        "this",
        "with",
        "by",
        "from",
        "as",
        "at",
        "said",
        "says",
        "not",
        "will",
        "would",
        "after",
        "over",
        "about",
        "than",
        "who",
        "which",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")
_CONFIDENT = 0.6
_ENGLISH_SHARE = 0.2
_SAMPLE_CHARS = 1_500  # plenty for character n-grams; py3langid's cost grows with the sample
_SHORT_TEXT = 300  # below this, English among the top guesses wins over an unconfident other guess
_RUNNERS_UP = 5
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    lang: str | None  # ISO 639-1 where py3langid has one; None when the text has no language at all
    confidence: float


@functools.cache
def _identifier() -> Any:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def english_share(text: str) -> float:
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    return sum(1 for w in words if w in _ENGLISH_FUNCTION_WORDS) / len(words)


def detect_language(text: str) -> LanguageGuess:
    """The language of ``text`` (title and body together); ``None`` when there is nothing to judge."""
    sample = text[:_SAMPLE_CHARS]
    if not _WORD.search(sample):
        return LanguageGuess(None, 0.0)
    with _lock:  # the identifier keeps scratch arrays; one caller at a time
        ranked = _identifier().rank(sample)[:_RUNNERS_UP]
    lang, confidence = ranked[0]
    if lang == "zxx":  # py3langid's "no linguistic content"
        return LanguageGuess(None, float(confidence))
    if lang != "en" and confidence < _CONFIDENT:
        english = dict(ranked).get("en")
        share = english_share(sample)
        if share >= _ENGLISH_SHARE or (english is not None and (share >= 0.1 or len(sample) < _SHORT_TEXT)):
            return LanguageGuess("en", float(english or share))
    return LanguageGuess(str(lang), float(confidence))

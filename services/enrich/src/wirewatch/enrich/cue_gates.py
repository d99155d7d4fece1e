"""Cue phrases as compiled patterns, each with the literal word beginnings that must occur for it to match.

The classifier skips a cue's regex scan when no word of the text begins with one of its keys (``word_starts``): the
scan of every cue over every text was most of the classifier's time, and the gate never changes a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float
    # Every match starts at a word that begins with one of these keys (None: a branch has no literal start). A cue
    # whose keys no word of the text begins with cannot match, so its regex need not scan the text: most cues are
    # absent from any one article, and a scan tries the pattern at every position.
    keys: frozenset[str] | None

    def count(self, text: str, starts: WordStarts) -> int:
        """Matches in ``text``; ``starts`` are the text's word starts (:func:`word_starts`)."""
        if self.keys is not None and self.keys.isdisjoint(starts):
            return 0
        return len(self.pattern.findall(text))


WordStarts = frozenset[str]
_SPECIAL = frozenset("\\()[]{}.?*+|^$")
_OPTIONAL = frozenset("?*{")  # quantifiers that let the character before them be absent
_LEADING_WORD = re.compile(r"\w+")


def literal_prefixes(pattern: str) -> tuple[str, ...] | None:
    """The literal start of each top-level alternative of ``pattern``, or None if one has none.

    "clash(?:es|ed)?|wars?|air ?strikes?" -> ("clash", "war", "air"): a prefix stops at the first special
    character, and a character made optional by a quantifier is dropped.
    """
    branches: list[str] = []
    depth, start, escaped, in_class = 0, 0, False, False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
    branches.append(pattern[start:])
    prefixes: list[str] = []
    for branch in branches:
        end = 0
        while end < len(branch) and branch[end] not in _SPECIAL:
            end += 1
        prefix = branch[: end - 1] if end < len(branch) and branch[end] in _OPTIONAL else branch[:end]
        if not prefix:
            return None
        prefixes.append(prefix)
    return tuple(dict.fromkeys(prefixes))


def _keys(pattern: str) -> frozenset[str] | None:
    """The word starts a match of ``\\b(?:pattern)`` needs: each branch's literal prefix up to its first non-word
    character ("sit-ins?" -> "sit", "flash floods?" -> "flash")."""
    prefixes = literal_prefixes(pattern)
    if prefixes is None:
        return None
    keys = set()
    for prefix in prefixes:
        if not (word := _LEADING_WORD.match(prefix)):
            return None  # starts with a non-word character: \b then means something else
        keys.add(word.group())
    return frozenset(keys)


def _cues(spec: dict[str, float]) -> tuple[Cue, ...]:
    # Matched against lower-cased text without re.IGNORECASE, which is about twice as slow in Python's engine.
    return tuple(
        Cue(re.compile(rf"\b(?:{pattern.lower()})\b"), weight, _keys(pattern.lower()))
        for pattern, weight in spec.items()
    )

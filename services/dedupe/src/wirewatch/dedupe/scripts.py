"""Spelling-independent word keys, so titles in other languages and scripts can meet the English ones.

Names and internationalisms survive translation at their start: Azerbaijan / Azerbaiyán / Azerbaïdjan /
Азербайджан, military / militar / militaire, operation / operación / операция. A word's *root key* is its first
``ROOT_LETTERS`` letters after folding accents and transliterating Cyrillic and Greek to Latin; it is added to the
term vector beside the word itself, at a lower weight. Arabic script is left as it is (its vowels are not written,
so a transliteration would not meet the Latin spelling).
"""

from __future__ import annotations

import unicodedata

ROOT_LETTERS = 5

# U+0430..U+044F (the Russian alphabet without yo), then yo, Ukrainian ye, i, yi and ghe
_CYRILLIC_LATIN = "a b v g d e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya e ye i yi g"
_GREEK_LATIN = "a v g d e z i th i k l m n x o p r s t y f ch ps o s"
# Written as code points: the letters look like Latin ones, and that is exactly what a linter (rightly) flags.
_CYRILLIC = dict(zip([*map(chr, range(0x430, 0x450)), "\u0451", "\u0454", "\u0456", "\u0457", "\u0491"],
                     _CYRILLIC_LATIN.split(), strict=True))  # fmt: skip
_GREEK_LETTERS = [*map(chr, range(0x3B1, 0x3C2)), *map(chr, range(0x3C3, 0x3CA)), "\u03c2"]  # final sigma last
_GREEK = dict(zip(_GREEK_LETTERS, _GREEK_LATIN.split(), strict=True))
_TABLE = str.maketrans({k: ("" if v == "_" else v) for k, v in {**_CYRILLIC, **_GREEK}.items()})


def fold(word: str) -> str:
    """Lower case, accents dropped, Cyrillic and Greek in Latin letters: "Azerbaïdjan" -> "azerbaidjan"."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_TABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_TABLE)


# Spellings of one sound across Latin-script languages, most specific first: Aserbaidschan (de) = Azerbaijan,
# Mosambik/Mozambique, Schweden/Sweden. Kept to these three: wider maps (c/k, ch/kh, y/i, w/v) made no language
# join that did not already and cost 0.004 F1 on English headlines (ECB+ titles, train and dev).
_SOUNDS = (("dsch", "j"), ("sch", "sh"), ("z", "s"))


def sounds(folded: str) -> str:
    """``folded`` with spelling variants of one sound made equal ("aserbaidschan" -> "aserbaijan")."""
    for spelling, sound in _SOUNDS:
        folded = folded.replace(spelling, sound)
    return folded


def root_key(term: str) -> str | None:
    """The root key of a normalised term, or None for short words and numbers (they say nothing across languages)."""
    folded = sounds(fold(term))
    if len(folded) <= ROOT_LETTERS or not folded[:ROOT_LETTERS].isalpha():
        return None
    return "~" + folded[:ROOT_LETTERS]

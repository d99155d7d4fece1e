"""The classifier's cue gates skip a cue's regex only when it cannot match: counts equal a plain findall."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.enrich.event_lexicon import FAMILIES, Cue, literal_prefixes, word_starts

CUES: list[Cue] = [cue for family in FAMILIES for cue in family.all_cues()]
KEYS = sorted({key for cue in CUES if cue.keys for key in cue.keys})


def test_literal_prefixes_stop_at_special_characters_and_drop_optional_ones() -> None:
    assert literal_prefixes(r"clash(?:es|ed)?|wars?|air ?strikes?|labou?r") == ("clash", "war", "air", "labo")
    assert literal_prefixes(r"search[- ]and[- ]rescue|sit-ins?|kämpfe\w*") == ("search", "sit-in", "kämpfe")
    assert literal_prefixes(r"peace|(?:rebels|militants) seize") is None  # a branch starting with a group
    assert literal_prefixes(r"\bai\b|computers?") is None


def test_most_cues_are_gated() -> None:
    assert sum(cue.keys is None for cue in CUES) <= 5
    assert all(len(key) >= 3 for key in KEYS)  # word_starts only keeps the lengths keys have


def _assert_same_counts(text: str) -> None:
    text = text.lower()  # the classifier lower-cases before matching
    starts = word_starts(text)
    for cue in CUES:
        assert cue.count(text, starts) == len(cue.pattern.findall(text)), (cue.pattern.pattern, text)


_SUFFIXES = ["", "s", "es", "ed", "ing", "er", "ion", "-in", " weapons", " teams", " fire", "\u0301", "_x", "9"]
_SEPARATORS = [" ", "-", ", ", "\n", "'", "(", "\u00a0", ""]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KEYS), st.sampled_from(_SUFFIXES), st.sampled_from(_SEPARATORS)),
        min_size=1,
        max_size=12,
    )
)
def test_a_gated_count_equals_a_scan(parts: list[tuple[str, str, str]]) -> None:
    _assert_same_counts("".join(key + suffix + sep for key, suffix, sep in parts))


def test_a_gated_count_equals_a_scan_on_the_seed_article(seed_article: tuple[str, str]) -> None:
    title, text = seed_article
    _assert_same_counts(title)
    _assert_same_counts(text)

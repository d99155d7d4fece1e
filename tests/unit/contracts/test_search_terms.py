"""search_terms: the words and names an event is found by, folded the same way the api folds a query."""

from __future__ import annotations

from wirewatch.contracts import MAX_SEARCH_TERMS, fold, query_terms, search_terms


def test_words_are_lower_cased_and_accent_folded() -> None:
    terms = search_terms("Türkiye: Quake in São Paulo", ["Earthquake"], ["Kim Jong Un"], ["São Paulo"])
    assert terms[:4] == ["turkiye", "quake", "sao", "paulo"]
    # whole names are terms too, so an entity filter is one equality on the same index
    assert "kim jong un" in terms
    assert "sao paulo" in terms
    assert "earthquake" in terms
    assert {"kim", "jong", "un"} <= set(terms)


def test_stop_words_short_words_and_repeats_are_dropped() -> None:
    terms = search_terms("The quake and the aftershock: a M 6 quake", ["quake"])
    assert terms == ["quake", "aftershock"]


def test_bounded() -> None:
    title = " ".join(f"word{i}" for i in range(1000))
    assert len(search_terms(title)) == MAX_SEARCH_TERMS
    assert len(search_terms(title, limit=10)) == 10


def test_a_query_folds_like_the_stored_terms() -> None:
    assert query_terms("  Düsseldorf  FLOODS ") == ["dusseldorf", "floods"]
    assert set(query_terms("São Paulo")) <= set(search_terms("", place_names=["Sao Paulo"]))
    assert fold("Kim  Jong\u00a0Un") == "kim jong un"
    assert query_terms("the of") == []

"""The benchmark's generated corpus: deterministic, news-like lengths, the asked share of copies, many stories."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime

import pytest

from wirewatch.cli.bench_corpus import MAX_WORDS, MIN_WORDS, generate

START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def corpus():
    return generate(1000, seed=3, stories=60, start=START)


def test_same_seed_same_articles_other_seed_others() -> None:
    first = generate(200, seed=11, start=START)
    again = generate(200, seed=11, start=START)
    other = generate(200, seed=12, start=START)
    assert [a.payload() for a in first] == [a.payload() for a in again]
    assert [a.text for a in first] != [a.text for a in other]


def test_only_published_at_follows_the_start_time() -> None:
    now = generate(50, seed=5, start=START)
    later = generate(50, seed=5, start=datetime(2027, 1, 1, tzinfo=UTC))
    assert [(a.title, a.text) for a in now] == [(a.title, a.text) for a in later]
    assert all(a.published_at <= START for a in now)


def test_a_fifth_are_copies_of_earlier_articles_of_the_same_story(corpus) -> None:
    kinds = Counter(a.kind for a in corpus)
    assert kinds["original"] == 800
    assert {"syndicated", "new_headline", "rewrite"} <= set(kinds)
    assert all(kinds[kind] >= 40 for kind in ("syndicated", "new_headline", "rewrite"))
    by_index = {a.index: a for a in corpus}
    for article in corpus:
        if article.kind == "original":
            assert article.copy_of is None
            continue
        original = by_index[article.copy_of]
        assert article.copy_of < article.index
        assert article.story == original.story
        assert article.url != original.url
        if article.kind == "syndicated":
            assert (article.title, article.text) == (original.title, original.text)
        elif article.kind == "new_headline":
            assert article.text == original.text
            assert article.title != original.title
        else:
            assert article.text != original.text
            # A rewrite keeps the facts: most of its words are the original's.
            words = set(original.text.split())
            assert sum(w in words for w in article.text.split()) / article.words > 0.8


def test_lengths_are_news_like(corpus) -> None:
    originals = [a.words for a in corpus if a.kind == "original"]
    assert 350 <= statistics.median(originals) <= 450
    assert min(originals) >= MIN_WORDS
    assert max(originals) <= MAX_WORDS + 1  # the closing full stop may sit on its own
    short = sum(w < 200 for w in originals) / len(originals)
    long = sum(w > 800 for w in originals) / len(originals)
    assert 0.03 < short < 0.25
    assert 0.03 < long < 0.25
    assert all(5 <= len(a.title.split()) <= 16 for a in corpus)


def test_many_concurrent_stories_over_countries_and_kinds(corpus) -> None:
    stories = Counter(a.story for a in corpus)
    assert len(stories) == 60
    assert max(stories.values()) < 3 * statistics.mean(stories.values())
    # Stories interleave: the first 100 articles already touch most stories.
    assert len({a.story for a in corpus[:100]}) > 40
    countries = {a.url for a in corpus}
    assert len(countries) == len(corpus)  # every article has its own URL
    texts = " ".join(a.title for a in corpus)
    for word in ("Ukraine", "Sudan", "Brazil", "earthquake", "protest", "election", "cholera", "rates"):
        assert word.lower() in texts.lower()


def test_payload_is_what_the_api_takes(corpus) -> None:
    payload = corpus[0].payload()
    assert set(payload) == {"url", "source", "title", "text", "published_at", "lang"}
    assert datetime.fromisoformat(payload["published_at"]).tzinfo is not None


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="copy_share"):
        generate(10, copy_share=1.0)
    with pytest.raises(ValueError, match="stories"):
        generate(10, stories=0)

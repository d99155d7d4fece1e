"""The extraction score follows scrapinghub's article-extraction-benchmark (evaluate.py) to the letter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from wirewatch.cli.extraction_eval import evaluate, read_benchmark
from wirewatch.cli.extraction_score import PageCounts, corpus_scores, page_counts, shingles


def test_shingles_are_four_word_tokens_with_case_kept_and_short_texts_one_shingle() -> None:
    assert shingles("The quake, the QUAKE hit!") == {
        ("The", "quake", "the", "QUAKE"): 1,
        ("quake", "the", "QUAKE", "hit"): 1,
    }
    assert shingles("two words") == {("two", "words"): 1}
    assert shingles("") == {}


def test_page_counts_are_shares_of_shingles_with_multiplicity() -> None:
    counts = page_counts("a b c d e", "a b c d")  # gold: abcd, bcde; predicted: abcd
    assert counts == PageCounts(0.5, 0.0, 0.5)
    assert (counts.precision, counts.recall) == (1.0, 0.5)
    repeated = page_counts("a b c d", "a b c d x a b c d")  # predicted abcd twice, gold once
    assert repeated.tp == pytest.approx(1 / 6)
    assert repeated.fp == pytest.approx(5 / 6)


def test_empty_output_costs_recall_only_and_an_empty_gold_page_counts_nowhere() -> None:
    missed = page_counts("a b c d e", "")
    assert (missed.tp, missed.fp) == (0.0, 0.0)
    assert missed.recall == 0.0
    nothing = page_counts("", "")
    perfect = page_counts("a b c d", "a b c d")
    scores = corpus_scores([missed, nothing, perfect])
    assert scores.precision == 1.0  # only the perfect page predicted anything
    assert scores.recall == 0.5  # missed (0) and perfect (1); the empty gold page has no recall term
    assert scores.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)


def test_evaluate_on_a_small_benchmark_directory(tmp_path: Path) -> None:
    body = "Rescuers reached the villages cut off by the earthquake on Monday, officials said. " * 4
    html = f"<html><head><title>Quake</title></head><body><nav>Menu</nav><article><p>{body}</p></article></body></html>"
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "p1.html.gz").write_bytes(gzip.compress(html.encode()))
    (tmp_path / "ground-truth.json").write_text(json.dumps({"p1": {"articleBody": body, "url": "https://a.example/q"}}))
    report = evaluate(read_benchmark(tmp_path), workers=0, resamples=0)
    assert report["pages"] == 1
    assert report["f1"] == 1.0
    assert report["pages_per_second"] > 0

"""The bench command's pieces work on a few articles (the numbers themselves are in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

from wirewatch.enrich.bench import load_articles, main, memory_mb, run_bench


def test_articles_are_a_headline_and_400_words(data_dir: Path) -> None:
    articles = load_articles(data_dir, 5)
    assert len(articles) == 5
    for title, body in articles:
        assert 0 < len(title.split()) <= 20
        assert len(body.split()) == 400


def test_run_bench_reports_both_paths_and_memory(data_dir: Path) -> None:
    report = run_bench(load_articles(data_dir, 4), rounds=1, batch_size=2)
    assert report["articles"] == 4
    assert report["bare_ner"]["articles_per_s"] > 0
    assert report["service_path"]["words_per_s"] > 0
    assert 0 < report["service_vs_bare_ner"] < 2
    assert report["memory"]["after"]["rss_mb"] > 100  # the model is in memory
    assert set(memory_mb()) == {"rss_mb", "peak_rss_mb"}


def test_missing_data_is_a_clear_error(tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path)]) == 2

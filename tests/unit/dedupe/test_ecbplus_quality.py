"""Clustering quality on ECB+ (real news, two confusable incidents per topic) must not silently regress.

The floors sit a little under what docs/benchmarks.md reports (dev full text F1 0.916 with one mixed topic, titles
only 0.739), so that a change which costs quality fails here and must be argued for with new measurements.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.dedupe.evaluate import evaluate_lines

ECBPLUS = Path("clustering") / "ecbplus_train_dev.jsonl"


@pytest.fixture(scope="module")
def ecbplus_lines(data_dir: Path) -> list[str]:
    path = data_dir / ECBPLUS
    if not path.is_file():
        pytest.skip(f"{path} missing")
    return path.read_text(encoding="utf-8").splitlines()


def test_full_text_keeps_the_incidents_of_a_topic_apart(ecbplus_lines: list[str]):
    result = evaluate_lines(ecbplus_lines, split="dev")
    assert result.documents == 197
    assert result.f1 >= 0.90, result
    assert result.mixed_events <= 1, result


def test_headlines_alone_stay_usable(ecbplus_lines: list[str]):
    result = evaluate_lines(ecbplus_lines, split="dev", titles_only=True)
    assert result.f1 >= 0.72, result

"""Body-text precision, recall and F1 exactly as scrapinghub's article-extraction-benchmark computes them.

Per page: the texts are cut into ``\\w+`` tokens (case kept), the tokens into overlapping 4-token shingles, and the
two shingle multisets compared: true positives are the shared shingles (counted with multiplicity), false positives
the extra predicted ones, false negatives the missing gold ones; the three are normalised to sum to 1 so a long
article weighs no more than a short one. Over the corpus: precision is the mean per-page precision over the pages
where something was predicted or should have been (tp + fp > 0), recall the mean per-page recall where tp + fn > 0,
and F1 the harmonic mean of those two means (not the mean of per-page F1s). A page with no output has no precision
term and recall 0. Confidence intervals: 1.96 standard deviations of the metric over bootstrap resamples of pages.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class PageCounts:
    """Normalised true positive, false positive and false negative shares of one page (sum 1, or all 0)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)) if tokens[i : i + size])


def page_counts(gold: str, predicted: str) -> PageCounts:
    """Compare one page's extracted body with its gold body."""
    want, got = shingles(gold), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return PageCounts(tp / total, fp / total, fn / total) if total else PageCounts(0.0, 0.0, 0.0)


def corpus_scores(pages: Sequence[PageCounts]) -> Scores:
    precisions = [p.precision for p in pages if p.tp + p.fp > 0]
    recalls = [p.recall for p in pages if p.tp + p.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1)


def confidence_intervals(pages: Sequence[PageCounts], resamples: int = 1000, seed: int = 0) -> Scores:
    """Half-width of the 95 % interval of each metric, by bootstrap over pages (seeded: reruns agree)."""
    if resamples < 2 or not pages:
        return Scores(0.0, 0.0, 0.0)
    rng = random.Random(seed)  # noqa: S311 - resampling, not secrets
    samples = [corpus_scores([pages[rng.randrange(len(pages))] for _ in pages]) for _ in range(resamples)]
    return Scores(
        1.96 * statistics.stdev(s.precision for s in samples),
        1.96 * statistics.stdev(s.recall for s in samples),
        1.96 * statistics.stdev(s.f1 for s in samples),
    )

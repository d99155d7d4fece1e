"""Offline check of event clustering on ECB+: ``python -m wirewatch.dedupe.evaluate FILE [--split dev]``.

ECB+ documents carry no dates, so every article gets the same time and only words and names decide; each topic
holds two confusable incidents, which is exactly the "same topic, different incident" case. The CLI's
``wirewatch eval cluster`` is the same measurement with more options (any gold field, enrichment).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from .batch import EnrichMany, cluster_batch, in_time_order, read_articles
from .quality import adjusted_rand_index, bcubed, mixed_clusters
from .scoring import ClusteringPolicy


@dataclass(frozen=True, slots=True)
class Evaluation:
    documents: int
    gold_events: int
    predicted_events: int
    precision: float
    recall: float
    f1: float
    ari: float
    mixed_events: int  # predicted events holding articles of more than one gold event
    bad_lines: int = 0

    def __str__(self) -> str:
        return (
            f"documents={self.documents} gold_events={self.gold_events} predicted_events={self.predicted_events} "
            f"B3 precision={self.precision:.3f} recall={self.recall:.3f} F1={self.f1:.3f} ARI={self.ari:.3f} "
            f"mixed_events={self.mixed_events}"
        )


def evaluate_lines(
    lines: list[str],
    *,
    gold_field: str = "event_cluster",
    split: str | None = None,
    titles_only: bool = False,
    policy: ClusteringPolicy | None = None,
    enrich_many: EnrichMany | None = None,
    errors: list[str] | None = None,
) -> Evaluation:
    """Cluster the (split's) labelled articles in time order and score them against ``gold_field``."""
    errors = errors if errors is not None else []
    articles = [
        a
        for a in read_articles(lines, errors)
        if (split is None or a.record.get("split") == split) and a.record.get(gold_field) is not None
    ]
    gold = {a.id: str(a.record[gold_field]) for a in articles}
    assignments = cluster_batch(
        in_time_order(articles), titles_only=titles_only, policy=policy, enrich_many=enrich_many
    )
    predicted = {a.id: a.event_id for a in assignments}
    precision, recall, f1 = bcubed(predicted, gold)
    return Evaluation(
        documents=len(gold),
        gold_events=len(set(gold.values())),
        predicted_events=len(set(predicted.values())),
        precision=precision,
        recall=recall,
        f1=f1,
        ari=adjusted_rand_index(predicted, gold),
        mixed_events=mixed_clusters(predicted, gold),
        bad_lines=len(errors),
    )


def evaluate(
    path: Path, split: str | None, *, titles_only: bool = False, policy: ClusteringPolicy | None = None
) -> Evaluation:
    return evaluate_lines(
        path.read_text(encoding="utf-8").splitlines(), split=split, titles_only=titles_only, policy=policy
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--titles-only", action="store_true")
    args = parser.parse_args()
    print(evaluate(args.path, args.split, titles_only=args.titles_only))  # noqa: T201 - a command's output


if __name__ == "__main__":
    main()

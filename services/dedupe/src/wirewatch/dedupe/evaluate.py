"""Offline check of event clustering on ECB+: ``python -m wirewatch.dedupe.evaluate FILE [--split dev]``.

ECB+ documents carry no dates, so every article gets the same time and only words and names decide; each topic
holds two confusable incidents, which is exactly the "same topic, different incident" case.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wirewatch.contracts import content_hash

from .features import features_from_text
from .offline import OfflineClusterer, bcubed
from .scoring import ClusteringPolicy

_UNDATED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Evaluation:
    documents: int
    gold_events: int
    predicted_events: int
    precision: float
    recall: float
    f1: float

    def __str__(self) -> str:
        return (
            f"documents={self.documents} gold_events={self.gold_events} predicted_events={self.predicted_events} "
            f"B3 precision={self.precision:.3f} recall={self.recall:.3f} F1={self.f1:.3f}"
        )


def evaluate(
    path: Path, split: str, *, titles_only: bool = False, policy: ClusteringPolicy | None = None
) -> Evaluation:
    """Cluster the split's documents in file order and score them against ``event_cluster``."""
    clusterer = OfflineClusterer(policy=policy or ClusteringPolicy())
    gold: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc.get("split") != split:
                continue
            title = doc.get("first_sentence") or ""
            body = doc.get("text") or ""
            body = body.removeprefix(title).lstrip("\n")
            text = "" if titles_only else body
            features = features_from_text(doc["doc_id"], title, text, at=_UNDATED)
            clusterer.add(features, content_hash(title, text), text)
            gold[doc["doc_id"]] = doc["event_cluster"]
    predicted = clusterer.assignments()
    precision, recall, f1 = bcubed(predicted, gold)
    return Evaluation(len(gold), len(set(gold.values())), len(set(predicted.values())), precision, recall, f1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--titles-only", action="store_true")
    args = parser.parse_args()
    print(evaluate(args.path, args.split, titles_only=args.titles_only))  # noqa: T201 - a command's output


if __name__ == "__main__":
    main()

"""Agreement of a clustering with gold labels: B-cubed precision/recall/F1 and the adjusted Rand index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from math import comb


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels (items in both only)."""
    items = [i for i in gold if i in predicted]
    if not items:
        return 0.0, 0.0, 0.0
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for item in items:
        by_pred.setdefault(predicted[item], set()).add(item)
        by_gold.setdefault(gold[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        same_pred, same_gold = by_pred[predicted[item]], by_gold[gold[item]]
        both = len(same_pred & same_gold)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand_index(predicted: Mapping[str, str], gold: Mapping[str, str]) -> float:
    """Hubert and Arabie's adjusted Rand index: 1 for identical partitions, about 0 for chance agreement."""
    items = [i for i in gold if i in predicted]
    pairs = comb(len(items), 2)
    if pairs == 0:
        return 1.0
    cells = Counter((predicted[i], gold[i]) for i in items)
    both = sum(comb(n, 2) for n in cells.values())
    pred_pairs = sum(comb(n, 2) for n in Counter(predicted[i] for i in items).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold[i] for i in items).values())
    expected = pred_pairs * gold_pairs / pairs
    best = (pred_pairs + gold_pairs) / 2
    if best == expected:  # both partitions trivial (all singletons or one cluster): agreement is total
        return 1.0
    return (both - expected) / (best - expected)


def mixed_clusters(predicted: Mapping[str, str], gold: Mapping[str, str]) -> int:
    """Predicted clusters holding items of more than one gold cluster (e.g. two incidents of one topic)."""
    labels: dict[str, set[str]] = {}
    for item, cluster in predicted.items():
        if item in gold:
            labels.setdefault(cluster, set()).add(gold[item])
    return sum(1 for found in labels.values() if len(found) > 1)

"""The benchmark's arithmetic: quantiles of measured samples and of Prometheus histogram buckets.

Sample quantiles interpolate linearly between order statistics (numpy's default), so p50 <= p95 <= p99 always.
Histogram quantiles follow PromQL's ``histogram_quantile``: find the bucket where the rank falls and interpolate
linearly inside it (from 0 for the first bucket); a rank in the ``+Inf`` bucket gives the highest finite bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

QUANTILES: tuple[tuple[str, float], ...] = (("p50", 0.50), ("p95", 0.95), ("p99", 0.99))


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values``; None when there are none."""
    if not values:
        return None
    if not 0 <= q <= 1:
        raise ValueError(f"quantile must be within 0..1, not {q}")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float], *, scale: float = 1.0, digits: int = 1) -> dict[str, float | int | None]:
    """count, mean, p50, p95, p99 and max of ``values`` times ``scale`` (1000: seconds to milliseconds)."""
    result: dict[str, float | int | None] = {"count": len(values)}
    mean = sum(values) / len(values) if values else None
    result["mean"] = None if mean is None else round(mean * scale, digits)
    for name, q in QUANTILES:
        value = quantile(values, q)
        result[name] = None if value is None else round(value * scale, digits)
    result["max"] = round(max(values) * scale, digits) if values else None
    return result


def bucket_delta(after: Mapping[float, float], before: Mapping[float, float]) -> dict[float, float]:
    """Cumulative bucket counts observed between two scrapes (a series absent before counts from zero)."""
    return {bound: count - before.get(bound, 0.0) for bound, count in after.items()}


def histogram_quantile(buckets: Mapping[float, float], q: float) -> float | None:
    """The ``q`` quantile from cumulative bucket counts keyed by upper bound (``math.inf`` for +Inf)."""
    if not 0 <= q <= 1:
        raise ValueError(f"quantile must be within 0..1, not {q}")
    bounds = sorted(buckets)
    if not bounds or bounds[-1] != math.inf:
        return None
    total = buckets[math.inf]
    if total <= 0:
        return None
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == math.inf:
                return lower_bound  # as PromQL: the highest finite bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (count - lower_count)
        lower_bound, lower_count = bound, count
    return lower_bound


def histogram_summary(
    buckets: Mapping[float, float], total_sum: float, *, scale: float = 1000.0, digits: int = 1
) -> dict[str, float | int | None]:
    """count, mean, p50, p95, p99 of one histogram's delta, in milliseconds by default."""
    count = buckets.get(math.inf, 0.0)
    result: dict[str, float | int | None] = {"count": int(count)}
    result["mean"] = round(total_sum / count * scale, digits) if count else None
    for name, q in QUANTILES:
        value = histogram_quantile(buckets, q)
        result[name] = None if value is None else round(value * scale, digits)
    return result

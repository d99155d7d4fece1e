"""The benchmark's quantiles: of samples (linear interpolation) and of Prometheus buckets (as histogram_quantile)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirewatch.cli.bench_metrics import db_table, hop_table, parse_histograms
from wirewatch.cli.bench_stats import bucket_delta, histogram_quantile, histogram_summary, quantile, summary


def test_sample_quantiles_interpolate() -> None:
    assert quantile([], 0.5) is None
    assert quantile([7.0], 0.99) == 7.0
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert quantile(list(map(float, range(101))), 0.95) == pytest.approx(95.0)
    assert quantile([3.0, 1.0, 2.0], 1.0) == 3.0
    with pytest.raises(ValueError, match=r"0\.\.1"):
        quantile([1.0], 1.5)


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=200))
def test_summary_is_ordered(values: list[float]) -> None:
    result = summary(values, scale=1000, digits=3)
    assert result["count"] == len(values)
    ordered = [result[name] for name in ("p50", "p95", "p99", "max")]
    assert None not in ordered
    assert ordered == sorted(ordered)  # type: ignore[type-var]


def test_histogram_quantile_as_promql() -> None:
    # 10 observations <= 0.1, 80 in (0.1, 0.5], 10 in (0.5, 1]
    buckets = {0.1: 10.0, 0.5: 90.0, 1.0: 100.0, math.inf: 100.0}
    assert histogram_quantile(buckets, 0.5) == pytest.approx(0.1 + 0.4 * 40 / 80)
    assert histogram_quantile(buckets, 0.05) == pytest.approx(0.05)  # first bucket starts at 0
    assert histogram_quantile(buckets, 0.95) == pytest.approx(0.75)
    # Ranks in +Inf answer the highest finite bound, as PromQL does.
    assert histogram_quantile({0.1: 1.0, math.inf: 10.0}, 0.99) == 0.1
    assert histogram_quantile({0.1: 0.0, math.inf: 0.0}, 0.5) is None
    assert histogram_quantile({0.1: 3.0}, 0.5) is None  # no +Inf bucket: not a histogram


def test_bucket_deltas_give_the_phase_only() -> None:
    before = {0.1: 5.0, 0.5: 5.0, math.inf: 5.0}
    after = {0.1: 5.0, 0.5: 15.0, math.inf: 15.0}
    delta = bucket_delta(after, before)
    assert delta == {0.1: 0.0, 0.5: 10.0, math.inf: 10.0}
    result = histogram_summary(delta, 3.0)
    assert result["count"] == 10
    assert result["mean"] == 300.0
    ordered = [100.0, result["p50"], result["p95"], result["p99"], 500.0]
    assert None not in ordered
    assert ordered == sorted(ordered)  # type: ignore[type-var]
    assert result["p50"] != 100.0


EXPOSITION = """\
# HELP wirewatch_processing_seconds Time to process one message
# TYPE wirewatch_processing_seconds histogram
wirewatch_processing_seconds_bucket{le="0.01",service="enrich"} 0.0
wirewatch_processing_seconds_bucket{le="0.1",service="enrich"} %(fast)s
wirewatch_processing_seconds_bucket{le="+Inf",service="enrich"} %(all)s
wirewatch_processing_seconds_count{service="enrich"} %(all)s
wirewatch_processing_seconds_sum{service="enrich"} %(sum)s
# HELP wirewatch_db_operation_seconds MongoDB command latency, by command
# TYPE wirewatch_db_operation_seconds histogram
wirewatch_db_operation_seconds_bucket{command="update",le="0.01",service="enrich"} %(all)s
wirewatch_db_operation_seconds_bucket{command="update",le="+Inf",service="enrich"} %(all)s
wirewatch_db_operation_seconds_count{command="update",service="enrich"} %(all)s
wirewatch_db_operation_seconds_sum{command="update",service="enrich"} %(dbsum)s
# HELP other_seconds Not ours
# TYPE other_seconds histogram
other_seconds_bucket{le="+Inf"} 3.0
"""


def test_scraped_histograms_become_per_hop_and_database_tables() -> None:
    names = {"wirewatch_processing_seconds", "wirewatch_db_operation_seconds"}
    before = parse_histograms(EXPOSITION % {"fast": 2, "all": 2, "sum": 0.1, "dbsum": 0.01}, names)
    after = parse_histograms(EXPOSITION % {"fast": 8, "all": 10, "sum": 1.3, "dbsum": 0.05}, names)
    assert ("other_seconds", "", "") not in after
    hops = hop_table(before, after)
    assert hops["enrich"]["processing"]["count"] == 8
    assert hops["enrich"]["processing"]["mean"] == 150.0
    p50 = hops["enrich"]["processing"]["p50"]
    assert p50 is not None
    assert p50 <= 100.0
    assert db_table(before, after) == {"enrich update": {"count": 8, "mean_ms": 5.0, "seconds": 0.04}}
    assert hop_table(after, after) == {}

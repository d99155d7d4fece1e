"""Judging a benchmark report: each target met or not, and the bottleneck named where one is missed."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from typer.testing import CliRunner

from wirewatch.cli.bench_command import run_failures
from wirewatch.cli.bench_report import judge, render
from wirewatch.cli.main import app


def report(*, per_s: float, p99: float, bare: float) -> dict[str, Any]:
    return {
        "machine": {"cpus": 2, "load_average_start": [1.0, 1.0, 1.0], "load_average_end": [2.0, 1.0, 1.0]},
        "corpus": {"articles": 10, "stories": 2, "copy_share": 0.2, "words": {"median": 400}},
        "latency": {
            "rate": 20.0,
            "articles": 5,
            "finished_in_time": True,
            "accounting": {"submitted": 5, "clustered": 5, "missing": {}},
            "end_to_end_ms": {"event_stored": {"count": 5, "p50": 50, "p95": 90, "p99": p99, "max": p99},
                              "webhook": {"count": 5, "p50": 60, "p95": 95, "p99": p99 + 10, "max": p99 + 10}},
            "hops": {"enrich": {"hop": {"count": 5, "p99": 30.0}, "processing": {"count": 5, "p99": 400.0}},
                     "dedupe": {"hop": {"count": 5, "p99": 10.0}, "processing": {"count": 5, "p99": 20.0}}},
            "cpu_seconds": {"enrich": 0.2, "secantusdb": 0.5},
            "database": {"enrich update": {"count": 5, "mean_ms": 90.0, "seconds": 0.45}},
        },
        "throughput": {
            "articles": 5,
            "seconds": 10.0,
            "articles_per_s": per_s,
            "finished_in_time": True,
            "accounting": {"submitted": 5, "clustered": 5, "missing": {}},
            "cpu_seconds": {"enrich": 4.0, "secantusdb": 8.0},
            "cpu_ms_per_article": {"enrich": 40.0, "secantusdb": 80.0},
            "backlog": {"ARTICLES/enrich": {"peak": 300, "mean": 120.0}, "ARTICLES/dedupe": {"peak": 2, "mean": 0.5}},
            "database": {"dedupe find": {"count": 50, "mean_ms": 30.0, "seconds": 1.5}},
        },
        "bare": {"enrichment": {"articles_per_s": bare, "articles_per_cpu_s": 40.0}, "jetstream": {}, "mongo": {}},
        "webhooks": {"received": 12},
        "processes": {"final": {"enrich": {"rss_mb": 400.0, "peak_rss_mb": 450.0}}},
    }  # fmt: skip


def test_all_targets_met() -> None:
    judged = judge(report(per_s=120.0, p99=300.0, bare=140.0))
    assert [t["met"] for t in judged["targets"]] == [True, True, True, True]
    assert not any("bottleneck" in t for t in judged["targets"])
    assert judged["ratios"]["pipeline_vs_bare_enrichment"] == round(120 / 140, 3)
    # Bare: 40 articles per CPU second = 25 ms each; the service spent 40 ms per article.
    assert judged["ratios"]["bare_enrich_cpu_vs_service_cpu"] == 0.625


def test_missed_targets_name_the_bottleneck() -> None:
    judged = judge(report(per_s=12.0, p99=900.0, bare=30.0))
    by_name = {t["target"].split(",")[0]: t for t in judged["targets"]}
    throughput = by_name["sustained throughput"]
    assert throughput["met"] is False
    # SecantusDB costs most CPU per article (80 ms: 12.5 articles/s on a core); enrich's queue grew most.
    assert throughput["bottleneck"].startswith("secantusdb: 80.0 ms CPU per article, at most 12.5 articles/s")
    assert "ARTICLES/enrich backlog peaked at 300" in throughput["bottleneck"]
    assert "dedupe find" in throughput["bottleneck"]
    latency = next(t for t in judged["targets"] if "event stored" in t["target"])
    assert latency["met"] is False
    assert latency["bottleneck"] == (
        "enrich (p99 wait 30.0 ms + p99 processing 400.0 ms); most CPU per article: secantusdb 100 ms; "
        "most database time: enrich update (5 x 90.0 ms)"
    )
    assert judged["throughput"]["cpu_capacity_articles_per_s"] == {"enrich": 25.0, "secantusdb": 12.5}


def test_missing_numbers_are_not_met() -> None:
    data = report(per_s=120.0, p99=300.0, bare=140.0)
    del data["bare"]["enrichment"]
    judged = judge(data)
    ratio = next(t for t in judged["targets"] if t["target"].startswith("pipeline"))
    assert ratio["value"] is None
    assert ratio["met"] is False


def test_run_failures_are_lost_late_or_silent_runs() -> None:
    good = report(per_s=12.0, p99=900.0, bare=30.0)
    assert run_failures(good) == []  # missed targets are not a failed run
    lost = report(per_s=12.0, p99=900.0, bare=30.0)
    lost["throughput"]["finished_in_time"] = False
    lost["throughput"]["accounting"]["missing"] = {"not enriched": {"count": 2, "examples": ["a", "b"]}}
    del lost["latency"]
    lost["webhooks"]["received"] = 0
    problems = run_failures(lost)
    assert "latency phase: not run" in problems
    assert any("2 article(s) not enriched" in p for p in problems)
    assert any("timeout" in p for p in problems)
    assert "no webhook arrived" in problems


def test_render_shows_every_table() -> None:
    out = io.StringIO()
    render(judge(report(per_s=12.0, p99=900.0, bare=30.0)), Console(file=out, width=200))
    text = out.getvalue()
    for title in ("Phase A", "Per hop", "Phase B", "Processes", "Database time", "Bare limits", "Targets"):
        assert title in text
    assert "not met" in text


def test_a_report_path_in_a_missing_directory_is_refused_before_the_run(tmp_path) -> None:
    result = CliRunner().invoke(app, ["bench", "--json", str(tmp_path / "missing" / "bench.json")])
    assert result.exit_code == 2
    assert "the directory does not exist" in result.output

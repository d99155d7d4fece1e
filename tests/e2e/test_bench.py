"""``wirewatch bench`` end to end, tiny: its own stack, 30 articles at 10/s, 20 pushed at once, short bare phases.

Checks the JSON report's shape and that its numbers are real measurements: every article accounted for, ordered
positive latencies, webhooks received, every process's memory and CPU read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# About 30 s on an idle 2-core machine (most of it the stack's start); the limits leave room for a loaded one.
pytestmark = [pytest.mark.connected, pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(200)]

PROCESSES = {"nats-server", "secantusdb", "ingest", "enrich", "dedupe", "notify", "api"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("bench") / "bench.json"
    command = [
        sys.executable, "-m", "wirewatch.cli", "bench",
        "--rate", "10", "--latency-seconds", "3", "--articles", "20", "--concurrency", "4",
        "--bare-seconds", "0.3", "--bare-enrich-articles", "8", "--timeout", "60", "--json", str(path),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=190, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Targets" in done.stdout  # the tables went to stdout
    result: dict[str, Any] = json.loads(Path(path).read_text())
    return result


def test_every_article_is_accounted_for(report: dict[str, Any]) -> None:
    assert report["failures"] == []
    assert report["corpus"]["articles"] == 50
    assert report["latency"]["accounting"] == {"submitted": 30, "clustered": 30, "missing": {}}
    assert report["throughput"]["accounting"] == {"submitted": 20, "clustered": 20, "missing": {}}
    assert report["latency"]["finished_in_time"]
    assert report["throughput"]["finished_in_time"]


def test_latencies_are_measured_and_ordered(report: dict[str, Any]) -> None:
    end_to_end = report["latency"]["end_to_end_ms"]
    for hop in ("ingested", "enriched", "event_stored", "webhook"):
        part = end_to_end[hop]
        assert part["count"] > 0, hop
        assert 0 < part["p50"] <= part["p95"] <= part["p99"] <= part["max"], (hop, part)
    assert end_to_end["event_stored"]["count"] == 30
    # Each article is stored by ingest before it is enriched, and enriched before it joins an event.
    assert end_to_end["ingested"]["p50"] <= end_to_end["enriched"]["p50"] <= end_to_end["event_stored"]["p50"]
    hops = report["latency"]["hops"]
    assert {"ingest", "enrich", "dedupe", "notify"} <= set(hops)
    assert hops["enrich"]["processing"]["count"] == 30
    assert report["latency"]["achieved_rate"] == pytest.approx(10, rel=0.2)


def test_throughput_and_webhooks(report: dict[str, Any]) -> None:
    throughput = report["throughput"]
    assert throughput["articles_per_s"] > 0
    assert throughput["seconds"] > 0
    assert throughput["cpu_ms_per_article"]["enrich"] > 0
    assert any(name.startswith("ARTICLES/") for name in throughput["backlog"])
    assert any(command.startswith("dedupe ") for command in throughput["database"])
    webhooks = report["webhooks"]
    assert webhooks["received"] > 0
    assert webhooks["rejected"] == 0
    # The catch-all subscription hears of every article's event change; the narrower ones of fewer.
    assert webhooks["by_subscription"]["/all"] >= 50
    assert all(count <= webhooks["by_subscription"]["/all"] for count in webhooks["by_subscription"].values())


def test_processes_and_bare_limits(report: dict[str, Any]) -> None:
    final = report["processes"]["final"]
    assert set(final) == PROCESSES
    for name, sample in final.items():
        assert sample["rss_mb"] > 0, name
        assert sample["peak_rss_mb"] >= sample["rss_mb"] * 0.5, name
        assert sample["cpu_seconds"] > 0, name
    bare = report["bare"]
    assert bare["jetstream"]["publish_per_s"] > 0
    assert bare["jetstream"]["consume_per_s"] > 0
    assert bare["mongo"]["insert_per_s"] > 0
    assert bare["mongo"]["upsert_per_s"] > 0
    assert bare["enrichment"]["articles"] == 8
    assert bare["enrichment"]["articles_per_s"] > 0
    assert report["ratios"]["pipeline_vs_bare_enrichment"] > 0


def test_targets_are_judged(report: dict[str, Any]) -> None:
    targets = report["targets"]
    assert len(targets) == 4
    for target in targets:
        assert isinstance(target["met"], bool)
        assert target["value"] is not None
        if not target["met"]:
            assert target["bottleneck"]

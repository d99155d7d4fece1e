"""What the benchmark reads from the running services: Prometheus histograms from ``/metrics`` and, from Linux
``/proc``, each process's CPU seconds and resident memory.

Histograms are scraped before and after a phase; the bucket deltas give the phase's per-hop latency and processing
time quantiles (``bench_stats.histogram_summary``) without any other traffic mixed in. CPU time counts a process
and its live descendants (ingest's page extraction workers), so nothing a service runs is left out.
"""

from __future__ import annotations

import asyncio
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from .bench_stats import bucket_delta, histogram_summary

# The runtime's per-hop histograms (wirewatch.runtime.metric_catalogue), in the order a message meets them.
HOP_METRICS: tuple[tuple[str, str], ...] = (
    ("hop", "wirewatch_hop_latency_seconds"),
    ("processing", "wirewatch_processing_seconds"),
    ("end_to_end", "wirewatch_end_to_end_latency_seconds"),
)
DB_METRIC = "wirewatch_db_operation_seconds"  # by service and command: who keeps the database busy
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")


@dataclass
class Histogram:
    buckets: dict[float, float] = field(default_factory=dict)
    sum: float = 0.0


# (metric name, service label, command label or "") -> histogram
Scrape = dict[tuple[str, str, str], Histogram]


def parse_histograms(text: str, names: set[str]) -> Scrape:
    """The histograms called ``names`` in a Prometheus text exposition, by (name, ``service`` label)."""
    found: Scrape = {}
    for family in text_string_to_metric_families(text):
        if family.name not in names or family.type != "histogram":
            continue
        for sample in family.samples:
            key = (family.name, sample.labels.get("service", ""), sample.labels.get("command", ""))
            histogram = found.setdefault(key, Histogram())
            if sample.name.endswith("_bucket"):
                bound = sample.labels["le"]
                histogram.buckets[math.inf if bound == "+Inf" else float(bound)] = sample.value
            elif sample.name.endswith("_sum"):
                histogram.sum = sample.value
    return found


async def scrape(urls: dict[str, str], client: httpx.AsyncClient) -> Scrape:
    """Every service's hop histograms; a service that does not answer contributes nothing."""
    names = {name for _, name in HOP_METRICS} | {DB_METRIC}

    async def one(url: str) -> Scrape:
        try:
            response = await client.get(url)
            response.raise_for_status()
        except httpx.HTTPError:
            return {}
        return parse_histograms(response.text, names)

    merged: Scrape = {}
    for part in await asyncio.gather(*(one(url) for url in urls.values())):
        merged.update(part)
    return merged


def hop_table(before: Scrape, after: Scrape) -> dict[str, dict[str, dict[str, float | int | None]]]:
    """service -> {hop | processing | end_to_end: count, mean, p50, p95, p99 in ms} over what happened between."""
    table: dict[str, dict[str, dict[str, float | int | None]]] = {}
    for (name, service, command), histogram in sorted(after.items(), key=lambda item: item[0][1]):
        if name == DB_METRIC:
            continue
        old = before.get((name, service, command), Histogram())
        delta = bucket_delta(histogram.buckets, old.buckets)
        if delta.get(math.inf, 0.0) <= 0:
            continue
        label = next(label for label, metric in HOP_METRICS if metric == name)
        table.setdefault(service, {})[label] = histogram_summary(delta, histogram.sum - old.sum)
    return table


def db_table(before: Scrape, after: Scrape) -> dict[str, dict[str, float]]:
    """``service command`` -> commands, mean ms and total seconds spent waiting for the database, busiest first."""
    rows: dict[str, dict[str, float]] = {}
    for (name, service, command), histogram in after.items():
        if name != DB_METRIC:
            continue
        old = before.get((name, service, command), Histogram())
        count = histogram.buckets.get(math.inf, 0.0) - old.buckets.get(math.inf, 0.0)
        if count <= 0:
            continue
        seconds = histogram.sum - old.sum
        rows[f"{service} {command}"] = {
            "count": int(count),
            "mean_ms": round(1000 * seconds / count, 2),
            "seconds": round(seconds, 2),
        }
    return dict(sorted(rows.items(), key=lambda item: -item[1]["seconds"]))


@dataclass(frozen=True, slots=True)
class ProcessSample:
    cpu_seconds: float
    rss_mb: float
    peak_rss_mb: float


def _stat_fields(pid: int) -> list[str]:
    text = (_PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # the name may hold spaces; fields start after it


def _memory_kb(pid: int) -> tuple[int, int]:
    values = {"VmRSS": 0, "VmHWM": 0}
    for line in (_PROC / str(pid) / "status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in values:
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def descendants(pid: int) -> list[int]:
    """Live processes below ``pid`` (children, grandchildren...)."""
    parents: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            try:
                parents.setdefault(int(_stat_fields(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def sample_process(pid: int) -> ProcessSample | None:
    """CPU seconds (user + system) and resident memory of ``pid`` and its descendants; None once it is gone."""
    cpu = rss = peak = 0.0
    for index, member in enumerate([pid, *descendants(pid)]):
        try:
            fields = _stat_fields(member)
            now_kb, peak_kb = _memory_kb(member)
        except (OSError, ValueError, IndexError):
            if index == 0:
                return None
            continue
        cpu += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        rss += now_kb / 1024
        peak += peak_kb / 1024
    return ProcessSample(round(cpu, 2), round(rss, 1), round(peak, 1))


def sample_processes(pids: dict[str, int]) -> dict[str, ProcessSample]:
    samples = {name: sample_process(pid) for name, pid in pids.items()}
    return {name: sample for name, sample in samples.items() if sample is not None}


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()

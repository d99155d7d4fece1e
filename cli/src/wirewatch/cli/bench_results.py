"""The benchmark's numbers from what was measured: the corpus's shape, each phase's section of the report, CPU
deltas between process samples and the accounting of every submitted article (clustered, or where it stopped)."""

from __future__ import annotations

from typing import Any

from .bench_corpus import BenchArticle
from .bench_metrics import Scrape, db_table, hop_table
from .bench_phases import Readback, Submitted, latencies
from .bench_receiver import Arrival
from .bench_stats import quantile, summary

ProcessTable = dict[str, dict[str, float]]

# CPU per article counts, for each process, the articles that got through it (all of them in a complete run):
# ingest's stored, enrich's enriched, everyone else's clustered (the servers work for every hop).
_STAGE_OF = {"ingest": "stored", "enrich": "enriched"}


def corpus_stats(corpus: list[BenchArticle], stories: int) -> dict[str, Any]:
    words = [a.words for a in corpus]
    kinds: dict[str, int] = {}
    for article in corpus:
        kinds[article.kind] = kinds.get(article.kind, 0) + 1
    return {
        "articles": len(corpus),
        "stories": stories,
        "kinds": kinds,
        "copy_share": round(1 - kinds.get("original", 0) / max(1, len(corpus)), 3),
        "words": {"median": quantile(words, 0.5), "min": min(words, default=0), "max": max(words, default=0)},
    }


def cpu_delta(before: ProcessTable, after: ProcessTable) -> dict[str, float]:
    return {name: round(after[name]["cpu_seconds"] - before.get(name, {}).get("cpu_seconds", 0.0), 2) for name in after}


def accounting(submitted: list[Submitted], missing: dict[str, list[str]]) -> dict[str, Any]:
    lost = sum(len(ids) for ids in missing.values())
    return {
        "submitted": len(submitted),
        "clustered": len(submitted) - lost,
        "missing": {stage: {"count": len(ids), "examples": ids[:5]} for stage, ids in missing.items()},
    }


def webhook_counts(arrivals: list[Arrival]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for arrival in arrivals:
        counts[arrival.path] = counts.get(arrival.path, 0) + 1
    return counts


def latency_section(
    rate: float,
    submitted: list[Submitted],
    readback: Readback,
    arrivals: list[Arrival],
    scrapes: tuple[Scrape, Scrape],
    processes: tuple[ProcessTable, ProcessTable],
) -> dict[str, Any]:
    found = latencies(submitted, readback, arrivals)
    span = max(s.sent_at for s in submitted) - min(s.sent_at for s in submitted)
    return {
        "articles": len(submitted),
        "rate": rate,
        "achieved_rate": round((len(submitted) - 1) / span, 1) if span > 0 else None,
        "accounting": accounting(submitted, readback.missing),
        "end_to_end_ms": {name: summary(values, scale=1000) for name, values in found.items()},
        "hops": hop_table(*scrapes),
        "database": db_table(*scrapes),
        "cpu_seconds": cpu_delta(*processes),
    }


def throughput_section(
    submitted: list[Submitted],
    readback: Readback,
    window: tuple[float, float],
    scrapes: tuple[Scrape, Scrape],
    processes: tuple[ProcessTable, ProcessTable],
) -> dict[str, Any]:
    """Articles/s from the first post to the last clustering decision; ``window`` = (first post, last accepted)."""
    started, accepted = window
    decided = sorted(doc["dedupe"]["decided_at"].timestamp() for doc in readback.docs.values() if "dedupe" in doc)
    count = len(submitted)
    elapsed = (decided[-1] - started) if decided else None
    # The middle 80% of the decisions: the steady rate, without the pipeline filling up and draining.
    low, high = quantile(decided, 0.1), quantile(decided, 0.9)
    steady = 0.8 * len(decided) / (high - low) if low is not None and high is not None and high > low else None
    cpu = cpu_delta(*processes)
    docs = readback.docs.values()
    passed = {
        "stored": len(readback.docs),
        "enriched": sum("enriched_at" in doc for doc in docs),
        "clustered": len(decided),
    }
    return {
        "articles": count,
        "accounting": accounting(submitted, readback.missing),
        "accept_per_s": round(count / (accepted - started), 1) if accepted > started else None,
        "seconds": round(elapsed, 2) if elapsed else None,
        "articles_per_s": round(len(decided) / elapsed, 1) if elapsed else None,
        "steady_articles_per_s": round(steady, 1) if steady else None,
        "passed": passed,
        "cpu_seconds": cpu,
        "cpu_ms_per_article": {
            name: round(1000 * seconds / max(1, passed[_STAGE_OF.get(name, "clustered")]), 2)
            for name, seconds in cpu.items()
        },
        "hops": hop_table(*scrapes),
        "database": db_table(*scrapes),
    }

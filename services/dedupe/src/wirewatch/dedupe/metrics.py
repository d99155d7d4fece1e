"""Dedupe's own metrics, on top of the hop metrics every service has."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

DECISIONS = ("create", "join", "duplicate", "revision", "replay", "stale")


class DedupeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: articles decided, by decision (create, join, duplicate, revision, replay, stale).
        self.decisions = Counter(
            "wirewatch_dedupe_decisions", "Dedupe decisions, by kind", ["decision"], registry=registry
        )
        # Counter: optimistic-concurrency retries, by kind (version: an event changed under us; creation:
        # another event was created while we searched).
        self.conflicts = Counter(
            "wirewatch_dedupe_conflicts", "Concurrency conflicts retried", ["kind"], registry=registry
        )
        # Histogram: candidate events scored for one article (cost of clustering; should stay flat as events grow).
        self.candidates = Histogram(
            "wirewatch_dedupe_candidates",
            "Candidate events scored per article",
            buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
            registry=registry,
        )
        for decision in DECISIONS:
            self.decisions.labels(decision)

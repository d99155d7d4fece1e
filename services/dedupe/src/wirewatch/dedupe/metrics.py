"""Dedupe's own metrics, on top of the hop metrics every service has."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from wirewatch.runtime.metric_catalogue import counter, histogram

DECISIONS = ("create", "join", "duplicate", "revision", "replay", "stale")


class DedupeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: articles decided, by decision (create, join, duplicate, revision, replay, stale).
        self.decisions = counter("wirewatch_dedupe_decisions", registry)
        # Counter: optimistic-concurrency retries, by kind (version: an event changed under us; creation:
        # another event was created while we searched).
        self.conflicts = counter("wirewatch_dedupe_conflicts", registry)
        # Histogram: candidate events scored for one article (cost of clustering; should stay flat as events grow).
        self.candidates = histogram("wirewatch_dedupe_candidates", registry, (0, 1, 2, 5, 10, 20, 50, 100, 200))
        for decision in DECISIONS:
            self.decisions.labels(decision)

"""Dedupe's own metrics, on top of the hop metrics every service has."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from wirewatch.contracts import event_subject
from wirewatch.runtime.metric_catalogue import counter, histogram

DECISIONS = ("create", "join", "duplicate", "revision", "replay", "stale")
# Categories come from enrich's lexicon (a dozen); past this many distinct ones the rest count as "other", so a
# classifier change can never grow the series without bound. Countries are ISO 3166 alpha-2 or "XX" (bounded).
MAX_CATEGORIES = 32
OTHER_CATEGORY = "other"


class DedupeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: articles decided, by decision (create, join, duplicate, revision, replay, stale).
        self.decisions = counter("wirewatch_dedupe_decisions", registry)
        # Counter: optimistic-concurrency retries, by kind (version: an event changed under us; creation:
        # another event was created while we searched; provisional: the best event was still being created, we
        # waited; takeover: we finished the creation check of a creator that stopped, see creations.py).
        self.conflicts = counter("wirewatch_dedupe_conflicts", registry)
        # Histogram: candidate events scored for one article (cost of clustering; should stay flat as events grow).
        self.candidates = histogram("wirewatch_dedupe_candidates", registry, (0, 1, 2, 5, 10, 20, 50, 100, 200))
        for decision in DECISIONS:
            self.decisions.labels(decision)
        # Counters: new events by category and by country (subject tokens: sanitised, "XX" when unknown).
        self.events_by_category = counter("wirewatch_events_created_by_category", registry)
        self.events_by_country = counter("wirewatch_events_created_by_country", registry)
        self._categories: set[str] = set()

    def event_created(self, category: str | None, country: str | None) -> None:
        _, _, category_label, country_label = event_subject("created", category, country).split(".")
        if category_label not in self._categories and len(self._categories) >= MAX_CATEGORIES:
            category_label = OTHER_CATEGORY
        self._categories.add(category_label)
        self.events_by_category.labels(category_label).inc()
        self.events_by_country.labels(country_label).inc()

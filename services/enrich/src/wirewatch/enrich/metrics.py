"""Enrich's own metrics, beside the shared hop metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from wirewatch.runtime.metric_catalogue import counter, histogram


class EnrichMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Histogram: seconds of CPU-bound NLP (language id, NER, gazetteer, classifier) per article.
        self.nlp_seconds = histogram("wirewatch_enrich_nlp_seconds", registry)
        # Histogram: articles per NLP batch (the messages of one pull fetch that were waiting together).
        self.batch_size = histogram("wirewatch_enrich_batch_size", registry, (1, 2, 4, 8, 16, 32, 64, 128))
        # Counter: articles by what happened to their enrichment: stored, stale (a newer revision was already
        # enriched; not republished) or missing (no article document to store it on; published anyway).
        self.articles = counter("wirewatch_enrich_articles", registry)
        # Counter: articles enriched with at least one warning (title only, capped, not English, garbage).
        self.degraded = counter("wirewatch_enrich_degraded", registry)
        for outcome in ("stored", "stale", "missing"):
            self.articles.labels(outcome)

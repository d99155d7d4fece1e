"""Enrich's own metrics, beside the shared hop metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

from wirewatch.runtime import LATENCY_BUCKETS


class EnrichMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Histogram: seconds of CPU-bound NLP (language id, NER, gazetteer, classifier) per article.
        self.nlp_seconds = Histogram(
            "wirewatch_enrich_nlp_seconds",
            "Time to enrich one article (its share of its batch)",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # Histogram: articles per NLP batch (the messages of one pull fetch that were waiting together).
        self.batch_size = Histogram(
            "wirewatch_enrich_batch_size",
            "Articles enriched together in one nlp.pipe batch",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128),
            registry=registry,
        )
        # Counter: articles by what happened to their enrichment: stored, stale (a newer revision was already
        # enriched; not republished) or missing (no article document to store it on; published anyway).
        self.articles = Counter(
            "wirewatch_enrich_articles", "Articles enriched, by storage outcome", ["outcome"], registry=registry
        )
        # Counter: articles enriched with at least one warning (title only, capped, not English, garbage).
        self.degraded = Counter(
            "wirewatch_enrich_degraded", "Articles whose enrichment carries warnings", registry=registry
        )
        for outcome in ("stored", "stale", "missing"):
            self.articles.labels(outcome)

"""The hop metrics every service exposes; each name is declared once here with its type and meaning."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram

# Latency buckets from 1 ms to 60 s: hops are milliseconds, a retried message takes seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

OUTCOMES = ("ok", "retried", "dead_lettered", "rejected")


class HopMetrics:
    """Per-service metrics of the consume -> process -> publish hop.

    Labels are low-cardinality by construction: ``service`` and ``outcome`` come from fixed sets.
    """

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.service = service
        # Counter: messages a service finished with, by outcome (ok, retried, dead_lettered, rejected).
        self.messages = Counter(
            "wirewatch_messages", "Messages handled, by outcome", ["service", "outcome"], registry=registry
        )
        # Histogram: seconds spent in the handler (decode, work, DB writes, publish).
        self.processing = Histogram(
            "wirewatch_processing_seconds",
            "Time to process one message",
            ["service"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # Histogram: seconds from the message being stored in JetStream to this service picking it up.
        self.hop_latency = Histogram(
            "wirewatch_hop_latency_seconds",
            "Publish-to-consume latency of the incoming hop",
            ["service"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # Histogram: seconds from the article's ingest to this service finishing with it.
        self.end_to_end = Histogram(
            "wirewatch_end_to_end_latency_seconds",
            "Latency since the article was ingested, measured when this service finishes",
            ["service"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # Counter: messages sent to the dead letters, by why (invalid payload or repeated failure).
        self.dead_letters = Counter(
            "wirewatch_dead_letters", "Messages dead-lettered", ["service", "reason"], registry=registry
        )
        for outcome in OUTCOMES:
            self.messages.labels(service, outcome)

    def observe_since(self, histogram: Histogram, since: datetime | None) -> None:
        """Observe the seconds elapsed since ``since`` (ignored when unknown or in the future)."""
        if since is None:
            return
        elapsed = (datetime.now(UTC) - since).total_seconds()
        if elapsed >= 0:
            histogram.labels(self.service).observe(elapsed)

"""The hop metrics every service exposes; names, help and labels come from the metric catalogue."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Histogram

from .metric_catalogue import LATENCY_BUCKETS, counter, histogram

__all__ = ["LATENCY_BUCKETS", "OUTCOMES", "HopMetrics"]

OUTCOMES = ("ok", "retried", "unavailable", "dead_lettered", "rejected")


class HopMetrics:
    """Per-service metrics of the consume -> process -> publish hop (names and help in the metric catalogue).

    Labels are low-cardinality by construction: ``service`` and ``outcome`` come from fixed sets.
    """

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self.service = service
        # Counter: messages a service finished with, by outcome (ok, retried, unavailable = put back because the
        # database or the bus was away, dead_lettered, rejected).
        self.messages = counter("wirewatch_messages", registry)
        # Histogram: seconds spent in the handler (decode, work, DB writes, publish).
        self.processing = histogram("wirewatch_processing_seconds", registry)
        # Histogram: seconds from the message being stored in JetStream to this service picking it up.
        self.hop_latency = histogram("wirewatch_hop_latency_seconds", registry)
        # Histogram: seconds from the article's ingest to this service finishing with it.
        self.end_to_end = histogram("wirewatch_end_to_end_latency_seconds", registry)
        # Counter: messages sent to the dead letters, by why (invalid payload or repeated failure).
        self.dead_letters = counter("wirewatch_dead_letters", registry)
        for outcome in OUTCOMES:
            self.messages.labels(service, outcome)

    def observe_since(self, histogram: Histogram, since: datetime | None) -> None:
        """Observe the seconds elapsed since ``since`` (ignored when unknown or in the future)."""
        if since is None:
            return
        elapsed = (datetime.now(UTC) - since).total_seconds()
        if elapsed >= 0:
            histogram.labels(self.service).observe(elapsed)

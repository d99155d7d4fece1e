"""Notify's own metrics, next to the runtime's hop metrics; each declared once with its type and meaning."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from wirewatch.runtime.metric_catalogue import counter, gauge, histogram

DELIVERY_OUTCOMES = ("delivered", "retried", "dead", "refused", "skipped")
# Which kind of answer an attempt got: a class of status code, "stored" (a NATS target's message is in its
# stream) or "error" (timeout, connection refused, ...).
ATTEMPT_RESULTS = ("2xx", "3xx", "4xx", "5xx", "stored", "error")
DISABLE_REASONS = ("gone", "failing")


def attempt_result(status_code: int | None, *, stored: bool = False) -> str:
    if stored:
        return "stored"
    if status_code is None or not 200 <= status_code < 600:
        return "error"
    return f"{status_code // 100}xx"


class NotifyMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: webhook attempts by what became of the delivery: delivered, retried (will try again),
        # dead (gave up: retries ran out, 410 Gone, unusable subscription), refused (URL not allowed),
        # skipped (not sent because the endpoint's circuit breaker is open; counts as an attempt).
        self.deliveries = counter("wirewatch_webhook_deliveries", registry)
        # Histogram: seconds from sending a webhook to its answer (or failure), by result class.
        self.latency = histogram("wirewatch_webhook_delivery_seconds", registry)
        # Gauge: webhook requests in flight right now.
        self.in_flight = gauge("wirewatch_webhook_in_flight", registry)
        # Counter: delivery requests put back because their endpoint already had its share in flight (no attempt).
        self.endpoint_busy = counter("wirewatch_webhook_endpoint_busy", registry)
        # Counter: subscriptions notify disabled, by why: gone (410) or failing (failed for too long).
        self.disabled = counter("wirewatch_subscriptions_disabled", registry)
        # Counter: replay requests handled, and the deliveries they asked for.
        self.replays = counter("wirewatch_replays", registry)
        self.replayed = counter("wirewatch_replayed_deliveries", registry)
        for outcome in DELIVERY_OUTCOMES:
            self.deliveries.labels(outcome)
        for result in ATTEMPT_RESULTS:
            self.latency.labels(result)
        for reason in DISABLE_REASONS:
            self.disabled.labels(reason)

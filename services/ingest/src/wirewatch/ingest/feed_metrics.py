"""The feed poller's metrics. Low cardinality on purpose: no feed URL or id is ever a label."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from wirewatch.contracts import FetchOutcome
from wirewatch.runtime.metric_catalogue import counter, gauge, histogram

OUTCOMES: tuple[FetchOutcome, ...] = (
    "ok",
    "not_modified",
    "http_error",
    "timeout",
    "too_large",
    "parse_error",
    "refused",
    "connect_error",
    "redirect_error",
    "error",
)
STATES = ("healthy", "failing", "stale", "disabled")
ITEM_KINDS = ("new", "seen", "skipped")


class FeedMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: feed fetches, by how they ended (see FetchOutcome).
        self.fetches = counter("wirewatch_feed_fetches", registry)
        # Counter: body bytes received from feeds (after decompression, as parsed).
        self.bytes = counter("wirewatch_feed_bytes", registry)
        # Counter: feed items, by kind: new (published), seen (published before), skipped (no title and no link).
        self.items = counter("wirewatch_feed_items", registry)
        # Histogram: seconds one poll took (fetch + parse + publish), waiting for a slot excluded.
        self.poll_seconds = histogram(
            "wirewatch_feed_poll_seconds", registry, (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
        )
        # Gauge: registered feeds by state (healthy, failing, stale, disabled), refreshed by the poller.
        self.feeds = gauge("wirewatch_feeds", registry)
        for outcome in OUTCOMES:
            self.fetches.labels(outcome)
        for kind in ITEM_KINDS:
            self.items.labels(kind)
        for state in STATES:
            self.feeds.labels(state)

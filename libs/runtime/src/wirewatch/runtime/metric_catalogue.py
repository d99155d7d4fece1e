"""Every ``wirewatch_*`` metric, listed once: name, type, help, labels and the services that expose it.

Services declare metrics on their own registries through :func:`counter`, :func:`gauge` and :func:`histogram`,
which take name, help and labels from here; a unit test checks that what each service's registry exposes is
exactly this list. Labels are small fixed sets (outcome, reason, route template...): never ids, URLs or hosts,
so the number of series stays bounded whatever the traffic. Dashboards and alert rules may only use these names
(plus the prometheus-nats-exporter names in :data:`NATS_EXPORTER_METRICS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

Kind = Literal["counter", "gauge", "histogram"]

ALL_SERVICES = frozenset({"ingest", "enrich", "dedupe", "notify", "api"})

# Latency buckets from 1 ms to 60 s: hops are milliseconds, a retried message takes seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class MetricSpec:
    name: str  # as declared; counters are exposed with a ``_total`` suffix, histograms as _bucket/_sum/_count
    kind: Kind
    help: str
    labels: tuple[str, ...]
    services: frozenset[str]


def _spec(name: str, kind: Kind, help_text: str, labels: Sequence[str] = (), *services: str) -> MetricSpec:
    return MetricSpec(name, kind, help_text, tuple(labels), frozenset(services) if services else ALL_SERVICES)


# fmt: off
CATALOGUE: tuple[MetricSpec, ...] = (
    # Every service (runtime): the consume -> process -> publish hop.
    _spec("wirewatch_messages", "counter", "Messages handled, by outcome", ["service", "outcome"]),
    _spec("wirewatch_processing_seconds", "histogram", "Time to process one message", ["service"]),
    _spec("wirewatch_hop_latency_seconds", "histogram", "Publish-to-consume latency of the incoming hop", ["service"]),
    _spec("wirewatch_end_to_end_latency_seconds", "histogram",
          "Latency since the article was ingested, measured when this service finishes", ["service"]),
    _spec("wirewatch_dead_letters", "counter", "Messages dead-lettered", ["service", "reason"]),
    _spec("wirewatch_db_operation_seconds", "histogram", "MongoDB command latency, by command",
          ["service", "command"]),
    _spec("wirewatch_consumer_pending", "gauge", "Messages in the stream not yet delivered to this consumer",
          ["service", "consumer"]),
    _spec("wirewatch_consumer_ack_pending", "gauge", "Messages delivered to this consumer and not yet acked",
          ["service", "consumer"]),
    # ingest: feeds and article pages.
    _spec("wirewatch_feed_fetches", "counter", "Feed fetches, by outcome", ["outcome"], "ingest"),
    _spec("wirewatch_feed_bytes", "counter", "Feed body bytes received", [], "ingest"),
    _spec("wirewatch_feed_items", "counter", "Feed items, by kind", ["kind"], "ingest"),
    _spec("wirewatch_feed_poll_seconds", "histogram", "Seconds per feed poll", [], "ingest"),
    _spec("wirewatch_feeds", "gauge", "Registered feeds, by state", ["state"], "ingest"),
    _spec("wirewatch_ingest_page_reads", "counter", "Article pages read, by outcome", ["outcome"], "ingest"),
    _spec("wirewatch_ingest_page_seconds", "histogram", "Time to download or extract an article page", ["stage"],
          "ingest"),
    _spec("wirewatch_ingest_page_bytes", "counter", "Bytes of article pages downloaded", [], "ingest"),
    # enrich
    _spec("wirewatch_enrich_nlp_seconds", "histogram", "Time to enrich one article (its share of its batch)", [],
          "enrich"),
    _spec("wirewatch_enrich_batch_size", "histogram", "Articles enriched together in one nlp.pipe batch", [],
          "enrich"),
    _spec("wirewatch_enrich_articles", "counter", "Articles enriched, by storage outcome", ["outcome"], "enrich"),
    _spec("wirewatch_enrich_degraded", "counter", "Articles whose enrichment carries warnings", [], "enrich"),
    # dedupe: events created / joined / duplicates.
    _spec("wirewatch_dedupe_decisions", "counter", "Dedupe decisions, by kind", ["decision"], "dedupe"),
    _spec("wirewatch_dedupe_conflicts", "counter", "Concurrency conflicts retried", ["kind"], "dedupe"),
    _spec("wirewatch_dedupe_candidates", "histogram", "Candidate events scored per article", [], "dedupe"),
    _spec("wirewatch_events_created_by_category", "counter", "Events created, by category", ["category"], "dedupe"),
    _spec("wirewatch_events_created_by_country", "counter", "Events created, by primary country (XX: unknown)",
          ["country"], "dedupe"),
    # notify: webhook deliveries.
    _spec("wirewatch_webhook_deliveries", "counter", "Webhook delivery attempts, by outcome", ["outcome"], "notify"),
    _spec("wirewatch_webhook_delivery_seconds", "histogram", "Webhook request latency", ["result"], "notify"),
    _spec("wirewatch_webhook_in_flight", "gauge", "Webhook requests in flight", [], "notify"),
    _spec("wirewatch_webhook_endpoint_busy", "counter", "Deliveries postponed because their endpoint was busy", [],
          "notify"),
    _spec("wirewatch_subscriptions_disabled", "counter", "Subscriptions disabled by notify", ["reason"], "notify"),
    _spec("wirewatch_replays", "counter", "Replay requests handled", [], "notify"),
    _spec("wirewatch_replayed_deliveries", "counter", "Deliveries requested by replays", [], "notify"),
    # api
    _spec("wirewatch_api_requests", "counter", "HTTP requests answered", ["route", "method", "status"], "api"),
    _spec("wirewatch_api_request_seconds", "histogram", "Time to answer an HTTP request", ["route"], "api"),
    _spec("wirewatch_api_articles_accepted", "counter", "Articles accepted and queued for ingest", [], "api"),
    _spec("wirewatch_api_stream_clients", "gauge", "Clients connected to /v1/stream", [], "api"),
    _spec("wirewatch_api_stream_dropped", "counter", "Stream clients dropped by the server", ["reason"], "api"),
)
# fmt: on

BY_NAME: dict[str, MetricSpec] = {spec.name: spec for spec in CATALOGUE}

# prometheus-nats-exporter (-varz -jsz=all -prefix=nats) names the dashboards and alerts use; they come from the
# exporter in compose and the NATS Helm chart's sidecar, not from wirewatch.
NATS_EXPORTER_METRICS = frozenset(
    {
        "nats_consumer_num_pending",
        "nats_consumer_num_ack_pending",
        "nats_consumer_num_redelivered",
        "nats_consumer_delivered_consumer_seq",
        "nats_stream_total_messages",
        "nats_stream_total_bytes",
        "nats_varz_connections",
        "nats_varz_in_msgs",
        "nats_varz_out_msgs",
    }
)

_SUFFIXES = {
    "counter": ("_total", "_created"),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count", "_created"),
}


def exposed_names(spec: MetricSpec) -> tuple[str, ...]:
    """The sample names Prometheus stores for ``spec`` (what PromQL may refer to)."""
    return tuple(spec.name + suffix for suffix in _SUFFIXES[spec.kind])


def known_series_names() -> frozenset[str]:
    """Every series name a query may use: the catalogue's exposed names, the exporter's and Prometheus' ``up``."""
    names = {name for spec in CATALOGUE for name in exposed_names(spec)}
    return frozenset(names | NATS_EXPORTER_METRICS | {"up"})


def for_service(service: str) -> tuple[MetricSpec, ...]:
    return tuple(spec for spec in CATALOGUE if service in spec.services)


def _checked(name: str, kind: Kind) -> MetricSpec:
    spec = BY_NAME.get(name)
    if spec is None:
        raise KeyError(f"metric {name!r} is not in wirewatch.runtime.metric_catalogue")
    if spec.kind != kind:
        raise TypeError(f"metric {name!r} is a {spec.kind} in the catalogue, not a {kind}")
    return spec


def counter(name: str, registry: CollectorRegistry) -> Counter:
    spec = _checked(name, "counter")
    return Counter(spec.name, spec.help, spec.labels, registry=registry)


def gauge(name: str, registry: CollectorRegistry) -> Gauge:
    spec = _checked(name, "gauge")
    return Gauge(spec.name, spec.help, spec.labels, registry=registry)


def histogram(name: str, registry: CollectorRegistry, buckets: Sequence[float] = LATENCY_BUCKETS) -> Histogram:
    spec = _checked(name, "histogram")
    return Histogram(spec.name, spec.help, spec.labels, buckets=buckets, registry=registry)

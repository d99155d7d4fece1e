"""Dedupe's router: ``articles.enriched`` -> decide -> ``events.<change>.<category>.<country>``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from faststream.nats import NatsMessage, NatsRouter

from wirewatch.contracts import (
    ARTICLES_ENRICHED,
    ARTICLES_STREAM,
    EVENTS_STREAM,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    ArticleEnriched,
    EventChanged,
    event_subject,
)
from wirewatch.runtime import Delivery, Service, durable_subscriber

from .clusterer import ArticleClusterer
from .metrics import DedupeMetrics

log = logging.getLogger("wirewatch.dedupe")


def change_publisher(service: Service) -> Callable[[EventChanged], Awaitable[None]]:
    """Publish an event change that is not the handled article's own (dormancy, merges, a dead creator's creation),
    with its exactly-once Msg-Id."""

    async def publish(change: EventChanged) -> None:
        event = change.event
        subject = event_subject(change.change, event.category, event.primary_country)
        headers = {HEADER_MSG_ID: f"event:{event.event_id}:{event.version}"}
        await service.broker.publish(change, subject, headers=headers, stream=EVENTS_STREAM.name)

    return publish


def build_router(
    service: Service, clusterer: ArticleClusterer, metrics: DedupeMetrics, *, ack_wait: float = 60.0
) -> NatsRouter:
    router = NatsRouter()
    publish_change = change_publisher(service)
    enriched = durable_subscriber(
        router,
        subject=ARTICLES_ENRICHED,
        stream=ARTICLES_STREAM,
        durable="dedupe",
        batch_size=service.settings.batch_size,
        ack_wait=ack_wait,
    )

    async def dedupe_article(message: ArticleEnriched, delivery: Delivery) -> None:
        outcome = await clusterer.cluster_article(message)
        if outcome is None:
            metrics.decisions.labels("stale").inc()
            return
        change = outcome.change
        event = change.event
        headers = {
            HEADER_MSG_ID: f"event:{event.event_id}:{event.version}",
            HEADER_INGESTED_AT: delivery.headers.get(HEADER_INGESTED_AT) or message.article.ingested_at.isoformat(),
        }
        if trace := delivery.headers.get(HEADER_TRACEPARENT):
            headers[HEADER_TRACEPARENT] = trace
        subject = event_subject(change.change, event.category, event.primary_country)
        for finished in outcome.resolved:  # creations this article finished for a creator that died
            await publish_change(finished)
        # A replay re-publishes the stored change under the same Msg-Id: JetStream drops it if it got through.
        await service.broker.publish(change, subject, headers=headers, stream=EVENTS_STREAM.name)
        for merged in outcome.merges:
            await publish_change(merged)
        metrics.decisions.labels("replay" if outcome.replayed else outcome.decision).inc()
        if not outcome.replayed:
            metrics.candidates.observe(outcome.candidates)
            if outcome.decision == "create":
                metrics.event_created(event.category, event.primary_country)
        log.info(
            "article decided",
            extra={
                "article_id": message.article.article_id,
                "revision": message.article.revision,
                "decision": outcome.decision,
                "replayed": outcome.replayed,
                "event_id": event.event_id,
                "event_version": event.version,
            },
        )

    @enriched
    async def on_enriched(msg: NatsMessage) -> None:
        await service.consume(msg, ArticleEnriched, dedupe_article)

    return router

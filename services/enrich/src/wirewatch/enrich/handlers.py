"""Enrich's router: ``articles.ingested`` -> enrich -> store on the article -> ``articles.enriched``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from faststream.nats import NatsMessage, NatsRouter

from wirewatch.contracts import (
    ARTICLES_ENRICHED,
    ARTICLES_INGESTED,
    ARTICLES_STREAM,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    ArticleEnriched,
    ArticleIngested,
)
from wirewatch.runtime import Delivery, Service, durable_subscriber

from .batcher import Coalescer, EnrichBatcher
from .loader import EnricherLoader
from .metrics import EnrichMetrics
from .repository import EnrichmentRepository, StoreOutcome, StoreRequest
from .settings import EnrichSettings

log = logging.getLogger("wirewatch.enrich")


def build_router(
    service: Service,
    settings: EnrichSettings,
    repository: EnrichmentRepository,
    loader: EnricherLoader,
    metrics: EnrichMetrics,
) -> NatsRouter:
    router = NatsRouter()
    batch = max(1, settings.batch_size)
    ingested = durable_subscriber(
        router,
        subject=ARTICLES_INGESTED,
        stream=ARTICLES_STREAM,
        durable="enrich",
        batch_size=batch,
        # Two fetches in flight: one batch in the NLP while the one before it is stored, published and acked.
        max_workers=settings.in_flight or 2 * batch,
    )

    def observe_batch(size: int, seconds: float) -> None:
        metrics.batch_size.observe(size)
        for _ in range(size):
            metrics.nlp_seconds.observe(seconds / size)

    # Handlers run concurrently; the batcher gives their articles to spaCy as one nlp.pipe batch, and their
    # stores go to MongoDB as one bulk write.
    batcher = EnrichBatcher(loader.get, max_batch=batch, on_batch=observe_batch)
    stores: Coalescer[StoreRequest, StoreOutcome] = Coalescer(repository.store_many, max_batch=batch)

    async def enrich_article(article: ArticleIngested, delivery: Delivery) -> None:
        enrichment = await batcher.enrich(article.title, article.text, article.lang)
        if enrichment.warnings:
            metrics.degraded.inc()
        enriched_at = datetime.now(UTC)
        outcome = await stores.submit((article, enrichment, enriched_at))
        metrics.articles.labels(outcome).inc()
        context = {"article_id": article.article_id, "revision": article.revision, "outcome": outcome}
        if outcome == "stale":
            # A newer revision is already enriched; republishing this one would only make dedupe go back in time.
            log.info("stale revision not republished", extra=context)
            return
        if outcome == "missing":
            log.warning("article document not found; publishing the enrichment anyway", extra=context)
        headers = {
            HEADER_MSG_ID: f"enriched:{article.article_id}:{article.revision}",
            HEADER_INGESTED_AT: delivery.headers.get(HEADER_INGESTED_AT) or article.ingested_at.isoformat(),
        }
        if trace := delivery.headers.get(HEADER_TRACEPARENT):
            headers[HEADER_TRACEPARENT] = trace
        message = ArticleEnriched(article=article, enrichment=enrichment, enriched_at=enriched_at)
        await service.broker.publish(message, ARTICLES_ENRICHED, headers=headers, stream=ARTICLES_STREAM.name)
        log.info("article enriched", extra={**context, "lang": enrichment.lang, "warnings": len(enrichment.warnings)})

    @ingested
    async def on_ingested(msg: NatsMessage) -> None:
        await service.consume(msg, ArticleIngested, enrich_article)

    return router

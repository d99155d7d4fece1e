"""Ingest's router: ``articles.submit`` -> store -> ``articles.ingested``."""

from __future__ import annotations

import logging

from faststream.nats import NatsMessage, NatsRouter

from wirewatch.contracts import (
    ARTICLES_INGESTED,
    ARTICLES_STREAM,
    ARTICLES_SUBMIT,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    ArticleSubmitted,
)
from wirewatch.runtime import Delivery, Service, durable_subscriber

from .identity import identify
from .repository import ArticleRepository

log = logging.getLogger("wirewatch.ingest")


def build_router(service: Service, repository: ArticleRepository) -> NatsRouter:
    router = NatsRouter()
    submissions = durable_subscriber(
        router,
        subject=ARTICLES_SUBMIT,
        stream=ARTICLES_STREAM,
        durable="ingest",
        batch_size=service.settings.batch_size,
    )

    async def ingest_article(submitted: ArticleSubmitted, delivery: Delivery) -> None:
        ident = identify(submitted)
        result = await repository.store(submitted, ident)
        if not result.needs_publish:
            log.debug("article unchanged", extra={"article_id": ident.article_id})
            return
        article = result.article
        headers = {
            HEADER_MSG_ID: f"ingested:{article.article_id}:{article.revision}",
            HEADER_INGESTED_AT: article.ingested_at.isoformat(),
        }
        if trace := delivery.headers.get(HEADER_TRACEPARENT):
            headers[HEADER_TRACEPARENT] = trace
        await service.broker.publish(article, ARTICLES_INGESTED, headers=headers, stream=ARTICLES_STREAM.name)
        await repository.mark_published(article.article_id, article.revision)
        log.info(
            "article ingested",
            extra={"article_id": article.article_id, "revision": article.revision, "outcome": result.outcome},
        )

    @submissions
    async def on_submitted(msg: NatsMessage) -> None:
        await service.consume(msg, ArticleSubmitted, ingest_article)

    return router

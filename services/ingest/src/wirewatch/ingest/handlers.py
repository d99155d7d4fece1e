"""Ingest's router: ``articles.submit`` -> (read the page) -> store -> ``articles.ingested``."""

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
from wirewatch.runtime import Delivery, MessageRejected, RetryLater, Service, durable_subscriber

from .drafts import ArticleDraft, draft_from_submission, fallback_draft, merge_page
from .extraction_workers import ExtractionWorkers
from .identity import identify
from .page_reader import PageMetrics, PageReader, PageUnavailable
from .pages import PageFetcher
from .repository import ArticleRepository
from .settings import IngestSettings

log = logging.getLogger("wirewatch.ingest")


def build_page_reader(service: Service, settings: IngestSettings) -> PageReader:
    """The page reader, owned by the handler: its HTTP client and worker processes close with the service."""
    reader = PageReader(
        PageFetcher(
            allowlist=settings.http_allowlist,
            timeout=settings.page_timeout_seconds,
            max_bytes=settings.page_max_bytes,
            max_redirects=settings.page_max_redirects,
            per_host=settings.page_per_host,
        ),
        ExtractionWorkers(workers=settings.extraction_workers, timeout=settings.extraction_timeout_seconds),
        PageMetrics(service.registry),
    )
    service.on_shutdown(reader.aclose)
    return reader


async def draft_for(
    submitted: ArticleSubmitted, delivery: Delivery, pages: PageReader, *, attempts: int
) -> ArticleDraft:
    """What to store for ``submitted``: merged with its page when it asks for one.

    A page that fails transiently is tried again on the next ``attempts - 1`` deliveries (the consumer's retry
    delays); after that, or at once for a permanent failure, the submission stands on its own with the error
    recorded, unless it has no title, which only the page could have given: then it is rejected (dead letter).
    """
    if not (submitted.fetch_page and submitted.url):
        return draft_from_submission(submitted)
    try:
        read = await pages.read(submitted.url)
    except PageUnavailable as exc:
        if exc.transient and delivery.num_delivered < attempts:
            raise RetryLater(f"page {submitted.url}: {exc.reason}") from None
        if not submitted.title.strip():
            reason = f"page {submitted.url} could not be read and the item has no title: {exc.reason}"
            raise MessageRejected(reason) from None
        log.warning("page unreadable, keeping the item", extra={"url": submitted.url, "error": exc.reason})
        return fallback_draft(submitted, exc.reason)
    draft = merge_page(submitted, read)
    if not draft.title.strip():
        raise MessageRejected(f"page {submitted.url} has no title and neither has the item")
    return draft


def build_router(service: Service, repository: ArticleRepository) -> NatsRouter:
    settings = service.settings
    if not isinstance(settings, IngestSettings):
        raise TypeError("the ingest router needs IngestSettings")
    router = NatsRouter()
    pages = build_page_reader(service, settings)
    # Never more page attempts than the consumer allows deliveries: the last delivery must be able to fall back.
    attempts = max(1, min(settings.page_fetch_attempts, service.policy.max_deliver - 1))
    submissions = durable_subscriber(
        router,
        subject=ARTICLES_SUBMIT,
        stream=ARTICLES_STREAM,
        durable="ingest",
        batch_size=service.settings.batch_size,
    )

    async def ingest_article(submitted: ArticleSubmitted, delivery: Delivery) -> None:
        draft = await draft_for(submitted, delivery, pages, attempts=attempts)
        ident = identify(draft)
        result = await repository.store(draft, ident)
        if not result.needs_publish:
            log.debug("article unchanged", extra={"article_id": result.article.article_id})
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

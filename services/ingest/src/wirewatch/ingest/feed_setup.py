"""Wiring of the feed poller into the ingest service: the feeds file, the guarded client, start and stop."""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import UTC, datetime

import httpx

from wirewatch.contracts import ARTICLES_STREAM, ARTICLES_SUBMIT, HEADER_MSG_ID, ArticleSubmitted
from wirewatch.runtime import Service, guarded_client

from .feed_fetch import FeedFetcher
from .feed_file import load_feeds_file
from .feed_health import HealthPolicy
from .feed_metrics import FeedMetrics
from .feeds_repository import FeedsRepository
from .poller import FeedPoller, PollerOptions
from .settings import IngestSettings

log = logging.getLogger("wirewatch.ingest.feeds")


def poller_owner() -> str:
    """Who holds a lease: readable in the database (host and pid) and unique per process start."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def build_fetcher(settings: IngestSettings) -> FeedFetcher:
    client = guarded_client(
        allowlist=settings.http_allowlist,
        timeout=httpx.Timeout(settings.feed_timeout_seconds, connect=min(10.0, settings.feed_timeout_seconds)),
        follow_redirects=True,
        max_redirects=settings.feed_max_redirects,
        max_connections=settings.feed_concurrency,
    )
    return FeedFetcher(
        client,
        max_bytes=settings.feed_max_bytes,
        timeout=settings.feed_timeout_seconds,
        concurrency=settings.feed_concurrency,
        per_host=settings.feed_per_host,
    )


def poller_options(settings: IngestSettings) -> PollerOptions:
    return PollerOptions(
        tick_seconds=settings.poll_tick_seconds,
        lease_seconds=settings.feed_lease_seconds,
        seen_max=settings.feed_seen_max,
        max_in_flight=settings.feed_concurrency * 4,
        health=HealthPolicy(
            jitter=settings.feed_jitter,
            backoff_max_seconds=settings.feed_backoff_max_seconds,
            stale_factor=settings.feed_stale_factor,
        ),
    )


def attach_feed_poller(service: Service, settings: IngestSettings) -> FeedPoller:
    """Create the poller and hook it to the service: load the feeds file, then poll until the service stops."""
    repository = FeedsRepository(service.db, poller_owner())

    async def publish(article: ArticleSubmitted, msg_id: str) -> None:
        await service.broker.publish(
            article, ARTICLES_SUBMIT, headers={HEADER_MSG_ID: msg_id}, stream=ARTICLES_STREAM.name
        )

    poller = FeedPoller(
        repository, build_fetcher(settings), publish, FeedMetrics(service.registry), poller_options(settings)
    )

    async def start() -> None:
        await repository.ensure_indexes()
        if settings.feeds_file is not None:
            now = datetime.now(UTC)
            feeds = load_feeds_file(settings.feeds_file, now)
            for feed in feeds:
                await repository.upsert(feed, now)
            log.info("feeds file loaded", extra={"path": str(settings.feeds_file), "feeds": len(feeds)})
        await poller.start()

    async def stop() -> None:
        # The broker is already closed when shutdown hooks run: polls in flight are cancelled rather than left
        # to fail their publishes; their leases lapse and the feeds are polled again (seen items are not resent).
        await poller.stop(grace=0.0)

    service.on_startup(start)
    service.on_shutdown(stop)
    return poller

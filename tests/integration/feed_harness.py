"""An ingest service with its feed poller, against the real NATS and SecantusDB, for the feed tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from wirewatch.contracts import ARTICLES_SUBMIT, Feed, FeedStatus, feed_id_for
from wirewatch.ingest.feed_setup import attach_feed_poller
from wirewatch.ingest.main import create_service
from wirewatch.ingest.poller import FeedPoller
from wirewatch.ingest.settings import IngestSettings
from wirewatch.runtime import Service


@dataclass
class Harness:
    service: Service
    poller: FeedPoller

    @property
    def feeds(self) -> Any:
        return self.service.db["feeds"]

    async def add(self, url: str, *, interval: int = 60, source: str | None = "Test Source") -> str:
        now = datetime.now(UTC)
        feed = Feed(feed_id=feed_id_for(url), url=url, source_name=source, interval_seconds=interval, created_at=now)
        await self.poller.repository.upsert(feed, now)
        return feed.feed_id

    async def make_due(self, **extra: Any) -> None:
        """Every feed due now (as if its interval had passed); ``extra`` sets more fields, e.g. health times."""
        await self.feeds.update_many({}, {"$set": {"health.next_poll_at": datetime.now(UTC), **extra}})

    async def status(self, feed_id: str) -> FeedStatus:
        status = await self.poller.repository.get(feed_id)
        assert status is not None
        return status

    def metric(self, name: str, **labels: str) -> float:
        value = self.service.registry.get_sample_value(name, labels)
        return value or 0.0


def feed_settings(nats_url: str, mongo_url: str, mongo_db: str, **overrides: Any) -> IngestSettings:
    fields: dict[str, Any] = {
        "nats_url": nats_url,
        "mongo_url": mongo_url,
        "mongo_db": mongo_db,
        "retry_delays": (0.1,),
        "http_allowlist": ["127.0.0.1"],
        # The loop only ticks when a test asks for it; tests drive polls with run_once().
        "poll_tick_seconds": 3600.0,
        "feed_timeout_seconds": 1.5,
        "feed_max_bytes": 1024 * 1024,
        "feed_jitter": 0.0,
        "feed_per_host": 8,
        # Item pages point at the real sites (unreachable here): fail them once, fast, and keep the feed's text.
        "page_fetch_attempts": 1,
        "page_timeout_seconds": 2.0,
    }
    fields.update(overrides)
    return IngestSettings(**fields)


@asynccontextmanager
async def running_ingest(settings: IngestSettings) -> AsyncIterator[Harness]:
    service = create_service(settings.model_copy(update={"poller_enabled": False}))
    poller = attach_feed_poller(service, settings)
    await service.start()
    try:
        yield Harness(service, poller)
    finally:
        await service.stop()


async def collect_submissions(nc: NatsClient) -> list[Msg]:
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nc.subscribe(ARTICLES_SUBMIT, cb=on_msg)
    return received


def hours_ago(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)

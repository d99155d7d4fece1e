"""The feed poller: runs inside the ingest process, claims due feeds, fetches, parses and publishes new items.

Each due feed is claimed in MongoDB with a lease (see ``feeds_repository``), so any number of ingest replicas
share the feeds without polling one twice. A poll never raises: whatever goes wrong becomes the feed's health
(an error in words, a backoff) and a metric, and the other feeds go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wirewatch.contracts import ArticleSubmitted, FetchOutcome

from .feed_fetch import FeedFetcher, FetchResult
from .feed_health import HealthPolicy, PollReport, after_poll
from .feed_items import FeedSubmission, to_submission
from .feed_metrics import FeedMetrics
from .feed_parser import FeedParseError, ParsedFeed, parse_feed
from .feeds_repository import ClaimedFeed, FeedsRepository

log = logging.getLogger("wirewatch.ingest.feeds")

# Publishes one submission with its Nats-Msg-Id (the service's broker in production, anything in a benchmark).
Publish = Callable[[ArticleSubmitted, str], Awaitable[None]]

# The state gauges are counted in the database: at most every 2 s while polls finish, else every 15 s.
_GAUGE_REFRESH_SECONDS = 15.0
_GAUGE_REFRESH_BUSY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class PollerOptions:
    tick_seconds: float = 1.0
    lease_seconds: float = 120.0
    seen_max: int = 2000
    # Feeds claimed and not yet finished, at most: beyond the fetcher's concurrency they wait for a slot, and a
    # claim holds a lease, so claiming far more than can run would only age leases.
    max_in_flight: int = 128
    health: HealthPolicy = field(default_factory=HealthPolicy)


class FeedPoller:
    def __init__(
        self,
        repository: FeedsRepository,
        fetcher: FeedFetcher,
        publish: Publish,
        metrics: FeedMetrics,
        options: PollerOptions,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.repository = repository
        self.fetcher = fetcher
        self._publish = publish
        self.metrics = metrics
        self.options = options
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._in_flight: set[asyncio.Task[PollReport]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._claiming = asyncio.Lock()
        self._polls_since_gauges = 0

    # lifecycle

    async def start(self) -> None:
        self._stopping.clear()
        self._loop = asyncio.create_task(self._run(), name="feed-poller")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming, give polls in flight ``grace`` seconds to finish, cancel the rest (their leases lapse)."""
        self._stopping.set()
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        if self._in_flight:
            _, pending = await asyncio.wait(self._in_flight, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.fetcher.aclose()

    async def _run(self) -> None:
        last_gauges = 0.0
        while not self._stopping.is_set():
            try:
                await self.claim_due()
                since = time.monotonic() - last_gauges
                if since > _GAUGE_REFRESH_SECONDS or (self._polls_since_gauges and since > _GAUGE_REFRESH_BUSY_SECONDS):
                    await self.refresh_gauges()
                    last_gauges = time.monotonic()
            except Exception:
                # The database may be away for a moment; the next tick tries again.
                log.exception("feed poller tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.options.tick_seconds)

    # polling

    async def claim_due(self) -> int:
        """Claim due feeds (up to the in-flight bound) and start polling them; returns how many were claimed."""
        # One claimer at a time in this process, so that run_once() sees the loop's claims among the polls in flight.
        async with self._claiming:
            room = self.options.max_in_flight - len(self._in_flight)
            if room <= 0 or self._stopping.is_set():
                return 0
            claims = await self.repository.claim_due(datetime.now(UTC), self.options.lease_seconds, room)
            for claim in claims:
                task = asyncio.create_task(self.poll(claim), name=f"poll-{claim.feed.feed_id}")
                self._in_flight.add(task)
                task.add_done_callback(self._in_flight.discard)
            return len(claims)

    async def run_once(self) -> int:
        """Claim every due feed and wait until all polls are done (tests and the benchmark drive polls with it)."""
        total = 0
        while claimed := await self.claim_due():
            total += claimed
            if len(self._in_flight) >= self.options.max_in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
        if self._in_flight:
            await asyncio.wait(self._in_flight)
        await self.refresh_gauges()
        return total

    async def refresh_gauges(self) -> None:
        self._polls_since_gauges = 0
        counts = await self.repository.counts()
        for state in ("healthy", "failing", "stale", "disabled"):
            self.metrics.feeds.labels(state).set(getattr(counts, state))

    async def poll(self, claim: ClaimedFeed) -> PollReport:
        feed = claim.feed
        started = time.monotonic()
        try:
            report, new_keys = await self._poll(claim)
        except Exception as exc:  # a bug or a dead database must not kill the poller
            log.exception("feed poll failed", extra={"feed_id": feed.feed_id})
            report, new_keys = PollReport("error", error=f"internal error: {type(exc).__name__}: {exc}"), []
        self.metrics.fetches.labels(report.outcome).inc()
        self.metrics.poll_seconds.observe(time.monotonic() - started)
        self._polls_since_gauges += 1
        now = datetime.now(UTC)
        health = after_poll(
            feed.health,
            report,
            interval=feed.interval_seconds,
            created_at=feed.created_at,
            now=now,
            policy=self.options.health,
            rng=self._rng,
        )
        with contextlib.suppress(Exception):  # a lost write only means the feed is polled again after its lease
            if not await self.repository.record(claim, health, new_keys, self.options.seen_max):
                log.warning("feed lease lost before the poll was recorded", extra={"feed_id": feed.feed_id})
        if report.error:
            log.warning(
                "feed poll failed",
                extra={"feed_id": feed.feed_id, "outcome": report.outcome, "error": report.error},
            )
        elif report.new_items:
            log.info("feed polled", extra={"feed_id": feed.feed_id, "new_items": report.new_items})
        return report

    async def _poll(self, claim: ClaimedFeed) -> tuple[PollReport, list[str]]:
        feed = claim.feed
        fetched = await self.fetcher.fetch(feed.url, etag=feed.health.etag, last_modified=feed.health.last_modified)
        self.metrics.bytes.inc(len(fetched.body))
        if fetched.outcome != "ok":
            return _report(fetched), []
        try:
            # feedparser is pure Python and a big feed takes a while: off the event loop.
            parsed = await asyncio.to_thread(
                parse_feed, fetched.body, content_type=fetched.content_type, url=fetched.final_url
            )
        except FeedParseError as exc:
            return _report(fetched, outcome="parse_error", error=str(exc)), []
        submissions = self._new_submissions(claim, parsed)
        published: list[str] = []
        for submission in submissions:
            try:
                await self._publish(submission.article, submission.msg_id)
            except Exception as exc:  # noqa: BLE001 - NATS down: keep what went out, retry the rest next time
                self.metrics.items.labels("new").inc(len(published))
                error = f"could not publish to articles.submit: {type(exc).__name__}: {exc}"
                return _report(fetched, outcome="error", error=error, new_items=len(published)), published
            published.append(submission.key)
        self.metrics.items.labels("new").inc(len(published))
        return _report(fetched, warning=parsed.warning, new_items=len(published)), published

    def _new_submissions(self, claim: ClaimedFeed, parsed: ParsedFeed) -> list[FeedSubmission]:
        now = datetime.now(UTC)
        feed = claim.feed
        fresh: dict[str, FeedSubmission] = {}
        seen = skipped = 0
        for item in parsed.items:
            submission = to_submission(item, feed_id=feed.feed_id, source=feed.source_name or parsed.title, now=now)
            if submission is None:
                skipped += 1
            elif submission.key in claim.seen or submission.key in fresh:
                seen += 1
            else:
                fresh[submission.key] = submission
        self.metrics.items.labels("seen").inc(seen)
        self.metrics.items.labels("skipped").inc(skipped)
        # Oldest first, so downstream sees a feed's items in the order they were written.
        return list(reversed(fresh.values()))


def _report(
    fetched: FetchResult,
    *,
    outcome: FetchOutcome | None = None,
    error: str | None = None,
    warning: str | None = None,
    new_items: int = 0,
) -> PollReport:
    return PollReport(
        outcome=outcome or fetched.outcome,
        status=fetched.status,
        error=error or fetched.error,
        warning=warning,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        new_items=new_items,
        retry_after=fetched.retry_after,
    )

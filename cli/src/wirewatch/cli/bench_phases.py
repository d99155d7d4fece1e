"""The benchmark's two phases against the running pipeline: submitting articles through the api, waiting until each
is clustered, and reading back when each hop was done.

Phase A (latency) posts at a fixed rate, on a schedule that does not wait for answers (an open loop, as news
arrives), and measures per article the time from the post to the event stored (the clustering decision's
``decided_at`` in MongoDB, written after the event) and to the first webhook carrying that article. Phase B
(throughput) posts as fast as the api accepts with a bounded number of requests in flight and measures articles
per second until the last one is clustered. Meanwhile the JetStream consumers' backlog is sampled: the queue that
grows is the hop that cannot keep up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from nats.aio.client import Client as NatsClient
from pymongo.asynchronous.collection import AsyncCollection

from wirewatch.contracts import ALL_STREAMS, ARTICLES_STREAM

from .bench_corpus import BenchArticle
from .bench_receiver import Arrival

_POLL = 0.5
_GIVE_UP_DRAINED = 5.0


class BenchError(Exception):
    """The run itself failed: the api refused articles, or the pipeline lost or did not finish them in time."""


@dataclass
class Submitted:
    article: BenchArticle
    article_id: str
    sent_at: float  # time.time() just before the post
    accepted_at: float


@dataclass
class Readback:
    """What MongoDB says about each submitted article, and which never got a clustering decision."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # stage -> article ids


async def post_article(api: httpx.AsyncClient, article: BenchArticle) -> Submitted:
    sent = time.time()
    for attempt in range(5):
        response = await api.post("/v1/articles", json=article.payload())
        if response.status_code == httpx.codes.ACCEPTED:
            return Submitted(article, str(response.json()["id"]), sent, time.time())
        if response.status_code not in {429, 503} or attempt == 4:
            raise BenchError(f"the api refused article {article.index}: {response.status_code} {response.text}")
        await asyncio.sleep(float(response.headers.get("retry-after", "0.2") or 0.2))
    raise AssertionError("unreachable")


async def submit_at_rate(api: httpx.AsyncClient, articles: list[BenchArticle], rate: float) -> list[Submitted]:
    """Post article i at ``start + i / rate`` whether or not earlier posts have been answered."""
    started = time.perf_counter()
    tasks: list[asyncio.Task[Submitted]] = []
    for i, article in enumerate(articles):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post_article(api, article)))
    return list(await asyncio.gather(*tasks))


async def submit_flat_out(api: httpx.AsyncClient, articles: list[BenchArticle], concurrency: int) -> list[Submitted]:
    """Post every article with at most ``concurrency`` requests in flight."""
    queue = list(reversed(articles))
    done: list[Submitted] = []

    async def worker() -> None:
        while queue:
            done.append(await post_article(api, queue.pop()))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


# The consumers an article passes on its way to being clustered, in that order.
PIPELINE_CONSUMERS: tuple[tuple[str, str], ...] = (
    (ARTICLES_STREAM.name, "ingest"),
    (ARTICLES_STREAM.name, "enrich"),
    (ARTICLES_STREAM.name, "dedupe"),
)


async def pipeline_drained(nc: NatsClient) -> bool:
    """True when ingest, enrich and dedupe have nothing pending or unacked, read in that order.

    Each service publishes to the next before it acks, so a consumer read as empty after the one before it was
    read as empty has seen everything that one passed on: the order makes the answer safe without a database poll
    (counting articles costs SecantusDB ~0.1 s of CPU each time, which the pipeline would feel).
    """
    js = nc.jetstream()
    for stream, consumer in PIPELINE_CONSUMERS:
        try:
            info = await js.consumer_info(stream, consumer)
        except Exception:  # noqa: BLE001 - not created yet, or a slow answer: not drained
            return False
        if info.num_pending or info.num_ack_pending:
            return False
    return True


async def wait_clustered(
    nc: NatsClient,
    articles: AsyncCollection[dict[str, Any]],
    expected: int,
    timeout: float,
    check_alive: Callable[[], None] = lambda: None,
) -> bool:
    """Until ``expected`` articles have a clustering decision; False after ``timeout`` seconds, or when the pipeline
    has stayed drained for a while with articles still undecided (lost or dead-lettered: waiting will not help).
    ``check_alive`` raises when a service has died, so that a crash is reported at once, not as a timeout."""
    deadline = time.monotonic() + timeout
    drained_short_since: float | None = None
    while time.monotonic() < deadline:
        check_alive()
        if await pipeline_drained(nc):
            if await articles.count_documents({"dedupe.decided_at": {"$exists": True}}) >= expected:
                return True
            drained_short_since = drained_short_since or time.monotonic()
            if time.monotonic() - drained_short_since > _GIVE_UP_DRAINED:
                return False
        else:
            drained_short_since = None
        await asyncio.sleep(_POLL)
    return False


async def read_back(articles: AsyncCollection[dict[str, Any]], submitted: list[Submitted]) -> Readback:
    ids = [s.article_id for s in submitted]
    projection = {"ingested_at": 1, "enriched_at": 1, "dedupe.decided_at": 1, "dedupe.decision": 1}
    result = Readback()
    async for doc in articles.find({"_id": {"$in": ids}}, projection):
        result.docs[str(doc["_id"])] = doc
    for article_id in ids:
        stage = _missing_stage(result.docs.get(article_id))
        if stage is not None:
            result.missing.setdefault(stage, []).append(article_id)
    return result


def _missing_stage(doc: dict[str, Any] | None) -> str | None:
    """Where an article stopped: the first hop whose mark it lacks; None when it was clustered."""
    if doc is None:
        return "not stored by ingest"
    if "enriched_at" not in doc:
        return "not enriched"
    if "dedupe" not in doc:
        return "not clustered"
    return None


def _seconds(value: datetime | None) -> float | None:
    return value.timestamp() if isinstance(value, datetime) else None


def latencies(submitted: list[Submitted], readback: Readback, arrivals: list[Arrival]) -> dict[str, list[float]]:
    """Per article, seconds from the post to: stored by ingest, enriched, clustered (event stored), first webhook."""
    first_webhook: dict[str, float] = {}
    for arrival in arrivals:
        if arrival.article_id is not None:
            known = first_webhook.get(arrival.article_id)
            first_webhook[arrival.article_id] = min(arrival.received_at, known or arrival.received_at)
    found: dict[str, list[float]] = {"ingested": [], "enriched": [], "event_stored": [], "webhook": []}
    for item in submitted:
        doc = readback.docs.get(item.article_id, {})
        stamps = {
            "ingested": _seconds(doc.get("ingested_at")),
            "enriched": _seconds(doc.get("enriched_at")),
            "event_stored": _seconds((doc.get("dedupe") or {}).get("decided_at")),
            "webhook": first_webhook.get(item.article_id),
        }
        for name, stamp in stamps.items():
            if stamp is not None:
                found[name].append(max(0.0, stamp - item.sent_at))
    return found


@dataclass
class BacklogSampler:
    """Samples every wirewatch consumer's backlog (pending + ack pending) until stopped; keeps each one's peak."""

    nc: NatsClient
    peaks: dict[str, int] = field(default_factory=dict)
    _sums: dict[str, int] = field(default_factory=dict)
    _samples: int = 0
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> dict[str, dict[str, float]]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return {
            name: {"peak": self.peaks[name], "mean": round(self._sums[name] / max(1, self._samples), 1)}
            for name in sorted(self.peaks)
        }

    async def _run(self) -> None:
        js = self.nc.jetstream()
        while True:
            for stream in ALL_STREAMS:
                with contextlib.suppress(Exception):  # a stream without consumers, a slow answer: skip a sample
                    for info in await js.consumers_info(stream.name):
                        name = f"{stream.name}/{info.name}"
                        backlog = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
                        self.peaks[name] = max(self.peaks.get(name, 0), backlog)
                        self._sums[name] = self._sums.get(name, 0) + backlog
            self._samples += 1
            await asyncio.sleep(_POLL)

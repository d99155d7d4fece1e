"""What the pipeline must hold after the faults, checked against the database, the streams and the receivers.

A loss anywhere shows up as a count: articles missing or stored twice, articles never decided, events without
their published change, webhooks a subscription never received, dead letters that are not our poison, and messages
still pending or unacknowledged in a JetStream consumer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from pydantic import ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import (
    ARTICLES_STREAM,
    DEAD_LETTERS_STREAM,
    DELIVERIES_STREAM,
    EVENTS_STREAM,
    HEADER_MSG_ID,
    DeadLetter,
    EventChanged,
    SubscriptionFilter,
    matches,
)
from wirewatch.notify.matching import webhook_id
from wirewatch.testing import WebhookReceiver

CONSUMER_STREAMS = (ARTICLES_STREAM.name, EVENTS_STREAM.name, DELIVERIES_STREAM.name)


@dataclass
class Losses:
    """Everything that went wrong; all zero (and empty) is a pipeline that lost nothing."""

    articles_expected: int = 0
    articles_stored: int = 0
    articles_missing: list[str] = field(default_factory=list)
    articles_stored_twice: list[str] = field(default_factory=list)
    articles_undecided: list[str] = field(default_factory=list)
    events: int = 0
    events_unknown: list[str] = field(default_factory=list)
    events_unpublished: list[str] = field(default_factory=list)
    event_changes: int = 0
    webhooks_expected: int = 0
    webhooks_received: int = 0
    webhooks_repeated: int = 0
    webhooks_missing: dict[str, int] = field(default_factory=dict)
    dead_letters_unexpected: list[str] = field(default_factory=list)
    poison_not_dead_lettered: list[str] = field(default_factory=list)
    consumers_busy: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return (
            len(self.articles_missing)
            + len(self.articles_stored_twice)
            + len(self.articles_undecided)
            + len(self.events_unknown)
            + len(self.events_unpublished)
            + sum(self.webhooks_missing.values())
            + len(self.dead_letters_unexpected)
            + len(self.poison_not_dead_lettered)
            + len(self.consumers_busy)
        )

    def summary(self) -> str:
        return json.dumps({k: (v[:10] if isinstance(v, list) else v) for k, v in asdict(self).items()}, default=str)


async def consumers_busy(nc: NatsClient) -> dict[str, tuple[int, int]]:
    """Durable consumers with messages pending or delivered but not acked: name -> (pending, ack pending)."""
    busy: dict[str, tuple[int, int]] = {}
    js = nc.jetstream()
    for stream in CONSUMER_STREAMS:
        try:
            infos = await js.consumers_info(stream)
        except NotFoundError:
            continue
        for info in infos:
            pending, ack_pending = info.num_pending or 0, info.num_ack_pending or 0
            if pending or ack_pending:
                busy[f"{stream}/{info.name}"] = (pending, ack_pending)
    return busy


async def stream_messages(nc: NatsClient, stream: str) -> list[tuple[str, dict[str, str], bytes]]:
    """Every message of ``stream`` as (subject, headers, body), read by sequence (no consumer is created)."""
    js = nc.jetstream()
    state = (await js.stream_info(stream)).state
    found: list[tuple[str, dict[str, str], bytes]] = []
    if not state.messages:
        return found
    for seq in range(state.first_seq, state.last_seq + 1):
        try:
            msg = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        found.append((msg.subject or "", dict(msg.headers or {}), msg.data or b""))
    return found


class Ledger:
    """Checks a pipeline run against the database, the streams and the receiver.

    ``subscriptions`` maps each receiver path to its subscription's id and filter.
    """

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        nc: NatsClient,
        receiver: WebhookReceiver,
        subscriptions: dict[str, tuple[str, SubscriptionFilter]],
    ) -> None:
        self.db, self.nc, self.receiver, self.subscriptions = db, nc, receiver, subscriptions
        self._article_events: set[str] = set()

    async def undecided(self) -> int:
        """Articles whose current revision dedupe has not decided yet (or that are not stored yet)."""
        docs = self.db["articles"].find({}, {"revision": 1, "dedupe.revision": 1})
        return sum([1 async for doc in docs if (doc.get("dedupe") or {}).get("revision") != doc.get("revision")])

    async def wait_settled(self, expected: int, *, timeout: float, stall: float = 150.0) -> float:
        """Wait until ``expected`` articles are stored and decided and every consumer is idle; returns seconds.

        Fails when nothing moves in any consumer for ``stall`` seconds (longer than any ack wait, so a message
        lost in flight has had its chance to come back), or after ``timeout`` in all: a slow machine only makes
        the wait longer, a loss still fails it. The consumers are asked first (nats-server answers cheaply); the
        database, which the pipeline needs more, is read only once they are all idle.
        """
        started = last_change = time.monotonic()
        stored, undecided = 0, -1
        busy: dict[str, tuple[int, int]] | None = None
        while (now := time.monotonic()) - started < timeout and now - last_change < stall:
            seen = await consumers_busy(self.nc)
            if seen != busy:
                busy, last_change = seen, now
            if not seen:
                stored = await self.db["articles"].count_documents({})
                undecided = await self.undecided() if stored >= expected else -1
                if undecided == 0:
                    return time.monotonic() - started
            await asyncio.sleep(1.0)
        why = f"nothing moved for {stall:.0f}s" if now - last_change >= stall else f"{timeout:.0f}s passed"
        raise AssertionError(
            f"pipeline not settled ({why}): {stored}/{expected} articles stored, "
            f"{undecided} undecided (-1: not counted), busy consumers {busy}"
        )

    async def check(self, expected_urls: frozenset[str], poison: list[tuple[str, str, bytes]]) -> Losses:
        losses = Losses()
        await self._check_articles(expected_urls, losses)
        changes = await self._check_events(losses)
        self._check_webhooks(changes, losses)
        await self._check_dead_letters(poison, losses)
        losses.consumers_busy = await consumers_busy(self.nc)
        return losses

    async def _check_articles(self, expected: frozenset[str], losses: Losses) -> None:
        docs = [doc async for doc in self.db["articles"].find({}, {"canonical_url": 1, "revision": 1, "dedupe": 1})]
        stored = Counter(str(doc.get("canonical_url")) for doc in docs)
        losses.articles_expected, losses.articles_stored = len(expected), len(docs)
        losses.articles_missing = sorted(expected - set(stored))
        losses.articles_stored_twice = sorted(url for url, n in stored.items() if n > 1)
        losses.articles_undecided = sorted(
            str(doc["_id"]) for doc in docs if (doc.get("dedupe") or {}).get("revision") != doc.get("revision")
        )
        self._article_events = {str(doc["dedupe"]["event_id"]) for doc in docs if doc.get("dedupe")}

    async def _check_events(self, losses: Losses) -> list[EventChanged]:
        """Every event an article points to exists, and each event's current version was published."""
        events = {str(doc["_id"]): doc async for doc in self.db["events"].find({}, {"version": 1})}
        losses.events = len(events)
        losses.events_unknown = sorted(self._article_events - set(events))
        changes: list[EventChanged] = []
        published: set[str] = set()
        for _, headers, body in await stream_messages(self.nc, EVENTS_STREAM.name):
            try:
                changes.append(EventChanged.model_validate_json(body))
            except ValidationError:
                continue  # our poison; the dead-letter check accounts for it
            published.add(headers.get(HEADER_MSG_ID, ""))
        losses.event_changes = len(changes)
        losses.events_unpublished = sorted(
            f"{event_id}:{doc['version']}"
            for event_id, doc in events.items()
            if f"event:{event_id}:{doc['version']}" not in published
        )
        return changes

    def _check_webhooks(self, changes: list[EventChanged], losses: Losses) -> None:
        """Each subscription's receiver got a webhook for every change it matches (by webhook id; repeats allowed)."""
        for path, (subscription_id, subscription_filter) in self.subscriptions.items():
            expected = {
                webhook_id(subscription_id, change.event.event_id, change.event.version)
                for change in changes
                if matches(subscription_filter, change)
            }
            received = [r.headers.get("webhook-id", "") for r in self.receiver.received(path)]
            losses.webhooks_expected += len(expected)
            losses.webhooks_received += len(set(received))
            losses.webhooks_repeated += len(received) - len(set(received))
            if missing := expected - set(received):
                losses.webhooks_missing[path] = len(missing)

    async def _check_dead_letters(self, poison: list[tuple[str, str, bytes]], losses: Losses) -> None:
        """The dead letters are exactly our poison, each with its error; anything else there is a lost message."""
        wanted = Counter((service, subject) for service, subject, _ in poison)
        for _, _, body in await stream_messages(self.nc, DEAD_LETTERS_STREAM.name):
            letter = DeadLetter.model_validate_json(body)
            key = (letter.service, letter.subject)
            if wanted[key] > 0 and letter.error:
                wanted[key] -= 1
            else:
                losses.dead_letters_unexpected.append(f"{key}: {letter.error_type}: {letter.error[:200]}")
        losses.poison_not_dead_lettered = sorted(f"{key}" for key, n in wanted.items() for _ in range(n))

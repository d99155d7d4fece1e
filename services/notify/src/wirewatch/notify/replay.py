"""Replays: send one delivery again, or every event change since a time that a subscription's filter matches.

The api publishes a :class:`ReplayRequested` on ``notify.replay``; this turns it into ordinary delivery requests,
so replayed webhooks get the same signing, limits, retries and dead letters as any other. A replayed event version
keeps its webhook id (a receiver that has it drops it); the bus message id adds the replay's id so JetStream's
duplicate window does not swallow it, and a redelivered replay request sends nothing twice (the delivery records
which replays reopened it).

"Since" reads the EVENTS stream (every version, kept 30 days) with an ephemeral pull consumer starting at that
time, so events notify never matched before (the subscription is newer) are replayed too.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from faststream.nats import NatsBroker
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from pydantic import ValidationError

from wirewatch.contracts import (
    DELIVERIES_STREAM,
    EVENTS_ALL,
    EVENTS_STREAM,
    HEADER_MSG_ID,
    WEBHOOK_DELIVERIES,
    EventChanged,
    ReplayRequested,
    Subscription,
    WebhookDeliveryRequested,
    matches,
)
from wirewatch.runtime import Delivery, MessageRejected

from .matching import webhook_id
from .metrics import NotifyMetrics
from .repository import DeliveryRepository, SubscriptionRepository

log = logging.getLogger("wirewatch.notify")

_FETCH_BATCH = 256
_FETCH_TIMEOUT = 1.0


class ReplayWorker:
    def __init__(
        self,
        broker: NatsBroker,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryRepository,
        metrics: NotifyMetrics,
        *,
        max_events: int,
    ) -> None:
        self._broker = broker
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._metrics = metrics
        self._max_events = max_events

    async def handle(self, replay: ReplayRequested, _: Delivery) -> None:
        subscription = await self._subscriptions.get(replay.subscription_id)
        if subscription is None:
            raise MessageRejected(f"replay {replay.replay_id}: subscription {replay.subscription_id} does not exist")
        if not subscription.enabled:
            raise MessageRejected(f"replay {replay.replay_id}: subscription {replay.subscription_id} is disabled")
        if replay.webhook_id is not None:
            requested = await self._replay_one(replay, replay.webhook_id)
        else:
            requested = await self._replay_since(replay, subscription)
        self._metrics.replays.inc()
        self._metrics.replayed.inc(requested)
        log.info(
            "replay handled",
            extra={"replay_id": replay.replay_id, "subscription_id": subscription.subscription_id, "count": requested},
        )

    async def _replay_one(self, replay: ReplayRequested, wid: str) -> int:
        now = datetime.now(UTC)
        delivery = await self._deliveries.get(wid)
        if delivery is None or delivery.get("subscription_id") != replay.subscription_id:
            raise MessageRejected(f"replay {replay.replay_id}: no delivery {wid} of {replay.subscription_id}")
        if "event" not in delivery:
            raise MessageRejected(f"replay {replay.replay_id}: delivery {wid} predates stored payloads")
        changed = EventChanged.model_validate(delivery["event"])
        if await self._deliveries.reopen_for_replay(wid, replay.replay_id, now) is None:
            return 0  # this replay request was handled before (a redelivery)
        await self._request(wid, replay, changed, now)
        return 1

    async def _replay_since(self, replay: ReplayRequested, subscription: Subscription) -> int:
        assert replay.since is not None
        requested = seen = 0
        async for changed in self._events_since(replay.since):
            seen += 1
            if seen > self._max_events:
                log.warning("replay cut at max_events", extra={"replay_id": replay.replay_id, "max": self._max_events})
                break
            if not matches(subscription.filters, changed):
                continue
            now = datetime.now(UTC)
            wid = webhook_id(subscription.subscription_id, changed.event.event_id, changed.event.version)
            sub_id = subscription.subscription_id
            if await self._deliveries.pending_for_replay(wid, sub_id, changed, replay.replay_id, now):
                await self._request(wid, replay, changed, now)
                requested += 1
        return requested

    async def _events_since(self, since: datetime) -> AsyncIterator[EventChanged]:
        """Every event change stored at or after ``since``, oldest first, until the stream's end at the start."""
        js = self._broker.connection.jetstream()
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_TIME,
            opt_start_time=since,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=60.0,
            mem_storage=True,
        )
        sub = await js.pull_subscribe(EVENTS_ALL, stream=EVENTS_STREAM.name, config=config)
        try:
            while True:
                try:
                    batch = await sub.fetch(_FETCH_BATCH, timeout=_FETCH_TIMEOUT)
                except NatsTimeoutError:
                    return  # nothing (more) since that time
                for msg in batch:
                    try:
                        yield EventChanged.model_validate_json(msg.data)
                    except ValidationError:
                        log.warning("unreadable event skipped by replay", extra={"subject": msg.subject})
                    if msg.metadata.num_pending == 0:
                        return
        finally:
            await sub.unsubscribe()

    async def _request(self, wid: str, replay: ReplayRequested, changed: EventChanged, now: datetime) -> None:
        request = WebhookDeliveryRequested(
            webhook_id=wid,
            subscription_id=replay.subscription_id,
            event=changed,
            requested_at=now,
            replay_id=replay.replay_id,
        )
        await self._broker.publish(
            request,
            WEBHOOK_DELIVERIES,
            headers={HEADER_MSG_ID: request.bus_message_id()},
            stream=DELIVERIES_STREAM.name,
        )

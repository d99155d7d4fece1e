"""Notify's router: ``events.>`` -> matching -> ``notify.deliveries`` -> webhooks / NATS targets; replays."""

from __future__ import annotations

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsMessage, NatsRouter, PullSub

from wirewatch.contracts import (
    DELIVERIES_STREAM,
    DELIVERY_REPLAYS,
    EVENTS_ALL,
    EVENTS_STREAM,
    WEBHOOK_DELIVERIES,
    EventChanged,
    ReplayRequested,
)
from wirewatch.runtime import Service, durable_subscriber

from .dispatcher import DeliveryDispatcher
from .matcher import EventMatcher
from .replay import ReplayWorker

# A replay "since" may read many events before it returns; it must finish well within this.
_REPLAY_ACK_WAIT = 600.0


def build_router(
    service: Service,
    matcher: EventMatcher,
    dispatcher: DeliveryDispatcher,
    replays: ReplayWorker,
    *,
    delivery_ack_wait: float,
    max_ack_pending: int,
) -> NatsRouter:
    router = NatsRouter()
    events = durable_subscriber(
        router,
        subject=EVENTS_ALL,
        stream=EVENTS_STREAM,
        durable="notify",
        batch_size=service.settings.batch_size,
    )
    # Not durable_subscriber: retries waiting out their delay count against max_ack_pending, which must be large.
    requests = router.subscriber(
        WEBHOOK_DELIVERIES,
        stream=JStream(DELIVERIES_STREAM.name, declare=False),
        durable="notify-deliveries",
        pull_sub=PullSub(batch_size=max(service.settings.batch_size, 64), timeout=1.0),
        ack_policy=AckPolicy.MANUAL,
        config=ConsumerConfig(ack_wait=delivery_ack_wait, max_deliver=-1, max_ack_pending=max_ack_pending),
    )
    replay_requests = durable_subscriber(
        router,
        subject=DELIVERY_REPLAYS,
        stream=DELIVERIES_STREAM,
        durable="notify-replays",
        batch_size=1,
        ack_wait=_REPLAY_ACK_WAIT,
    )

    @events
    async def on_event_changed(msg: NatsMessage) -> None:
        await service.consume(msg, EventChanged, matcher.handle)

    @requests
    async def on_delivery_requested(msg: NatsMessage) -> None:
        # Settled (acked, retried or dead-lettered) by the delivery's own task, not here.
        await dispatcher.dispatch(msg)

    @replay_requests
    async def on_replay_requested(msg: NatsMessage) -> None:
        await service.consume(msg, ReplayRequested, replays.handle)

    return router

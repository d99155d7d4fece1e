"""Notify's router: ``events.>`` -> matching -> ``notify.deliveries`` -> webhook POSTs."""

from __future__ import annotations

from faststream.nats import NatsMessage, NatsRouter

from wirewatch.contracts import DELIVERIES_STREAM, EVENTS_ALL, EVENTS_STREAM, WEBHOOK_DELIVERIES, EventChanged
from wirewatch.runtime import Service, durable_subscriber

from .dispatcher import DeliveryDispatcher
from .matcher import EventMatcher


def build_router(
    service: Service, matcher: EventMatcher, dispatcher: DeliveryDispatcher, *, delivery_ack_wait: float
) -> NatsRouter:
    router = NatsRouter()
    events = durable_subscriber(
        router,
        subject=EVENTS_ALL,
        stream=EVENTS_STREAM,
        durable="notify",
        batch_size=service.settings.batch_size,
    )
    requests = durable_subscriber(
        router,
        subject=WEBHOOK_DELIVERIES,
        stream=DELIVERIES_STREAM,
        durable="notify-deliveries",
        batch_size=service.settings.batch_size,
        ack_wait=delivery_ack_wait,
    )

    @events
    async def on_event_changed(msg: NatsMessage) -> None:
        await service.consume(msg, EventChanged, matcher.handle)

    @requests
    async def on_delivery_requested(msg: NatsMessage) -> None:
        # Settled (acked, retried or dead-lettered) by the delivery's own task, not here.
        await dispatcher.dispatch(msg)

    return router

"""Event change -> one delivery request per matching subscription."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from faststream.nats import NatsBroker

from wirewatch.contracts import (
    DELIVERIES_STREAM,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    WEBHOOK_DELIVERIES,
    EventChanged,
    WebhookDeliveryRequested,
    matches,
)
from wirewatch.runtime import Delivery

from .matching import webhook_id
from .repository import DeliveryRepository
from .subscriptions import SubscriptionCache

log = logging.getLogger("wirewatch.notify")


class EventMatcher:
    def __init__(self, broker: NatsBroker, subscriptions: SubscriptionCache, deliveries: DeliveryRepository) -> None:
        self._broker = broker
        self._subscriptions = subscriptions
        self._deliveries = deliveries

    async def handle(self, changed: EventChanged, delivery: Delivery) -> None:
        """Record and request a webhook for every enabled subscription the change matches.

        Idempotent: a redelivered event finds its deliveries recorded and re-requests only those still
        "pending" (the request may not have been published before a crash); JetStream's duplicate window
        drops a request that was.
        """
        now = datetime.now(UTC)
        headers = {k: v for k, v in delivery.headers.items() if k in (HEADER_TRACEPARENT, HEADER_INGESTED_AT)}
        wanted = [s for s in await self._subscriptions.enabled() if matches(s.filters, changed)]
        entries = [
            (webhook_id(s.subscription_id, changed.event.event_id, changed.event.version), s.subscription_id)
            for s in wanted
        ]
        before = await self._deliveries.create_pending_many(entries, changed, now)
        requests = [
            WebhookDeliveryRequested(webhook_id=wid, subscription_id=sub_id, event=changed, requested_at=now)
            for wid, sub_id in entries
            if before[wid] in (None, "pending")
        ]
        # Published together: each waits for its stream ack, and none depends on another.
        await asyncio.gather(
            *(
                self._broker.publish(
                    request,
                    WEBHOOK_DELIVERIES,
                    headers={**headers, HEADER_MSG_ID: request.bus_message_id()},
                    stream=DELIVERIES_STREAM.name,
                )
                for request in requests
            )
        )
        log.debug(
            "event matched",
            extra={"event_id": changed.event.event_id, "version": changed.event.version, "webhooks": len(requests)},
        )

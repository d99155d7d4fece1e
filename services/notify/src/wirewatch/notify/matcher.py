"""Event change -> one delivery request per matching subscription."""

from __future__ import annotations

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
        requested = 0
        for subscription in await self._subscriptions.enabled():
            if not matches(subscription.filters, changed):
                continue
            wid = webhook_id(subscription.subscription_id, changed.event.event_id, changed.event.version)
            before = await self._deliveries.create_pending(wid, subscription.subscription_id, changed, now)
            if before not in (None, "pending"):
                continue
            request = WebhookDeliveryRequested(
                webhook_id=wid, subscription_id=subscription.subscription_id, event=changed, requested_at=now
            )
            await self._broker.publish(
                request, WEBHOOK_DELIVERIES, headers={**headers, HEADER_MSG_ID: wid}, stream=DELIVERIES_STREAM.name
            )
            requested += 1
        log.debug(
            "event matched",
            extra={"event_id": changed.event.event_id, "version": changed.event.version, "webhooks": requested},
        )

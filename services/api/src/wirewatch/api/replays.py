"""Replay requests: the api checks them and hands them to notify on ``notify.replay``; notify does the sending."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from fastapi import HTTPException, status
from faststream.nats import NatsBroker

from wirewatch.contracts import DELIVERIES_STREAM, DELIVERY_REPLAYS, HEADER_MSG_ID, ReplayRequested

from .subscription_models import ReplayAccepted, SubscriptionView

log = logging.getLogger("wirewatch.api")


class ReplayPublisher:
    def __init__(self, broker: NatsBroker) -> None:
        self._broker = broker

    async def request(
        self, subscription: SubscriptionView, *, since: datetime | None = None, webhook_id: str | None = None
    ) -> ReplayAccepted:
        if not subscription.enabled:
            raise HTTPException(
                status.HTTP_409_CONFLICT,
                f"subscription {subscription.subscription_id} is disabled ({subscription.disabled_reason}); "
                "enable it first: POST /v1/subscriptions/{id}/enable",
            )
        replay = ReplayRequested(
            replay_id="rpl_" + secrets.token_hex(8),
            subscription_id=subscription.subscription_id,
            webhook_id=webhook_id,
            since=since,
            requested_at=datetime.now(UTC),
        )
        await self._broker.publish(
            replay,
            DELIVERY_REPLAYS,
            headers={HEADER_MSG_ID: f"replay:{replay.replay_id}"},
            stream=DELIVERIES_STREAM.name,
        )
        log.info("replay requested", extra={"replay_id": replay.replay_id, "subscription_id": replay.subscription_id})
        return ReplayAccepted(
            replay_id=replay.replay_id, subscription_id=replay.subscription_id, webhook_id=webhook_id, since=since
        )

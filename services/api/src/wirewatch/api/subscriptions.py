"""``/v1/subscriptions``: what notify delivers where (a webhook or a NATS subject), its secret and its history."""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Response, status

from wirewatch.contracts import EVENTS_STREAM, Subscription

from .auth import token_guard
from .errors import invalid_parameter
from .replays import ReplayPublisher
from .settings import ApiSettings
from .subscription_models import (
    DeliveryList,
    ReplayAccepted,
    RotateSecretIn,
    SecretRotated,
    SubscriptionIn,
    SubscriptionList,
    SubscriptionView,
)
from .subscription_store import SubscriptionStore
from .webhook_targets import unsafe_webhook_reason

log = logging.getLogger("wirewatch.api")

SubscriptionId = Annotated[str, Path(max_length=200)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such subscription"}}


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def parse_since(value: str, now: datetime) -> datetime:
    """The start of a replay: an ISO 8601 time within the EVENTS stream's retention, not in the future."""
    try:
        since = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise invalid_parameter(("query", "since"), "since must be an ISO 8601 time") from exc
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    if since > now:
        raise invalid_parameter(("query", "since"), "since is in the future")
    oldest = now - timedelta(seconds=EVENTS_STREAM.max_age_seconds)
    if since < oldest:
        raise invalid_parameter(("query", "since"), f"events are kept {EVENTS_STREAM.max_age_seconds // 86400} days")
    return since


def build_subscriptions_router(store: SubscriptionStore, replays: ReplayPublisher, settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])
    guarded = [Depends(token_guard(settings))]

    async def existing(subscription_id: str) -> SubscriptionView:
        subscription = await store.view(subscription_id)
        if subscription is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        return subscription

    @router.post("", status_code=status.HTTP_201_CREATED, dependencies=guarded)
    async def create_subscription(request: SubscriptionIn) -> Subscription:
        """Create a subscription. A webhook's answer holds its signing secret, which is never shown again."""
        if request.webhook_url is not None:
            reason = await unsafe_webhook_reason(request.webhook_url, settings.webhook_allow_addresses)
            if reason:
                raise invalid_parameter(("body", "webhook_url"), reason)
        subscription = Subscription(
            subscription_id="sub_" + secrets.token_hex(12),
            name=request.name,
            webhook_url=request.webhook_url,
            secret=new_secret() if request.webhook_url is not None else None,
            nats_subject=request.nats_target,
            filters=request.filters,
            created_at=datetime.now(UTC),
        )
        await store.add(subscription)
        # Neither the secret nor the URL (which may carry a credential of the receiver's) goes to the log.
        log.info("subscription created", extra={"subscription_id": subscription.subscription_id})
        return subscription

    @router.get("")
    async def list_subscriptions(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> SubscriptionList:
        """Subscriptions, newest first, without their secrets."""
        return SubscriptionList(subscriptions=await store.views(limit))

    @router.get("/{subscription_id}", responses=_NOT_FOUND)
    async def get_subscription(subscription_id: SubscriptionId) -> SubscriptionView:
        """One subscription; ``enabled``, ``disabled_reason``, ``disabled_at`` and ``failing_since`` say its health."""
        return await existing(subscription_id)

    @router.delete(
        "/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=guarded, responses=_NOT_FOUND
    )
    async def delete_subscription(subscription_id: SubscriptionId) -> Response:
        """Stop deliveries to this subscription; its delivery history stays readable."""
        if not await store.delete(subscription_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        log.info("subscription deleted", extra={"subscription_id": subscription_id})
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.post(
        "/{subscription_id}/rotate-secret",
        dependencies=guarded,
        responses={**_NOT_FOUND, 409: {"description": "a NATS target has no secret"}},
    )
    async def rotate_secret(
        subscription_id: SubscriptionId, request: Annotated[RotateSecretIn | None, Body()] = None
    ) -> SecretRotated:
        """A new signing secret (shown only here). Until the overlap ends webhooks carry both signatures."""
        overlap = (request or RotateSecretIn()).overlap_seconds
        now = datetime.now(UTC)
        secret = new_secret()
        rotated = await store.rotate_secret(subscription_id, secret, now + timedelta(seconds=overlap), now)
        if rotated is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        if not rotated:
            raise HTTPException(
                status.HTTP_409_CONFLICT, "this subscription has no secret (NATS target) or was just rotated"
            )
        log.info("subscription secret rotated", extra={"subscription_id": subscription_id, "overlap": overlap})
        return SecretRotated(
            subscription_id=subscription_id, secret=secret, previous_secret_expires_at=now + timedelta(seconds=overlap)
        )

    @router.post("/{subscription_id}/enable", dependencies=guarded, responses=_NOT_FOUND)
    async def enable_subscription(subscription_id: SubscriptionId) -> SubscriptionView:
        """Turn a disabled subscription (410 Gone, failing too long) back on; its failure clock starts over."""
        enabled = await store.enable(subscription_id, datetime.now(UTC))
        if enabled is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        return enabled

    @router.get("/{subscription_id}/deliveries", responses=_NOT_FOUND)
    async def list_deliveries(
        subscription_id: SubscriptionId,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        delivery_status: Annotated[
            str | None, Query(alias="status", pattern="^(pending|retrying|delivered|dead)$")
        ] = None,
    ) -> DeliveryList:
        """Deliveries to this subscription, newest first, with every attempt (also once it is deleted)."""
        deliveries = await store.deliveries_of(subscription_id, limit, delivery_status)
        if not deliveries:
            await existing(subscription_id)  # an empty history of a real subscription is not a 404
        return DeliveryList(deliveries=deliveries)

    @router.post(
        "/{subscription_id}/replay",
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=guarded,
        responses={**_NOT_FOUND, 409: {"description": "the subscription is disabled"}},
    )
    async def replay_since(
        subscription_id: SubscriptionId,
        since: Annotated[str, Query(max_length=64, description="ISO 8601; every matching event change since then")],
    ) -> ReplayAccepted:
        """Send every event change since ``since`` that the filter matches again (versions keep their webhook ids)."""
        start = parse_since(since, datetime.now(UTC))
        subscription = await existing(subscription_id)
        return await replays.request(subscription, since=start)

    return router

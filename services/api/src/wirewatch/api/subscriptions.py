"""``/v1/subscriptions``: webhook subscriptions that notify delivers events to."""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from wirewatch.contracts import Subscription

from .auth import token_guard
from .models import DeliveryList, SubscriptionIn, SubscriptionList, SubscriptionView
from .repository import ApiRepository
from .settings import ApiSettings

log = logging.getLogger("wirewatch.api")

SubscriptionId = Annotated[str, Path(max_length=200)]


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def build_subscriptions_router(repository: ApiRepository, settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])
    guarded = [Depends(token_guard(settings))]

    async def existing(subscription_id: str) -> SubscriptionView:
        subscription = await repository.subscription(subscription_id)
        if subscription is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        return subscription

    @router.post("", status_code=status.HTTP_201_CREATED, dependencies=guarded)
    async def create_subscription(request: SubscriptionIn) -> Subscription:
        """Create a subscription. The answer holds its signing secret, which is never shown again."""
        subscription = Subscription(
            subscription_id="sub_" + secrets.token_hex(12),
            name=request.name,
            webhook_url=request.webhook_url,
            secret=new_secret(),
            filters=request.filters,
            created_at=datetime.now(UTC),
        )
        await repository.add_subscription(subscription)
        # Neither the secret nor the URL (which may carry a credential of the receiver's) goes to the log.
        log.info("subscription created", extra={"subscription_id": subscription.subscription_id})
        return subscription

    @router.get("")
    async def list_subscriptions(limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> SubscriptionList:
        """Subscriptions, newest first, without their secrets."""
        return SubscriptionList(subscriptions=await repository.subscription_list(limit))

    @router.get("/{subscription_id}", responses={404: {"description": "no such subscription"}})
    async def get_subscription(subscription_id: SubscriptionId) -> SubscriptionView:
        return await existing(subscription_id)

    @router.delete(
        "/{subscription_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        dependencies=guarded,
        responses={404: {"description": "no such subscription"}},
    )
    async def delete_subscription(subscription_id: SubscriptionId) -> Response:
        """Stop deliveries to this subscription; its delivery history stays readable."""
        if not await repository.delete_subscription(subscription_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no subscription with id {subscription_id!r}")
        log.info("subscription deleted", extra={"subscription_id": subscription_id})
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @router.get("/{subscription_id}/deliveries", responses={404: {"description": "no such subscription"}})
    async def list_deliveries(
        subscription_id: SubscriptionId, limit: Annotated[int, Query(ge=1, le=200)] = 50
    ) -> DeliveryList:
        """Webhook deliveries to this subscription, newest first, with every attempt (also once it is deleted)."""
        deliveries = await repository.deliveries_of(subscription_id, limit)
        if not deliveries:
            await existing(subscription_id)  # an empty history of a real subscription is not a 404
        return DeliveryList(deliveries=deliveries)

    return router

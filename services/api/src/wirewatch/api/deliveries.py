"""``/v1/deliveries/{webhook_id}``: one delivery with its attempts, and sending it again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status

from .auth import token_guard
from .replays import ReplayPublisher
from .settings import ApiSettings
from .subscription_models import DeliveryView, ReplayAccepted
from .subscription_store import SubscriptionStore

WebhookId = Annotated[str, Path(max_length=200)]


def build_deliveries_router(store: SubscriptionStore, replays: ReplayPublisher, settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/deliveries", tags=["subscriptions"])

    async def existing(webhook_id: str) -> DeliveryView:
        delivery = await store.delivery(webhook_id)
        if delivery is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no delivery with webhook id {webhook_id!r}")
        return delivery

    @router.get("/{webhook_id}", responses={404: {"description": "no such delivery"}})
    async def get_delivery(webhook_id: WebhookId) -> DeliveryView:
        return await existing(webhook_id)

    @router.post(
        "/{webhook_id}/replay",
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=[Depends(token_guard(settings))],
        responses={404: {"description": "no such delivery"}, 409: {"description": "its subscription is disabled"}},
    )
    async def replay_delivery(webhook_id: WebhookId) -> ReplayAccepted:
        """Send this delivery again, delivered or dead; it keeps its webhook id, so receivers can tell a repeat."""
        delivery = await existing(webhook_id)
        subscription = await store.view(delivery.subscription_id)
        if subscription is None:
            raise HTTPException(status.HTTP_409_CONFLICT, f"subscription {delivery.subscription_id} was deleted")
        return await replays.request(subscription, webhook_id=webhook_id)

    return router

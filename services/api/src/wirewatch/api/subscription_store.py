"""The api's access to ``subscriptions`` (it writes them; notify marks failing and disables) and ``deliveries``
(notify's, read here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import DESCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import PreviousSecret, Subscription

from .subscription_models import DeliveryView, SubscriptionView

# Never read back: the current secret and the rotated-out ones.
_NO_SECRETS = {"secret": 0, "previous_secrets.secret": 0}


class SubscriptionStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.subscriptions = db["subscriptions"]
        self.deliveries = db["deliveries"]

    async def add(self, subscription: Subscription) -> None:
        await self.subscriptions.insert_one({**subscription.model_dump(), "_id": subscription.subscription_id})

    async def view(self, subscription_id: str) -> SubscriptionView | None:
        doc = await self.subscriptions.find_one({"_id": subscription_id}, _NO_SECRETS)
        return None if doc is None else SubscriptionView.model_validate(doc)

    async def views(self, limit: int) -> list[SubscriptionView]:
        cursor = self.subscriptions.find({}, _NO_SECRETS).sort("created_at", DESCENDING).limit(limit)
        return [SubscriptionView.model_validate(doc) async for doc in cursor]

    async def delete(self, subscription_id: str) -> bool:
        result = await self.subscriptions.delete_one({"_id": subscription_id})
        return result.deleted_count == 1

    async def rotate_secret(
        self, subscription_id: str, new_secret: str, overlap_until: datetime, now: datetime
    ) -> bool | None:
        """Make ``new_secret`` current; the old one signs too until ``overlap_until``.

        Returns None when there is no such subscription and False when it has no secret (a NATS target).
        Secrets rotated out earlier keep their own expiry; expired ones are dropped.
        """
        doc = await self.subscriptions.find_one({"_id": subscription_id}, {"secret": 1, "previous_secrets": 1})
        if doc is None:
            return None
        old = doc.get("secret")
        if not old:
            return False
        kept = [
            PreviousSecret.model_validate(p)
            for p in doc.get("previous_secrets") or []
            if p.get("expires_at") is not None and p["expires_at"] > now
        ]
        previous = [PreviousSecret(secret=old, expires_at=overlap_until), *kept]
        result = await self.subscriptions.update_one(
            # Only if nobody rotated in between, so two rotations at once cannot lose a secret.
            {"_id": subscription_id, "secret": old},
            {
                "$set": {
                    "secret": new_secret,
                    "previous_secrets": [p.model_dump() for p in previous],
                    "updated_at": now,
                }
            },
        )
        return result.modified_count == 1

    async def enable(self, subscription_id: str, now: datetime) -> SubscriptionView | None:
        doc = await self.subscriptions.find_one_and_update(
            {"_id": subscription_id},
            {
                "$set": {
                    "enabled": True,
                    "disabled_reason": None,
                    "disabled_at": None,
                    "failing_since": None,
                    "updated_at": now,
                }
            },
            projection=_NO_SECRETS,
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else SubscriptionView.model_validate(doc)

    async def deliveries_of(self, subscription_id: str, limit: int, status: str | None = None) -> list[DeliveryView]:
        query: dict[str, Any] = {"subscription_id": subscription_id}
        if status:
            query["status"] = status
        cursor = (
            self.deliveries.find(query, {"event": 0})
            .sort([("created_at", DESCENDING), ("_id", DESCENDING)])
            .limit(limit)
        )
        return [DeliveryView.model_validate({**doc, "webhook_id": doc["_id"]}) async for doc in cursor]

    async def delivery(self, webhook_id: str) -> DeliveryView | None:
        doc = await self.deliveries.find_one({"_id": webhook_id}, {"event": 0})
        return None if doc is None else DeliveryView.model_validate({**doc, "webhook_id": doc["_id"]})

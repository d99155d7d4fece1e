"""Notify's MongoDB access: it reads ``subscriptions`` (and disables gone ones) and owns ``deliveries``."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError
from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from wirewatch.contracts import EventChanged, Subscription

log = logging.getLogger("wirewatch.notify")

DeliveryStatus = Literal["pending", "delivered", "retrying", "dead"]
FINAL_STATUSES: frozenset[str] = frozenset({"delivered", "dead"})
_DUPLICATE_KEY = 11000


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at a webhook, as stored in ``deliveries.attempts``."""

    at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    response_snippet: str | None
    replay_id: str | None = None


def _subscription(doc: dict[str, Any]) -> Subscription | None:
    try:
        return Subscription.model_validate({**doc, "subscription_id": doc.get("subscription_id", doc["_id"])})
    except ValidationError as exc:
        # One malformed document must not stop everyone else's notifications; say which and skip it.
        log.warning("unreadable subscription skipped", extra={"subscription_id": doc.get("_id"), "error": str(exc)})
        return None


class SubscriptionRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.subscriptions = db["subscriptions"]

    async def ensure_indexes(self) -> None:
        await self.subscriptions.create_index("enabled")

    async def enabled(self) -> list[Subscription]:
        docs = [doc async for doc in self.subscriptions.find({"enabled": True})]
        return [subscription for doc in docs if (subscription := _subscription(doc)) is not None]

    async def get(self, subscription_id: str) -> Subscription | None:
        doc = await self.subscriptions.find_one({"_id": subscription_id})
        return _subscription(doc) if doc is not None else None

    async def disable(self, subscription_id: str, reason: str, now: datetime) -> None:
        await self.subscriptions.update_one(
            {"_id": subscription_id},
            {"$set": {"enabled": False, "disabled_reason": reason, "disabled_at": now, "updated_at": now}},
        )

    async def mark_failing(self, subscription_id: str, since: datetime) -> None:
        """Remember when the endpoint started failing (only the first failure since the last success counts)."""
        await self.subscriptions.update_one(
            {"_id": subscription_id, "failing_since": None}, {"$set": {"failing_since": since}}
        )

    async def mark_recovered(self, subscription_id: str) -> None:
        await self.subscriptions.update_one(
            {"_id": subscription_id, "failing_since": {"$ne": None}}, {"$set": {"failing_since": None}}
        )


class DeliveryRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, keep_seconds: int = 30 * 24 * 3600) -> None:
        self.deliveries = db["deliveries"]
        self._keep_seconds = keep_seconds

    async def ensure_indexes(self) -> None:
        await self.deliveries.create_index("subscription_id")
        await self.deliveries.create_index("event_id")
        await self.deliveries.create_index([("status", 1), ("updated_at", -1)])
        # Each record keeps the event it sent; they go when the EVENTS stream no longer has the events either
        # (a replay "since" could not reach them anyway).
        await self.deliveries.create_index("created_at", expireAfterSeconds=self._keep_seconds)

    @staticmethod
    def _pending_document(
        webhook_id: str, subscription_id: str, changed: EventChanged, now: datetime
    ) -> dict[str, Any]:
        return {
            "_id": webhook_id,
            "subscription_id": subscription_id,
            "event_id": changed.event.event_id,
            "event_version": changed.event.version,
            "change": changed.change,
            # Kept so that this exact version can be sent again by a replay.
            "event": changed.model_dump(mode="json"),
            "status": "pending",
            "attempts": [],
            "created_at": now,
            "updated_at": now,
            "delivered_at": None,
        }

    async def create_pending_many(
        self, entries: list[tuple[str, str]], changed: EventChanged, now: datetime
    ) -> dict[str, str | None]:
        """Insert "pending" deliveries (webhook id, subscription id) for one event change in one round trip.

        Returns each webhook id's status before: None when new, the stored status when it existed (a redelivered
        event), so the caller re-requests only those still pending.
        """
        if not entries:
            return {}
        before: dict[str, str | None] = dict.fromkeys((wid for wid, _ in entries), None)
        documents = [self._pending_document(wid, sub_id, changed, now) for wid, sub_id in entries]
        try:
            await self.deliveries.insert_many(documents, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(error.get("code") != _DUPLICATE_KEY for error in errors):
                raise
            existing = [entries[error["index"]][0] for error in errors]
            async for doc in self.deliveries.find({"_id": {"$in": existing}}, {"status": 1}):
                before[doc["_id"]] = str(doc["status"])
        return before

    async def create_pending(
        self, webhook_id: str, subscription_id: str, changed: EventChanged, now: datetime
    ) -> str | None:
        """Insert the delivery as "pending" unless it exists; returns the status it had before (None if new)."""
        before = await self.deliveries.find_one_and_update(
            {"_id": webhook_id},
            {"$setOnInsert": self._pending_document(webhook_id, subscription_id, changed, now)},
            upsert=True,
            return_document=ReturnDocument.BEFORE,
            projection={"status": 1},
        )
        return None if before is None else str(before["status"])

    async def get(self, webhook_id: str) -> dict[str, Any] | None:
        return await self.deliveries.find_one({"_id": webhook_id})

    @staticmethod
    def attempt_update(
        webhook_id: str, attempt: Attempt, status: DeliveryStatus, reason: str | None = None
    ) -> UpdateOne:
        """Append the attempt and move the delivery to ``status``; a delivered delivery is never moved back."""
        fields: dict[str, Any] = {"status": status, "updated_at": attempt.at}
        if status == "delivered":
            fields["delivered_at"] = attempt.at
        if reason is not None:
            fields["dead_reason"] = reason
        return UpdateOne(
            {"_id": webhook_id, "status": {"$ne": "delivered"}},
            {"$push": {"attempts": asdict(attempt)}, "$set": fields},
        )

    async def record_attempts(self, updates: list[UpdateOne]) -> None:
        """Several attempts (of different deliveries) in one round trip."""
        await self.deliveries.bulk_write(updates, ordered=False)

    async def reopen_for_replay(self, webhook_id: str, replay_id: str, now: datetime) -> dict[str, Any] | None:
        """Make a delivery pending again for replay ``replay_id``, keeping its attempts as history.

        Returns the delivery, or None when it is unknown or this replay already reopened it (a redelivered replay
        request must not send it twice).
        """
        return await self.deliveries.find_one_and_update(
            {"_id": webhook_id, "replay_ids": {"$ne": replay_id}},
            {
                "$set": {"status": "pending", "updated_at": now, "dead_reason": None, "delivered_at": None},
                "$push": {"replay_ids": replay_id},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def pending_for_replay(
        self, webhook_id: str, subscription_id: str, changed: EventChanged, replay_id: str, now: datetime
    ) -> bool:
        """A delivery for a replayed event: created if new, reopened if it exists; False if this replay had it."""
        if await self.reopen_for_replay(webhook_id, replay_id, now) is not None:
            return True
        if await self.create_pending(webhook_id, subscription_id, changed, now) is not None:
            return False  # it exists, and this replay already reopened it
        await self.deliveries.update_one({"_id": webhook_id}, {"$push": {"replay_ids": replay_id}})
        return True

    async def mark_dead(self, webhook_id: str, reason: str, now: datetime) -> None:
        """Give up without an attempt (subscription gone or disabled, unusable secret)."""
        await self.deliveries.update_one(
            {"_id": webhook_id, "status": {"$nin": ["delivered", "dead"]}},
            {"$set": {"status": "dead", "dead_reason": reason, "updated_at": now}},
        )

"""Ingest's access to the ``feeds`` collection: registry upserts from the feeds file, claims, health.

The api writes the registry fields of a feed; ingest writes ``health`` and its private bookkeeping: ``lease_until`` /
``lease_owner`` (who is polling the feed right now) and ``seen`` (keys of the items already published).

Claiming is a conditional update per feed that moves the lease forward only when no live lease
exists, so two replicas can never poll one feed at the same time; a replica that dies mid-poll frees its feeds
when the lease ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import Feed, FeedHealth, FeedStatus

_PRIVATE = ("_id", "lease_until", "lease_owner", "seen")


@dataclass(frozen=True, slots=True)
class ClaimedFeed:
    feed: FeedStatus
    seen: frozenset[str]
    lease_until: datetime


@dataclass(frozen=True, slots=True)
class FeedCounts:
    healthy: int
    failing: int
    stale: int
    disabled: int


def feed_status(doc: dict[str, Any]) -> FeedStatus:
    return FeedStatus.model_validate({k: v for k, v in doc.items() if k not in _PRIVATE})


class FeedsRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], owner: str) -> None:
        self.feeds = db["feeds"]
        self.owner = owner

    async def ensure_indexes(self) -> None:
        await self.feeds.create_index([("enabled", ASCENDING), ("health.next_poll_at", ASCENDING)])

    async def upsert(self, feed: Feed, now: datetime) -> None:
        """Add the feed, or update its registry fields; its health and schedule are kept."""
        registry = feed.model_dump(include={"url", "source_name", "interval_seconds", "enabled"})
        await self.feeds.update_one(
            {"_id": feed.feed_id},
            {
                "$set": registry,
                "$setOnInsert": {
                    "feed_id": feed.feed_id,
                    "schema_version": feed.schema_version,
                    "created_at": feed.created_at,
                    "added_by": feed.added_by,
                    "health": FeedHealth(next_poll_at=now).model_dump(),
                    "seen": [],
                },
            },
            upsert=True,
        )

    async def claim_due(self, now: datetime, lease_seconds: float, limit: int) -> list[ClaimedFeed]:
        """Take up to ``limit`` of the most overdue enabled feeds whose lease is free.

        Two steps, because a sorted ``find_one_and_update`` over the due set costs a scan per claim: list candidate
        ids (one query), then claim each by id with the due-and-free condition repeated, which is atomic per
        document. A candidate another replica took in between simply does not match.
        """
        due: dict[str, Any] = {
            "enabled": True,
            "health.next_poll_at": {"$lte": now},
            # Not leased now: no lease (field missing or null) or one that has run out. Written without $or,
            # which makes SecantusDB scan the collection even when the _id is given.
            "lease_until": {"$not": {"$gt": now}},
        }
        cursor = self.feeds.find(due, {"_id": 1}).sort("health.next_poll_at", ASCENDING).limit(limit)
        candidates = [doc["_id"] async for doc in cursor]
        lease_until = now + timedelta(seconds=lease_seconds)
        claimed: list[ClaimedFeed] = []
        for feed_id in candidates:
            taken = await self.feeds.update_one(
                {"_id": feed_id, **due}, {"$set": {"lease_until": lease_until, "lease_owner": self.owner}}
            )
            if taken.modified_count != 1:
                continue  # another replica claimed it since the listing
            # The lease is ours now: no other poller writes this document until it ends.
            doc = await self.feeds.find_one({"_id": feed_id})
            if doc is not None:
                claimed.append(ClaimedFeed(feed_status(doc), frozenset(doc.get("seen") or ()), lease_until))
        return claimed

    async def record(self, claim: ClaimedFeed, health: FeedHealth, new_keys: list[str], seen_max: int) -> bool:
        """Store the poll's health and newly seen item keys and free the lease, if the lease is still ours.

        False when another replica took the feed over (our lease ran out mid-poll): its result then stands.
        """
        update: dict[str, Any] = {
            "$set": {"health": health.model_dump(), "lease_until": None, "lease_owner": None},
        }
        if new_keys:
            update["$push"] = {"seen": {"$each": new_keys, "$slice": -seen_max}}
        result = await self.feeds.update_one(
            {"_id": claim.feed.feed_id, "lease_owner": self.owner, "lease_until": claim.lease_until}, update
        )
        return result.modified_count == 1

    async def get(self, feed_id: str) -> FeedStatus | None:
        doc = await self.feeds.find_one({"_id": feed_id}, {"seen": 0})
        return None if doc is None else feed_status(doc)

    async def counts(self) -> FeedCounts:
        """Feeds by state for the gauges; a feed that is both failing and stale counts as failing."""
        enabled = await self.feeds.count_documents({"enabled": True})
        disabled = await self.feeds.count_documents({"enabled": False})
        failing = await self.feeds.count_documents({"enabled": True, "health.consecutive_failures": {"$gt": 0}})
        stale = await self.feeds.count_documents(
            {"enabled": True, "health.consecutive_failures": 0, "health.stale": True}
        )
        return FeedCounts(enabled - failing - stale, failing, stale, disabled)

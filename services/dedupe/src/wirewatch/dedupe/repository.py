"""Dedupe's MongoDB access: ``events``, ``dedupe_index``, ``dedupe_postings``, ``dedupe_state`` (all owned) and the
``dedupe`` field of ``articles``.

Every write is conditional or keyed by a stable id, so replicas and redeliveries cannot double-apply anything.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .copies import KnownCopy
from .events import EventState, PendingCreation, in_window
from .features import ArticleFeatures
from .retrieval import POSTINGS_PER_KEY, rank_candidates
from .signatures import Signature

# Copy detection looks at no more than this many exact/band neighbours: wire copy has a handful, not hundreds.
MAX_COPY_NEIGHBOURS = 50


class DedupeRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, index_ttl: timedelta = timedelta(days=14)) -> None:
        self.articles = db["articles"]
        self.events = db["events"]
        self.copies = db["dedupe_index"]
        self.state = db["dedupe_state"]
        self.postings = db["dedupe_postings"]
        self.index_ttl = index_ttl

    async def ensure_indexes(self) -> None:
        # Candidate lookup goes through dedupe_postings (by _id); `keys` stays on the event for inspection.
        await self.events.create_index("members")
        await self.events.create_index("applied")
        await self.events.create_index([("last_seen", -1)])
        await self.events.create_index([("touched_at", 1)])
        await self.events.create_index([("status", 1), ("merge_done", 1)])
        await self.events.create_index("pending.lease_until")  # the sweep's look for abandoned creations
        await self.articles.create_index("dedupe.event_id")
        await self.copies.create_index("bands")
        await self.copies.create_index("content_hash")
        # TTL: signatures older than the window expire, so the index cannot grow forever.
        await self.copies.create_index("indexed_at", expireAfterSeconds=int(self.index_ttl.total_seconds()))

    # ---- events ----------------------------------------------------------------------------------------------

    async def load_event(self, event_id: str) -> EventState | None:
        doc = await self.events.find_one({"_id": event_id})
        return EventState.from_document(doc) if doc else None

    # event_applied and event_of_member stay two indexed reads: one `$or` read of both ran 3-4x slower on SecantusDB
    # (measured with the bench: 13 vs 42-50 articles/s), which does not use indexes for `$or`. The "not merged"
    # condition is checked here, not in the query: SecantusDB's explain shows a COLLSCAN plan for a `$ne` beside
    # the key (timings suggest it still uses the index); by the key alone the plan is an index read on any server.
    async def event_applied(self, key: str) -> EventState | None:
        """The event that already applied this article revision (``<article_id>:<revision>``), if any."""
        # A merge redirect keeps its lists until the survivor has them; the survivor is the answer.
        return await self._unmerged({"applied": key})

    async def event_of_member(self, article_id: str) -> EventState | None:
        return await self._unmerged({"members": article_id})

    async def _unmerged(self, query: dict[str, Any]) -> EventState | None:
        # At most a redirect and its survivor hold one key, so this reads one or two documents.
        async for doc in self.events.find(query).limit(8):
            if doc.get("status") != "merged":
                return EventState.from_document(doc)
        return None

    async def candidates(
        self, features: ArticleFeatures, *, window: timedelta, limit: int, exclude: str
    ) -> list[EventState]:
        """Active events sharing the most keys with the article, seen within ``window`` of it.

        Two bounded reads (the article's posting lists, then at most ``limit`` events by id), so the cost does not
        grow with the number of stored events.
        """
        postings = {
            doc["_id"]: doc.get("events") or [] async for doc in self.postings.find({"_id": {"$in": features.keys}})
        }
        ranked = rank_candidates((postings.get(k, []) for k in features.keys), exclude=exclude, limit=limit)
        if not ranked:
            return []
        # The change log and member lists are for idempotency only; scoring does not need them.
        cursor = self.events.find(
            {"_id": {"$in": ranked}},
            projection={"recent_changes": 0, "members": 0, "applied": 0, "pending.message": 0},
        )
        found = {doc["_id"]: EventState.from_document(doc) async for doc in cursor}
        return [e for e in (found.get(i) for i in ranked) if e is not None and in_window(e, features.at, window)]

    async def index_event(self, event_id: str, keys: list[str]) -> None:
        """List ``event_id`` under ``keys`` (newest last, each list bounded). Repeats are harmless."""
        if not keys:
            return
        await self.postings.bulk_write(
            [
                UpdateOne(
                    {"_id": key},
                    {"$push": {"events": {"$each": [event_id], "$slice": -POSTINGS_PER_KEY}}},
                    upsert=True,
                )
                for key in keys
            ],
            ordered=False,
        )

    async def unfinished_merges(self, limit: int = 100) -> list[EventState]:
        cursor = self.events.find({"status": "merged", "merge_done": {"$ne": True}}).limit(limit)
        return [EventState.from_document(doc) async for doc in cursor]

    async def repoint(self, old_event_id: str, new_event_id: str) -> None:
        """Articles and copy signatures of a merged event now name the survivor (and where they came from)."""
        await self.articles.update_many(
            {"dedupe.event_id": old_event_id},
            {"$set": {"dedupe.event_id": new_event_id, "dedupe.merged_from": old_event_id}},
        )
        await self.copies.update_many({"event_id": old_event_id}, {"$set": {"event_id": new_event_id}})

    async def mark_merge_done(self, event_id: str) -> None:
        await self.events.update_one({"_id": event_id}, {"$set": {"merge_done": True}})

    async def quiet_events(self, before: datetime, limit: int) -> list[EventState]:
        """Active events no article changed since ``before`` (wall clock), quietest first."""
        cursor = (
            self.events.find({"touched_at": {"$lt": before}, "status": "active", "pending": {"$exists": False}})
            .sort([("touched_at", 1), ("_id", 1)])
            .limit(limit)
        )
        return [EventState.from_document(doc) async for doc in cursor]

    async def insert_event(self, event: EventState, pending: PendingCreation | None = None) -> bool:
        """Insert a new event (provisional while ``pending``); False when one with its id exists."""
        doc = {**event.to_document(), "touched_at": datetime.now(UTC)}
        if pending is not None:
            doc["pending"] = pending.document()
        try:
            await self.events.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def replace_event(self, event: EventState, expected_version: int, *, touch: bool = True) -> bool:
        """Write ``event`` only if nobody changed it since ``expected_version`` (optimistic concurrency).

        ``touched_at`` is the wall-clock time of the last article applied: dormancy counts from it, not from the
        articles' own dates, so replaying an old archive does not put its events to sleep at once.
        """
        doc = event.to_document()
        if touch:
            doc["touched_at"] = datetime.now(UTC)
        else:
            previous = await self.events.find_one({"_id": event.event_id}, projection={"touched_at": 1})
            doc["touched_at"] = (previous or {}).get("touched_at") or datetime.now(UTC)
        # A provisional event is its creator's alone (see creations.py): nobody else may write it.
        result = await self.events.replace_one(
            {"_id": event.event_id, "version": expected_version, "pending": {"$exists": False}}, doc
        )
        return result.matched_count == 1

    # ---- provisional events: a creation in progress (see creations.py) ----------------------------------------

    async def confirm_event(self, event_id: str, owner: str) -> bool:
        """The creation passed its check: the event becomes real (joinable). False when ``owner`` lost it."""
        result = await self.events.update_one({"_id": event_id, "pending.owner": owner}, {"$unset": {"pending": ""}})
        return result.modified_count == 1

    async def withdraw_event(self, event_id: str, owner: str) -> bool:
        """Delete a provisional event (it only ever holds its founder). False when ``owner`` lost it."""
        result = await self.events.delete_one({"_id": event_id, "pending.owner": owner})
        return result.deleted_count == 1

    async def renew_creation(self, event_id: str, owner: str, until: datetime) -> bool:
        result = await self.events.update_one(
            {"_id": event_id, "pending.owner": owner}, {"$set": {"pending.lease_until": until}}
        )
        return result.matched_count == 1

    async def claim_creation(self, event_id: str, owner: str, until: datetime) -> str | None:
        """Take over a creation whose lease ran out; returns the founder's message (JSON), None if not ours."""
        doc = await self.events.find_one_and_update(
            {"_id": event_id, "pending.lease_until": {"$lt": datetime.now(UTC)}},
            {"$set": {"pending.owner": owner, "pending.lease_until": until}},
            projection={"pending.message": 1},
            return_document=ReturnDocument.AFTER,
        )
        return str(doc["pending"]["message"]) if doc else None

    async def stale_creations(self, before: datetime, limit: int) -> list[str]:
        """Provisional events whose lease ended before ``before``."""
        cursor = self.events.find({"pending.lease_until": {"$lt": before}}, projection={"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def creation_lease(self, event_id: str) -> datetime | None:
        """The lease of a provisional event's creation; None once it is confirmed or withdrawn."""
        doc = await self.events.find_one({"_id": event_id}, projection={"pending.lease_until": 1})
        pending = (doc or {}).get("pending")
        if not pending:
            return None
        until: datetime = pending["lease_until"]
        return until if until.tzinfo else until.replace(tzinfo=UTC)

    # ---- creation sequences: optimistic concurrency for "no event matched, create one" ------------------------

    async def key_sequences(self, keys: list[str]) -> dict[str, int]:
        """The creation sequence of each key (0 when no event was ever created under it)."""
        found = {
            doc["_id"]: int(doc["seq"]) async for doc in self.state.find({"_id": {"$in": [f"seq:{k}" for k in keys]}})
        }
        return {key: found.get(f"seq:{key}", 0) for key in keys}

    async def advance_key_sequences(self, seen: dict[str, int]) -> bool:
        """Move every key's sequence from its ``seen`` value on; False when another creation moved one first.

        Each key's step is conditional and atomic; the steps are not atomic together, so a failed attempt may still
        have advanced some keys. That only makes other creators search once more; it never lets two pass on one key.
        """
        if not seen:
            return True
        requests = [
            UpdateOne({"_id": f"seq:{key}", "seq": value}, {"$inc": {"seq": 1}}, upsert=value == 0)
            for key, value in seen.items()
        ]
        try:
            result = await self.state.bulk_write(requests, ordered=False)
        except BulkWriteError:  # an upsert of a key someone else created first: a conflict
            return False
        return result.modified_count + result.upserted_count == len(requests)

    # ---- copy detection index --------------------------------------------------------------------------------

    async def known_copies(self, content_hash: str, signature: Signature) -> list[KnownCopy]:
        """Articles with the same content hash or sharing a signature band.

        Two indexed reads, not one ``$or``: SecantusDB answers an ``$or`` by scanning the whole collection, which
        made every article's lookup cost grow with the copies stored.
        """
        queries: list[dict[str, Any]] = [{"content_hash": content_hash}]
        if signature.bands:
            queries.append({"bands": {"$in": list(signature.bands)}})
        found: dict[str, dict[str, Any]] = {}
        for query in queries:
            async for doc in self.copies.find(query).sort("_id", 1).limit(MAX_COPY_NEIGHBOURS):
                found.setdefault(doc["_id"], doc)
        return [
            KnownCopy(
                doc["_id"], doc["content_hash"], tuple(doc.get("signature") or ()), doc["original_id"], doc["event_id"]
            )
            for _, doc in sorted(found.items())[:MAX_COPY_NEIGHBOURS]
        ]

    async def remember_copy(
        self, article_id: str, content_hash: str, signature: Signature, original_id: str, event_id: str
    ) -> None:
        await self.copies.update_one(
            {"_id": article_id},
            {
                "$set": {
                    "content_hash": content_hash,
                    "signature": list(signature.values),
                    "bands": list(signature.bands),
                    "original_id": original_id,
                    "event_id": event_id,
                    "indexed_at": datetime.now(UTC),
                }
            },
            upsert=True,
        )

    # ---- the decision on the article -------------------------------------------------------------------------

    async def record_decision(self, article_id: str, revision: int, decision: dict[str, Any]) -> None:
        """``$set`` the article's ``dedupe`` field unless a newer revision's decision is already there."""
        await self.articles.update_one(
            # "no decision yet, or one for this revision or an older one", without an $or (SecantusDB scans those)
            {"_id": article_id, "dedupe.revision": {"$not": {"$gt": revision}}},
            {"$set": {"dedupe": decision}},
        )

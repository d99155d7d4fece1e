"""Merging two events in MongoDB, restart-safe without transactions.

1. The absorbed event becomes a redirect first (``status="merged"``, ``merged_into``; version-conditional), so it
   stops being a candidate and the intent is durable.
2. The survivor absorbs it, guarded by ``merge:<absorbed id>`` in its ``applied`` (never twice).
3. Articles and copy signatures pointing at the absorbed id are re-pointed; the redirect is marked ``merge_done``.
A crash anywhere leaves a redirect without ``merge_done``; the periodic sweep finishes it with the same steps.
Both events' changes go out as ``events.merged.<category>.<country>``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from wirewatch.contracts import EventChanged
from wirewatch.runtime import RetryLater

from .events import EventState, changed_fields, new_keys
from .merging import absorb, merge_key, redirected, survivor_first
from .repository import DedupeRepository

MAX_ATTEMPTS = 8


class EventMerger:
    def __init__(self, repository: DedupeRepository) -> None:
        self.repository = repository

    async def merge(self, first_id: str, second_id: str) -> list[EventChanged]:
        """Merge two active events (the smaller into the larger); nothing when either changed status meanwhile."""
        first = await self.repository.load_event(first_id)
        second = await self.repository.load_event(second_id)
        if first is None or second is None or first.status != "active" or second.status != "active":
            return []
        if first.provisional or second.provisional:  # an unchecked creation is its creator's alone (creations.py)
            return []
        survivor, absorbed = survivor_first(first, second)
        gone = redirected(absorbed, survivor.event_id)
        if not await self.repository.replace_event(gone, absorbed.version, touch=False):
            return []  # it changed under us: the next article that bridges both triggers the merge again
        return await self.finish(gone)

    async def finish(self, gone: EventState) -> list[EventChanged]:
        """Steps 2 and 3 for a redirect (also after a crash); returns the changes to publish."""
        assert gone.merged_into is not None
        now = datetime.now(UTC)
        published: list[EventChanged] = []
        for _ in range(MAX_ATTEMPTS):
            survivor = await self.repository.load_event(gone.merged_into)
            if survivor is None:
                raise RetryLater(f"merge target {gone.merged_into} missing")
            if merge_key(gone.event_id) in survivor.applied:
                break  # absorbed before a crash; its change was published then (or is re-sent below as current)
            after = absorb(survivor, gone)
            if await self.repository.replace_event(after, survivor.version):
                await self.repository.index_event(after.event_id, new_keys(survivor, after))
                fields = changed_fields(survivor.snapshot(), after.snapshot())
                published.append(
                    EventChanged(change="merged", event=after.snapshot(), changed_fields=fields, changed_at=now)
                )
                break
        else:
            raise RetryLater(f"event {gone.merged_into} kept changing during a merge")
        await self.repository.repoint(gone.event_id, gone.merged_into)
        await self.repository.mark_merge_done(gone.event_id)
        published.append(
            EventChanged(
                change="merged", event=gone.snapshot(), changed_fields=["status", "merged_into"], changed_at=now
            )
        )
        return published

    async def finish_pending(self) -> list[EventChanged]:
        """Complete merges a crash interrupted."""
        published: list[EventChanged] = []
        for gone in await self.repository.unfinished_merges():
            published += await self.finish(gone)
        return published

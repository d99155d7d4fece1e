"""Creating an event while other replicas decide concurrently: provisional events and their check.

The rule this module keeps (the invariant the two-replica tests check):

    Nobody but its founder is ever in a provisional event. An event becomes joinable (confirmed) only after its
    creation passed the check below; until then it can only be confirmed or withdrawn, whole, by the one run that
    holds its lease. So a withdrawn event never had anything but its founder, and was never published.

The check (``ArticleClusterer._cluster``): the creator reads the creation sequences of its keys, searches, inserts
its event as provisional and lists it, then advances every sequence from the value it read. The advance fails when
another creation sharing a key advanced meanwhile; the creator then searches again and sees that event. A search
sees provisional events too, and when the best fit for an article is a provisional event the article waits until
that event is confirmed or withdrawn, then decides again; it never joins a provisional event. Two creators that are
each other's best fit would wait for each other, so the tie is broken by event id: the creator of the larger id
withdraws its own event first, then waits (a chain of creators that keep their event while waiting has increasing
ids, so it cannot close into a cycle).

Why no story ends up with two confirmed events: take two creations whose events would be each other's candidates;
they share a key, and each guards that key; say X advances first. Each event is listed before its creator
advances. If Y read its sequences after X advanced, Y's search already listed X's event. If Y read them before, X's
advance moved a key Y read, so Y's own advance fails and Y searches again, now seeing X's event. Either way the
second one to confirm has seen the first and chose to create anyway (it scored below the join threshold), exactly
as if they had come one after the other. What used to break this was the way back: the creator that should join
the other event could not withdraw its own once a third article had joined it. Now nobody joins a provisional
event, so it always can. Confirm, withdraw and lease renewal are conditional on the lease owner, so of a slow
creator and the run that took its creation over, exactly one confirms or withdraws; the other gets RetryLater and
its redelivery replays.

A creator that dies leaves a provisional event behind whose lease runs out (``lease``, renewed while it works).
Its redelivered message, or any article waiting on that event, then claims the lease and finishes the check with
the founder's message stored on the event (and the periodic sweep does, should neither come: the founder's message
was dead-lettered and no article fits the event); what that produces is published by whoever finished it (its
Nats-Msg-Id ``event:<id>:<version>`` is the one the founder's own publish would have had: JetStream keeps one copy).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pymongo.errors import PyMongoError

from wirewatch.contracts import ArticleEnriched, EventChanged
from wirewatch.runtime import RetryLater

from .events import PendingCreation
from .repository import DedupeRepository
from .scoring import Decision

T = TypeVar("T")
LEASE = timedelta(seconds=5)
_POLL_FIRST, _POLL_MAX = 0.01, 0.1
_EXPIRED = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class Creation:
    """A provisional event this run holds the lease of, and the change its creation recorded."""

    event_id: str
    owner: str
    change: EventChanged
    record: dict[str, Any]
    decision: Decision
    renewed: float = field(default_factory=time.monotonic)  # of the last lease write


class Creations:
    def __init__(self, repository: DedupeRepository, *, lease: timedelta = LEASE) -> None:
        self.repository = repository
        self.lease = lease

    def start(
        self, message: ArticleEnriched, change: EventChanged, record: dict[str, Any], decision: Decision
    ) -> tuple[Creation, PendingCreation]:
        """A new creation: the lease this run holds and the marker to insert the event with."""
        creation = Creation(change.event.event_id, uuid.uuid4().hex, change, record, decision)
        return creation, PendingCreation(creation.owner, self._until(), message.model_dump_json())

    async def renew(self, creation: Creation) -> None:
        """Keep the lease (a write only once a third of it has passed); RetryLater when another run took over."""
        if time.monotonic() - creation.renewed < self.lease.total_seconds() / 3:
            return
        if not await self.repository.renew_creation(creation.event_id, creation.owner, self._until()):
            raise RetryLater(f"the creation of {creation.event_id} was taken over")
        creation.renewed = time.monotonic()

    async def confirm(self, creation: Creation) -> None:
        if not await self.repository.confirm_event(creation.event_id, creation.owner):
            raise RetryLater(f"the creation of {creation.event_id} was taken over before its confirmation")

    async def withdraw(self, creation: Creation) -> None:
        if not await self.repository.withdraw_event(creation.event_id, creation.owner):
            raise RetryLater(f"the creation of {creation.event_id} was taken over before its withdrawal")

    async def release(self, creation: Creation) -> None:
        """Give the lease up now (this run stops early), so a redelivery or a waiting article need not wait."""
        with contextlib.suppress(PyMongoError):  # best effort: otherwise the lease runs out by itself
            await self.repository.renew_creation(creation.event_id, creation.owner, _EXPIRED)

    async def claim(self, event_id: str) -> tuple[str, str] | None:
        """Take over a creation whose lease ran out: (founder message JSON, new owner), or None."""
        owner = uuid.uuid4().hex
        message = await self.repository.claim_creation(event_id, owner, self._until())
        return (message, owner) if message is not None else None

    async def wait(
        self,
        event_id: str,
        own: Creation | None,
        take_over: Callable[[str, str], Awaitable[T]] | None,
    ) -> T | None:
        """Wait until the provisional ``event_id`` is confirmed or withdrawn (None), or take it over when its lease
        ran out (``take_over(founder message JSON, new owner)``'s result). ``own`` is kept leased meanwhile."""
        deadline = time.monotonic() + 2 * self.lease.total_seconds()
        pause = _POLL_FIRST
        while (until := await self.repository.creation_lease(event_id)) is not None:
            if take_over is not None and until < datetime.now(UTC):
                if (claimed := await self.claim(event_id)) is not None:
                    return await take_over(*claimed)
                continue  # another run claimed it first: wait for that one
            if time.monotonic() > deadline:
                raise RetryLater(f"event {event_id} is still being created")
            if own is not None:
                await self.renew(own)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _POLL_MAX)
        return None

    def _until(self) -> datetime:
        return datetime.now(UTC) + self.lease

"""Events go dormant after a period without new articles (a periodic sweep in every replica).

Quiet is measured on the wall clock (``touched_at``, the last time an article changed the event), not on the
articles' dates, so a backfill of old news is clustered normally instead of going dormant as it arrives.

Decision: a dormant event is not joined and not revived. Candidates are active events only, so an article about
the story after the quiet period starts a new event. By then the time factor (half-life 36 h) has cut any join
score below the threshold anyway, and a follow-up weeks later (a trial after a crime, an anniversary) is news of its
own that subscribers should hear about as ``created``. Revisions of a dormant event's members still update it.

Each replica sweeps; the version-conditional replace makes the change happen once, whichever replica wins, and the
``Nats-Msg-Id`` ``event:<id>:<version>`` keeps the publish single.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from wirewatch.contracts import EventChanged
from wirewatch.runtime import Periodic

from .events import EventState
from .merger import EventMerger
from .repository import DedupeRepository

log = logging.getLogger("wirewatch.dedupe")

# Events turned dormant per sweep at most: a backlog is worked off over several sweeps, never in one long stall.
SWEEP_BATCH = 500

Publish = Callable[[EventChanged], Awaitable[None]]


def made_dormant(event: EventState, now: datetime) -> tuple[EventState, EventChanged]:
    after = replace(event, status="dormant", version=event.version + 1)
    change = EventChanged(change="updated", event=after.snapshot(), changed_fields=["status"], changed_at=now)
    return after, change


class DormancySweeper:
    def __init__(
        self,
        repository: DedupeRepository,
        publish: Publish,
        *,
        dormant_after: timedelta,
        finish_creations: Callable[[], Awaitable[list[EventChanged]]] | None = None,
    ) -> None:
        self.repository = repository
        self.finish_creations = finish_creations
        self.merger = EventMerger(repository)
        self.publish = publish
        self.dormant_after = dormant_after
        self._loop: Periodic | None = None

    async def sweep(self, now: datetime | None = None) -> int:
        """Make every event quiet for ``dormant_after`` dormant (up to SWEEP_BATCH); returns how many."""
        now = now or datetime.now(UTC)
        for change in await self.merger.finish_pending():  # merges a crash interrupted
            await self.publish(change)
        if self.finish_creations is not None:  # creations nobody came back to finish (creations.py)
            for change in await self.finish_creations():
                await self.publish(change)
        done = 0
        for event in await self.repository.quiet_events(now - self.dormant_after, SWEEP_BATCH):
            after, change = made_dormant(event, now)
            if await self.repository.replace_event(after, event.version, touch=False):
                await self.publish(change)
                done += 1
        return done

    async def _sweep_and_log(self) -> None:
        swept = await self.sweep()
        if swept:
            log.info("events went dormant", extra={"events": swept})

    def start(self, interval: float) -> None:
        # Periodic: a failing sweep is logged and retried next round, and stop() ends the loop even when a
        # publish inside the sweep swallowed the cancellation (wirewatch.runtime._periodic says how).
        self._loop = Periodic("dormancy sweep", self._sweep_and_log, interval, error_level=logging.ERROR)
        self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()

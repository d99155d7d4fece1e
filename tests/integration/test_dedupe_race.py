"""Creations racing, step by step, against SecantusDB: the interleavings behind the two-replica race (issue 5).

Each test runs several clusterers (replicas) on one database and holds one of them at a chosen step of its creation
check, so the interleaving is forced instead of hoped for. The invariant under test (dedupe/creations.py): nobody
but its founder is ever in a provisional event; a creation is confirmed or withdrawn whole.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.test_dedupe import HEADLINES, _headline
from wirewatch.contracts import EventChanged
from wirewatch.dedupe.clusterer import ArticleClusterer, Outcome
from wirewatch.dedupe.dormancy import DormancySweeper
from wirewatch.dedupe.events import EventState, PendingCreation
from wirewatch.dedupe.repository import DedupeRepository
from wirewatch.runtime import RetryLater
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected

LEASE = timedelta(seconds=0.3)


class HeldRepository(DedupeRepository):
    """A replica's repository that stops before the chosen steps until the test lets it go (or forever: a dead
    replica)."""

    def __init__(self, db: Any) -> None:
        super().__init__(db)
        self.before_insert = asyncio.Event()
        self.before_advance = asyncio.Event()

    async def insert_event(self, event: EventState, pending: PendingCreation | None = None) -> bool:
        await self.before_insert.wait()
        return await super().insert_event(event, pending)

    async def advance_key_sequences(self, seen: dict[str, int]) -> bool:
        await self.before_advance.wait()
        return await super().advance_key_sequences(seen)


def _replica(repository: DedupeRepository, conflicts: list[str], lease: timedelta = LEASE) -> ArticleClusterer:
    return ArticleClusterer(repository, creation_lease=lease, on_conflict=conflicts.append)


async def _decide(replica: ArticleClusterer, message: Any) -> Outcome | None:
    """As the consumer does: RetryLater means "again, a little later"."""
    for _ in range(20):
        try:
            return await replica.cluster_article(message)
        except RetryLater:
            await asyncio.sleep(0.05)
    raise AssertionError(f"{message.article.article_id} kept being retried")


async def _provisional(db: Any, article: str) -> None:
    from wirewatch.dedupe.events import event_id_for  # noqa: PLC0415

    await eventually(lambda: db["events"].find_one({"_id": event_id_for(article), "pending": {"$exists": True}}))


async def test_an_article_never_joins_a_provisional_event_and_the_late_creator_withdraws_its_own(db):
    conflicts: list[str] = []
    plain = DedupeRepository(db)
    await plain.ensure_indexes()
    held = HeldRepository(db)
    # Leases long enough that nobody takes B's creation over here (that is the next test).
    replica_a, replica_b, replica_c = (_replica(r, conflicts, timedelta(seconds=5)) for r in (plain, held, plain))
    a, b = _headline(0, HEADLINES[0]), _headline(2, HEADLINES[2])
    # C reads almost as B: its best fit is B's event while that one is still provisional.
    c = _headline(99, "Explosions heard in Stepanakert as Azerbaijan launches operation")

    # B searches (nothing yet) and stops before inserting; A creates its event meanwhile and confirms it.
    b_task = asyncio.create_task(replica_b.cluster_article(b))
    await asyncio.sleep(0.05)
    first = await replica_a.cluster_article(a)
    assert first is not None
    assert first.decision == "create"
    # B inserts its own event (it searched before A's existed) and stops before its check.
    held.before_insert.set()
    await _provisional(db, "h2")
    c_task = asyncio.create_task(replica_c.cluster_article(c))
    await asyncio.sleep(0.2)
    assert not c_task.done(), "C must wait for B's event, never join it while it is provisional"
    # B's check fails (A's creation shared its keys): B searches again, withdraws its event and joins A's.
    held.before_advance.set()
    b_outcome, c_outcome = await asyncio.gather(b_task, c_task)
    assert b_outcome is not None
    assert c_outcome is not None
    event_id = first.change.event.event_id
    assert (b_outcome.decision, b_outcome.change.event.event_id) == ("join", event_id)
    assert (c_outcome.decision, c_outcome.change.event.event_id) == ("join", event_id)
    events = [doc async for doc in db["events"].find({})]
    assert [(e["_id"], e["article_count"], e["version"]) for e in events] == [(event_id, 3, 3)]
    assert "pending" not in events[0]
    assert sorted(o.change.event.version for o in (first, b_outcome, c_outcome)) == [1, 2, 3]
    assert "provisional" in conflicts
    assert "creation" in conflicts


async def test_a_dead_creators_event_is_finished_by_the_article_waiting_for_it_and_published_once(db):
    conflicts: list[str] = []
    plain = DedupeRepository(db)
    await plain.ensure_indexes()
    dead = HeldRepository(db)
    dead.before_insert.set()  # it inserts, then never gets to its check: a replica killed mid-way
    b, c = _headline(2, HEADLINES[2]), _headline(99, "Explosions heard in Stepanakert as Azerbaijan launches operation")
    stuck = asyncio.create_task(_replica(dead, conflicts).cluster_article(b))
    try:
        await _provisional(db, "h2")
        # C's best fit is B's provisional event: C waits for the lease to run out, finishes B's check as B would
        # have (B created it), hands back B's "created" to publish first, then joins.
        c_outcome = await asyncio.wait_for(_replica(plain, conflicts).cluster_article(c), timeout=10)
        assert c_outcome is not None
        [created] = c_outcome.resolved
        assert (created.change, created.article_id, created.event.version) == ("created", "h2", 1)
        assert (c_outcome.decision, c_outcome.change.event.event_id) == ("join", created.event.event_id)
        assert [change.event.version for change in c_outcome.published()] == [1, 2]
        assert "takeover" in conflicts
        # B's own redelivery finds its work done and hands back the same change (same Nats-Msg-Id): one publish.
        again = await _replica(plain, conflicts).cluster_article(b)
        assert again is not None
        assert again.replayed
        assert again.change == created
    finally:
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
    [event] = [doc async for doc in db["events"].find({})]
    assert (event["article_count"], event["version"], "pending" in event) == (2, 2, False)


async def test_a_redelivered_founder_finishes_its_own_unchecked_creation(db):
    plain = DedupeRepository(db)
    await plain.ensure_indexes()
    dead = HeldRepository(db)
    dead.before_insert.set()
    b = _headline(2, HEADLINES[2])
    stuck = asyncio.create_task(_replica(dead, []).cluster_article(b))
    try:
        await _provisional(db, "h2")
        outcome = await asyncio.wait_for(_replica(plain, []).cluster_article(b), timeout=10)
    finally:
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
    assert outcome is not None
    assert (outcome.decision, outcome.change.change, outcome.replayed) == ("create", "created", False)
    [event] = [doc async for doc in db["events"].find({})]
    assert (event["article_count"], event["version"], "pending" in event) == (1, 1, False)


async def test_the_sweep_finishes_a_creation_nobody_came_back_for(db):
    """The creator died and its message was dead-lettered; no article fits the event: the periodic sweep."""
    plain = DedupeRepository(db)
    await plain.ensure_indexes()
    dead = HeldRepository(db)
    dead.before_insert.set()
    stuck = asyncio.create_task(_replica(dead, []).cluster_article(_headline(2, HEADLINES[2])))
    try:
        await _provisional(db, "h2")
        published: list[EventChanged] = []

        async def publish(change: EventChanged) -> None:
            published.append(change)

        replica = _replica(plain, [])
        sweeper = DormancySweeper(
            plain, publish, dormant_after=timedelta(hours=72), finish_creations=replica.finish_stale_creations
        )
        assert await sweeper.sweep() == 0
        assert published == []  # its lease has not run out yet: the creator may still be working
        await asyncio.sleep(2 * LEASE.total_seconds())
        await sweeper.sweep()
    finally:
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
    [created] = published
    assert (created.change, created.article_id, created.event.version) == ("created", "h2", 1)
    [event] = [doc async for doc in db["events"].find({})]
    assert (event["article_count"], event["version"], "pending" in event) == (1, 1, False)


async def test_two_creators_that_fit_each_other_end_in_one_event_whatever_the_timing(db):
    """Both insert before either checks; each search then shows the other's provisional event as the best fit."""
    plain = DedupeRepository(db)
    await plain.ensure_indexes()
    helds = [HeldRepository(db) for _ in range(3)]
    replicas = [_replica(h, [], timedelta(seconds=5)) for h in helds]
    messages = [_headline(n, HEADLINES[n]) for n in (0, 1, 2)]
    for held in helds:
        held.before_insert.set()
    tasks = [asyncio.create_task(_decide(r, m)) for r, m in zip(replicas, messages, strict=True)]
    # Usually all three search before any inserts; one that already sees another's event waits for it instead.
    await eventually(lambda: db["events"].count_documents({"pending": {"$exists": True}}), what="provisional events")
    await asyncio.sleep(0.1)
    for held in helds:
        held.before_advance.set()
    outcomes = await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    events = [doc async for doc in db["events"].find({})]
    assert [(e["article_count"], e["version"], "pending" in e) for e in events] == [(3, 3, False)]
    assert sorted(o.decision for o in outcomes if o is not None) == ["create", "join", "join"]

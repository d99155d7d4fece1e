"""Dedupe lifecycle and restarts against a real nats-server and SecantusDB: dormancy, a replica stopped mid-stream."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_dedupe import HEADLINES, _collect, _event_messages, _publish, _settings
from tests.unit.dedupe.stories import BATTLE, KARABAKH_ENTITIES, STEPANAKERT, T0, enriched, reuters, tasnim
from wirewatch.contracts import EventChanged
from wirewatch.dedupe.clusterer import ArticleClusterer
from wirewatch.dedupe.dormancy import DormancySweeper
from wirewatch.dedupe.main import create_service
from wirewatch.dedupe.repository import DedupeRepository
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected


async def test_a_quiet_event_goes_dormant_once_and_later_news_starts_a_new_event(db):
    repository = DedupeRepository(db)
    await repository.ensure_indexes()
    clusterer = ArticleClusterer(repository)
    created = await clusterer.cluster_article(tasnim())
    assert created is not None
    published: list[EventChanged] = []

    async def publish(change: EventChanged) -> None:
        published.append(change)

    replicas = [DormancySweeper(repository, publish, dormant_after=timedelta(hours=72)) for _ in range(2)]
    now = datetime.now(UTC)
    assert await replicas[0].sweep(now=now + timedelta(hours=24)) == 0  # still active
    assert await replicas[0].sweep(now=now + timedelta(days=4)) == 1
    assert await replicas[1].sweep(now=now + timedelta(days=4)) == 0  # the other replica finds nothing left
    [change] = published
    assert (change.change, change.changed_fields, change.event.status) == ("updated", ["status"], "dormant")
    assert change.event.version == 2
    stored = await repository.load_event(created.change.event.event_id)
    assert stored is not None
    assert stored.status == "dormant"

    # Same story four days on: the dormant event is not joined, a new one starts.
    later = await clusterer.cluster_article(reuters(at=T0 + timedelta(days=4)))
    assert later is not None
    assert later.decision == "create"
    assert later.change.event.event_id != created.change.event.event_id


async def test_a_restart_loses_nothing_and_redeliveries_repeat_nothing(
    nats_url, mongo_url, mongo_db_name, nats_client, db
):
    published = await _collect(nats_client)
    stories = [
        enriched(f"r{n}", t, "", source=f"o{n}", entities=KARABAKH_ENTITIES, places=(STEPANAKERT,), event_type=BATTLE)
        for n, t in enumerate(HEADLINES)
    ]
    half = len(stories) // 2
    settings = _settings(nats_url, mongo_url, mongo_db_name)
    first = create_service(settings)
    await first.start()
    try:
        for message in stories[:half]:
            await _publish(nats_client, message)
        await eventually(lambda: len(published) == half, timeout=20, what="the first half decided")
    finally:
        await first.stop()
    # A new process: everything it knows comes from MongoDB. The rest arrives, and the first half again.
    second = create_service(settings)
    await second.start()
    try:
        for message in stories[half:]:
            await _publish(nats_client, message)
        for message in stories[:half]:
            await _publish(nats_client, message, attempt=1)
        await eventually(lambda: len(published) == len(stories) + half, timeout=20, what="rest decided, replays out")
    finally:
        await second.stop()
    events = [doc async for doc in db["events"].find({})]
    assert len(events) == 1
    assert events[0]["article_count"] == len(stories)
    assert events[0]["version"] == len(stories)
    # Replays reach core subscribers again with the same Msg-Id; the stream keeps each version once.
    assert await _event_messages(nats_client) == len(stories)
    for message in stories[:half]:
        # A replay re-sends the recorded change, or the current state once the change left the short log.
        original, replay = [c for _, c, _ in published if c.article_id == message.article.article_id]
        assert replay.event.event_id == original.event.event_id
        assert replay == original or replay.event.version >= original.event.version


async def test_a_replica_stopped_mid_stream_leaves_its_articles_to_the_next_one(
    nats_url, mongo_url, mongo_db_name, nats_client, db
):
    published = await _collect(nats_client)
    stories = [
        enriched(f"m{n}", t, "", source=f"o{n}", entities=KARABAKH_ENTITIES, places=(STEPANAKERT,), event_type=BATTLE)
        for n, t in enumerate(HEADLINES)
    ]
    # What a stopped replica fetched and did not ack comes back after ack_wait: 2 s here, 60 s by default.
    settings = _settings(nats_url, mongo_url, mongo_db_name).model_copy(update={"ack_wait_seconds": 2.0})
    first = create_service(settings)
    await first.start()
    for message in stories:
        await _publish(nats_client, message)
    try:
        await eventually(lambda: len(published) >= 3, timeout=20, what="a few decisions")
    finally:
        await first.stop()
    second = create_service(settings)
    await second.start()
    try:
        await eventually(lambda: db["events"].find_one({"article_count": len(stories)}), timeout=20, what="all in")
    finally:
        await second.stop()
    assert await db["events"].count_documents({}) == 1
    event = await db["events"].find_one({})
    assert event["version"] == len(stories)
    assert await _event_messages(nats_client) == len(stories)


async def test_an_article_that_fits_two_events_merges_them_and_the_old_id_redirects(db):
    from wirewatch.api.repository import ApiRepository  # noqa: PLC0415 - the api's read path of the redirect
    from wirewatch.dedupe.scoring import ClusteringPolicy  # noqa: PLC0415

    repository = DedupeRepository(db)
    await repository.ensure_indexes()
    # Two write-ups of one offensive kept apart (as a stricter past policy or a race might have left them).
    apart = ArticleClusterer(repository, policy=ClusteringPolicy(join_threshold=0.99))
    first = await apart.cluster_article(tasnim())
    second = await apart.cluster_article(reuters())
    assert first is not None
    assert second is not None
    for outcome in (first, second):
        await db["articles"].insert_one({"_id": outcome.change.article_id, "dedupe": {"event_id": "x"}})
        await db["articles"].update_one(
            {"_id": outcome.change.article_id}, {"$set": {"dedupe.event_id": outcome.change.event.event_id}}
        )
    bridge = enriched(
        "bridge-1",
        "Azerbaijan launches military operation in Nagorno-Karabakh, Armenia says full-scale aggression",
        "Azerbaijan's defence ministry announced anti-terrorist operations in Nagorno-Karabakh, shelling "
        "Stepanakert. Armenia accused Baku of full-scale aggression; Russian peacekeepers were in contact.",
        source="Bridge",
        entities=KARABAKH_ENTITIES,
        places=(STEPANAKERT,),
        event_type=BATTLE,
        at=T0 + timedelta(hours=1),
    )
    bridged = await ArticleClusterer(repository).cluster_article(bridge)
    assert bridged is not None
    assert bridged.decision == "join"
    survivor_change, redirect_change = bridged.merges
    assert survivor_change.change == redirect_change.change == "merged"
    survivor = survivor_change.event
    gone = redirect_change.event
    assert (gone.status, gone.merged_into) == ("merged", survivor.event_id)
    assert survivor.article_count == 3
    assert survivor.source_count == 3
    assert "merged_from" in survivor_change.changed_fields
    assert survivor.merged_from == [gone.event_id]
    # Every article now names the survivor; the old id answers with the survivor through the api.
    async for article in db["articles"].find({}):
        assert article["dedupe"]["event_id"] == survivor.event_id
    snapshot = await ApiRepository(db).event(gone.event_id)
    assert snapshot is not None
    assert snapshot.event_id == survivor.event_id
    # Not done twice: the redirect is finished and is no candidate any more.
    assert await repository.unfinished_merges() == []
    again = await ArticleClusterer(repository).cluster_article(bridge.model_copy(deep=True))
    assert again is not None
    assert again.replayed


async def test_creations_conflict_only_when_they_share_a_key(db):
    repository = DedupeRepository(db)
    karabakh = await repository.key_sequences(["t:karabakh", "t:azerbaijan"])
    also_karabakh = await repository.key_sequences(["t:karabakh", "t:stepanakert"])
    unrelated = await repository.key_sequences(["t:inflation"])
    assert await repository.advance_key_sequences(karabakh)
    assert not await repository.advance_key_sequences(also_karabakh)  # must search again: it may join now
    assert await repository.advance_key_sequences(unrelated)  # other stories never wait for each other
    assert await repository.advance_key_sequences(await repository.key_sequences(["t:karabakh", "t:stepanakert"]))
    assert (await repository.key_sequences(["t:karabakh"]))["t:karabakh"] == 2

"""The consumption contract through a database outage and a long-running handler, on real servers.

The database here is a SecantusDB of this test's own, stopped and started again like an outage; the handler's
client gives up server selection after 0.3 s so that the outage costs seconds, not minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from faststream.nats import NatsMessage, NatsRouter
from nats.aio.client import Client as NatsClient
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import ServerSelectionTimeoutError

from wirewatch.contracts import ARTICLES_STREAM, ArticleSubmitted, DeadLetter
from wirewatch.runtime import (
    ConsumerPolicy,
    Delivery,
    EmbeddedMongo,
    Service,
    ServiceSettings,
    consume,
    durable_subscriber,
    free_port,
)
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected


def _body(title: str) -> bytes:
    return ArticleSubmitted(title=title, submitted_at=datetime(2026, 1, 1, tzinfo=UTC)).model_dump_json().encode()


async def _dead_letters(nc: NatsClient) -> list[DeadLetter]:
    letters: list[DeadLetter] = []

    async def on_msg(msg) -> None:
        letters.append(DeadLetter.model_validate_json(msg.data))

    await nc.subscribe("dlq.>", cb=on_msg)
    return letters


@pytest.fixture
async def own_database(tmp_path: Path) -> AsyncIterator[EmbeddedMongo]:
    server = EmbeddedMongo(tmp_path / "mongo", free_port())
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def _service(
    name: str, nats_url: str, mongo_url: str, db_name: str, handler, policy: ConsumerPolicy, *, ack_wait: float = 30.0
) -> Service:
    settings = ServiceSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=db_name)
    service = Service(name, settings)
    router = NatsRouter()

    @durable_subscriber(router, subject="articles.submit", stream=ARTICLES_STREAM, durable=name, ack_wait=ack_wait)
    async def on_msg(msg: NatsMessage) -> None:
        await consume(msg, ArticleSubmitted, handler, broker=service.broker, policy=policy, metrics=service.metrics)

    service.broker.include_router(router)
    await service.start()
    return service


@pytest.mark.slow
async def test_a_database_outage_is_waited_out_not_dead_lettered(
    nats_url: str, nats_client: NatsClient, own_database: EmbeddedMongo, mongo_db_name: str
) -> None:
    store: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(own_database.url, serverSelectionTimeoutMS=300)
    attempts: dict[str, list[int]] = {}

    async def handle(article: ArticleSubmitted, delivery: Delivery) -> None:
        attempts.setdefault(article.title, []).append(delivery.num_delivered)
        await store["outage"]["articles"].update_one({"_id": article.title}, {"$set": {"n": 1}}, upsert=True)

    # Two deliveries would dead-letter an ordinary failure; the outage lasts far longer than that.
    policy = ConsumerPolicy("outage", max_deliver=2, retry_delays=(0.05,), unavailable_delays=(0.05, 0.2))
    service = await _service("outage", nats_url, own_database.url, mongo_db_name, handle, policy)
    letters = await _dead_letters(nats_client)
    try:
        await asyncio.to_thread(own_database.stop)
        titles = [f"during the outage {n}" for n in range(3)]
        for title in titles:
            await nats_client.jetstream().publish("articles.submit", _body(title))
        await eventually(
            lambda: all(len(attempts.get(t, [])) >= 4 for t in titles), timeout=30, what="four tries of each"
        )
        await asyncio.to_thread(own_database.start)
        stored = store["outage"]["articles"]
        await eventually(
            lambda: _count_is(stored, len(titles)), timeout=30, what="every message stored after the outage"
        )
        info = await nats_client.jetstream().consumer_info("ARTICLES", "outage")
        await eventually(lambda: _idle(nats_client), timeout=10, what="the consumer acked everything")
    finally:
        await service.stop()
        await store.close()
    assert letters == []
    assert info.num_pending == 0
    unavailable = service.registry.get_sample_value(
        "wirewatch_messages_total", {"service": "outage", "outcome": "unavailable"}
    )
    assert unavailable is not None
    assert unavailable >= 3 * 3
    assert service.registry.get_sample_value("wirewatch_messages_total", {"service": "outage", "outcome": "ok"}) == 3


async def _count_is(collection: AsyncCollection[dict[str, object]], n: int) -> bool:
    try:
        return int(await collection.count_documents({})) == n
    except ServerSelectionTimeoutError:  # our own 0.3 s client may not have seen the database come back yet
        return False


async def _idle(nc: NatsClient) -> bool:
    info = await nc.jetstream().consumer_info("ARTICLES", "outage")
    return not info.num_pending and not info.num_ack_pending


async def test_a_handler_running_past_the_ack_wait_is_not_handed_out_twice(
    nats_url: str, nats_client: NatsClient, mongo_url: str, mongo_db_name: str
) -> None:
    calls: list[int] = []

    async def slow(article: ArticleSubmitted, delivery: Delivery) -> None:
        calls.append(delivery.num_delivered)
        await asyncio.sleep(3.0)

    policy = ConsumerPolicy("slowpoke", max_deliver=3, retry_delays=(0.05,), progress_interval=0.3)
    service = await _service("slowpoke", nats_url, mongo_url, mongo_db_name, slow, policy, ack_wait=1.0)
    try:
        await nats_client.jetstream().publish("articles.submit", _body("takes three ack waits"))

        async def acked() -> bool:
            info = await nats_client.jetstream().consumer_info("ARTICLES", "slowpoke")
            return bool(calls) and info.num_ack_pending == 0 and info.num_pending == 0

        await eventually(acked, timeout=15, what="the slow message acked")
        info = await nats_client.jetstream().consumer_info("ARTICLES", "slowpoke")
    finally:
        await service.stop()
    assert calls == [1]
    assert info.num_redelivered == 0


@pytest.mark.slow
async def test_a_service_started_while_its_database_is_down_waits_for_it(
    nats_url: str, own_database: EmbeddedMongo, mongo_db_name: str
) -> None:
    await asyncio.to_thread(own_database.stop)
    settings = ServiceSettings(nats_url=nats_url, mongo_url=own_database.url, mongo_db=mongo_db_name)
    service = Service("latecomer", settings)
    indexed: list[str] = []

    @service.on_startup
    async def ensure_indexes() -> None:
        await service.db["things"].create_index("name")
        indexed.append("name")

    starting = asyncio.create_task(service.start())
    await asyncio.sleep(6.0)  # beyond the client's 5 s server selection: an unwaited start would have failed
    assert not starting.done(), starting
    await asyncio.to_thread(own_database.start)
    try:
        await asyncio.wait_for(starting, timeout=30)
        assert indexed == ["name"]
        assert await service.readiness() == {"mongo": "ok", "nats": "ok"}
    finally:
        await service.stop()

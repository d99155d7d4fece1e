"""The runtime's consumption contract against a real nats-server: retries, dead letters, the consumer goes on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from faststream.nats import NatsMessage, NatsRouter
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import ARTICLES_STREAM, ArticleSubmitted, DeadLetter
from wirewatch.runtime import Delivery, MessageRejected, Service, ServiceSettings, consume, durable_subscriber
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected


@pytest.fixture
async def flaky_service(nats_url: str, mongo_url: str, mongo_db_name: str):
    """A service whose handler fails on titles starting with "fail", rejects "reject", succeeds otherwise."""
    settings = ServiceSettings(
        nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, max_deliver=3, retry_delays=(0.05,)
    )
    service = Service("flaky", settings)
    attempts: dict[str, list[int]] = {}
    done: list[str] = []

    async def handle(article: ArticleSubmitted, delivery: Delivery) -> None:
        attempts.setdefault(article.title, []).append(delivery.num_delivered)
        if article.title.startswith("fail"):
            raise RuntimeError(f"cannot handle {article.title}")
        if article.title.startswith("reject"):
            raise MessageRejected("unsupported article")
        done.append(article.title)

    router = NatsRouter()

    @durable_subscriber(router, subject="articles.submit", stream=ARTICLES_STREAM, durable="flaky")
    async def on_msg(msg: NatsMessage) -> None:
        await consume(
            msg, ArticleSubmitted, handle, broker=service.broker, policy=service.policy, metrics=service.metrics
        )

    service.broker.include_router(router)
    await service.start()
    try:
        yield service, attempts, done
    finally:
        await service.stop()


async def _dead_letters(nc: NatsClient) -> list[DeadLetter]:
    letters: list[DeadLetter] = []

    async def on_msg(msg) -> None:
        letters.append(DeadLetter.model_validate_json(msg.data))

    await nc.subscribe("dlq.>", cb=on_msg)
    return letters


def _body(title: str) -> bytes:
    return ArticleSubmitted(title=title, submitted_at=datetime(2026, 1, 1, tzinfo=UTC)).model_dump_json().encode()


async def test_failing_message_is_retried_then_dead_lettered_and_others_flow(flaky_service, nats_client):
    service, attempts, done = flaky_service
    letters = await _dead_letters(nats_client)
    js = nats_client.jetstream()
    await js.publish("articles.submit", _body("fail once and for all"))
    await js.publish("articles.submit", _body("fine"))
    await eventually(lambda: letters and "fine" in done, what="dead letter and the next message")
    assert attempts["fail once and for all"] == [1, 2, 3]
    letter = letters[0]
    assert letter.service == "flaky"
    assert letter.num_delivered == 3
    assert letter.error_type == "RuntimeError"
    assert "cannot handle" in letter.error
    assert ArticleSubmitted.model_validate_json(letter.body).title == "fail once and for all"
    info = await js.consumer_info("ARTICLES", "flaky")
    assert info.num_pending == 0
    assert info.num_ack_pending == 0
    sample = service.registry.get_sample_value
    assert sample("wirewatch_dead_letters_total", {"service": "flaky", "reason": "failed"}) == 1
    assert sample("wirewatch_messages_total", {"service": "flaky", "outcome": "retried"}) == 2
    assert sample("wirewatch_messages_total", {"service": "flaky", "outcome": "ok"}) == 1


async def test_rejected_message_is_dead_lettered_without_retries(flaky_service, nats_client):
    _, attempts, _ = flaky_service
    letters = await _dead_letters(nats_client)
    await nats_client.jetstream().publish("articles.submit", _body("reject me"))
    await eventually(lambda: letters, what="dead letter")
    assert attempts["reject me"] == [1]
    assert letters[0].error_type == "MessageRejected"

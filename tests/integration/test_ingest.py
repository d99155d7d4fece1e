"""Ingest against a real nats-server and SecantusDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import (
    ARTICLES_INGESTED,
    ARTICLES_SUBMIT,
    ArticleIngested,
    ArticleSubmitted,
    DeadLetter,
)
from wirewatch.ingest.main import create_service
from wirewatch.ingest.settings import IngestSettings
from wirewatch.runtime import make_mongo_client
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected


def _submitted(**overrides: object) -> ArticleSubmitted:
    fields: dict[str, object] = {
        "url": "https://news.example/world/story-1?utm_source=rss",
        "title": "Azerbaijan launches military operation in Karabakh",
        "text": "Azerbaijan's defence ministry said on Tuesday it had begun anti-terrorist measures.",
        "published_at": datetime(2023, 9, 19, 10, 0, tzinfo=UTC),
        "source": "Example News",
        "submitted_at": datetime.now(UTC),
    }
    fields.update(overrides)
    return ArticleSubmitted.model_validate(fields)


@pytest.fixture
async def ingest(nats_url: str, mongo_url: str, mongo_db_name: str):
    service = create_service(
        IngestSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, retry_delays=(0.1,))
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


async def _collect(nc: NatsClient, subject: str) -> list[bytes]:
    received: list[bytes] = []

    async def on_msg(msg) -> None:
        received.append(msg.data)

    await nc.subscribe(subject, cb=on_msg)
    return received


async def test_article_is_stored_once_and_published_once(ingest, nats_client: NatsClient, mongo_url, mongo_db_name):
    published = await _collect(nats_client, ARTICLES_INGESTED)
    js = nats_client.jetstream()
    body = _submitted().model_dump_json().encode()
    await js.publish(ARTICLES_SUBMIT, body)
    await eventually(lambda: len(published) == 1, what="first publish")
    # Same article again, same URL spelt with other tracking parameters: stored once, nothing new published.
    again = _submitted(url="https://NEWS.example/world/story-1/?utm_medium=x").model_dump_json().encode()
    await js.publish(ARTICLES_SUBMIT, again)
    client = make_mongo_client(mongo_url)
    try:
        articles = client[mongo_db_name]["articles"]

        async def seen_twice() -> bool:
            doc = await articles.find_one({})
            return doc is not None and "file" not in doc["origins"] and doc.get("last_seen") != doc.get("first_seen")

        await eventually(seen_twice, what="second submission processed")
        assert await articles.count_documents({}) == 1
        doc = await articles.find_one({})
        assert doc is not None
        assert doc["revision"] == 1
        assert doc["canonical_url"] == "https://news.example/world/story-1"
    finally:
        await client.close()
    assert len(published) == 1
    message = ArticleIngested.model_validate_json(published[0])
    assert message.revision == 1
    assert message.source == "Example News"


async def test_changed_content_becomes_a_new_revision(ingest, nats_client: NatsClient):
    published = await _collect(nats_client, ARTICLES_INGESTED)
    js = nats_client.jetstream()
    await js.publish(ARTICLES_SUBMIT, _submitted().model_dump_json().encode())
    await eventually(lambda: len(published) == 1, what="first revision")
    revised = _submitted(text="UPDATED: Azerbaijan says the operation is over after a ceasefire.")
    await js.publish(ARTICLES_SUBMIT, revised.model_dump_json().encode())
    await eventually(lambda: len(published) == 2, what="second revision")
    first, second = (ArticleIngested.model_validate_json(b) for b in published)
    assert first.article_id == second.article_id
    assert (first.revision, second.revision) == (1, 2)
    assert "ceasefire" in second.text


async def test_undecodable_submission_goes_to_dead_letters_and_ingest_goes_on(ingest, nats_client: NatsClient):
    dead = await _collect(nats_client, "dlq.>")
    published = await _collect(nats_client, ARTICLES_INGESTED)
    js = nats_client.jetstream()
    await js.publish(ARTICLES_SUBMIT, b"{not json")
    await js.publish(ARTICLES_SUBMIT, json.dumps({"title": ""}).encode())
    await js.publish(ARTICLES_SUBMIT, _submitted().model_dump_json().encode())
    await eventually(lambda: len(dead) == 2 and len(published) == 1, what="two dead letters and one article")
    letters = [DeadLetter.model_validate_json(b) for b in dead]
    assert {letter.service for letter in letters} == {"ingest"}
    assert letters[0].body == "{not json"
    assert "json" in letters[0].error.lower()
    assert "title" in letters[1].error

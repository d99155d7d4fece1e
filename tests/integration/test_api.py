"""The api against a real nats-server and SecantusDB, driven over HTTP with its lifespan running."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from pydantic import SecretStr

from wirewatch.api.settings import ApiSettings
from wirewatch.contracts import (
    ARTICLES_STREAM,
    ARTICLES_SUBMIT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    ArticleSubmitted,
)
from wirewatch.ingest.main import create_service as create_ingest
from wirewatch.ingest.settings import IngestSettings
from wirewatch.testing import eventually

from .api_support import start_api

pytestmark = pytest.mark.connected

TOKEN = "test-token-123"
T0 = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)
ARTICLE = {
    "url": "https://www.tasnimnews.example/en/news/2023/09/19/azerbaijan-operation?utm_source=rss",
    "title": "Azerbaijan Launches New Military Operation in Nagorno-Karabakh",
    "text": "Azerbaijan's defence ministry said it had begun 'local anti-terrorist measures'.",
    "published_at": "2023-09-19T10:00:00+03:30",
    "source": "Tasnim",
    "lang": "en",
}


@pytest.fixture
async def api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, max_body_bytes=64 * 1024)
    async for client in start_api(settings):
        yield client


@pytest.fixture
async def guarded_api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, token=SecretStr(TOKEN))
    async for client in start_api(settings):
        yield client


async def _collect(nc: NatsClient, subject: str) -> list[Msg]:
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nc.subscribe(subject, cb=on_msg)
    await nc.flush()
    return received


def _fields(response: httpx.Response) -> list[list[Any]]:
    return [error["loc"] for error in response.json()["errors"]]


# articles


async def test_posted_article_is_published_for_ingest(api: httpx.AsyncClient, nats_client: NatsClient) -> None:
    received = await _collect(nats_client, ARTICLES_SUBMIT)
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    response = await api.post("/v1/articles", json=ARTICLE, headers={"traceparent": trace})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "accepted"
    assert len(body["id"]) == 24
    await eventually(lambda: len(received) == 1, what="submit message")
    message = ArticleSubmitted.model_validate_json(received[0].data)
    assert message.origin == "push"
    assert message.title == ARTICLE["title"]
    assert message.published_at == datetime(2023, 9, 19, 6, 30, tzinfo=UTC)
    assert (datetime.now(UTC) - message.submitted_at) < timedelta(seconds=30)
    headers = received[0].headers or {}
    assert headers[HEADER_MSG_ID].startswith("submit:")
    assert headers[HEADER_TRACEPARENT] == trace
    # The same article again is accepted with the same id, and JetStream drops the repeat by its Nats-Msg-Id.
    again = await api.post("/v1/articles", json=ARTICLE)
    assert again.json() == body
    info = await nats_client.jetstream().stream_info(ARTICLES_STREAM.name)
    assert info.state.messages == 1


async def test_batch_answers_one_id_per_article(api: httpx.AsyncClient, nats_client: NatsClient) -> None:
    received = await _collect(nats_client, ARTICLES_SUBMIT)
    batch = [ARTICLE, {"title": "Quake hits the coast", "published_at": "2024-01-01T08:00:00"}]
    response = await api.post("/v1/articles", json=batch)
    assert response.status_code == 202
    answers = response.json()
    assert [a["status"] for a in answers] == ["accepted", "accepted"]
    assert answers[0]["id"] != answers[1]["id"]
    await eventually(lambda: len(received) == 2, what="two submit messages")
    second = ArticleSubmitted.model_validate_json(received[1].data)
    assert second.published_at == datetime(2024, 1, 1, 8, 0, tzinfo=UTC)  # naive is UTC
    assert second.url is None


async def test_bad_requests_are_422_naming_the_field(api: httpx.AsyncClient, nats_client: NatsClient) -> None:
    received = await _collect(nats_client, ARTICLES_SUBMIT)
    malformed = await api.post("/v1/articles", content=b'{"title": ', headers={"content-type": "application/json"})
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["type"] == "json_invalid"
    missing = await api.post("/v1/articles", json={"text": "no title"})
    assert missing.status_code == 422
    assert _fields(missing) == [["body", "title"]]
    bad_date = await api.post("/v1/articles", json={**ARTICLE, "published_at": "19/09/2023"})
    assert _fields(bad_date) == [["body", "published_at"]]
    bad_url = await api.post("/v1/articles", json={**ARTICLE, "url": "file:///etc/passwd"})
    assert _fields(bad_url) == [["body", "url"]]
    in_batch = await api.post("/v1/articles", json=[ARTICLE, {"title": "  "}])
    assert _fields(in_batch) == [["body", 1, "title"]]
    assert "blank" in in_batch.json()["errors"][0]["msg"]
    empty_batch = await api.post("/v1/articles", json=[])
    assert _fields(empty_batch) == [["body"]]
    not_an_object = await api.post("/v1/articles", json="just a string")
    assert _fields(not_an_object) == [["body"]]
    no_body = await api.post("/v1/articles")
    assert no_body.status_code == 422
    not_json = await api.post("/v1/articles", content=b'{"title": "x"}', headers={"content-type": "text/plain"})
    assert _fields(not_json) == [["body"]]
    assert "JSON object" in not_json.json()["errors"][0]["msg"]
    # Nothing invalid reached the bus, not even the valid first article of the refused batch.
    await nats_client.flush()
    assert received == []


async def test_oversized_body_is_413(api: httpx.AsyncClient, nats_client: NatsClient) -> None:
    received = await _collect(nats_client, ARTICLES_SUBMIT)
    declared = await api.post("/v1/articles", json={"title": "big", "text": "x" * 70_000})
    assert declared.status_code == 413
    assert declared.headers["content-type"] == "application/problem+json"
    assert declared.json() == {
        "type": "https://wirewatch.dev/problems/body-too-large",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": f"request body larger than {64 * 1024} bytes",
    }

    async def chunks(count: int) -> AsyncIterator[bytes]:
        # Sent chunked, without a Content-Length: the limit must count the bytes as they come.
        yield b'{"title": "chunked", "text": "'
        for _ in range(count):
            yield b"y" * 1024
        yield b'"}'

    headers = {"content-type": "application/json"}
    assert (await api.post("/v1/articles", content=chunks(70), headers=headers)).status_code == 413
    small = await api.post("/v1/articles", content=chunks(8), headers=headers)
    assert small.status_code == 202
    await eventually(lambda: len(received) == 1, what="the small chunked article")
    assert len(ArticleSubmitted.model_validate_json(received[0].data).text) == 8 * 1024


async def test_article_is_readable_once_ingested(
    api: httpx.AsyncClient, nats_url, mongo_url, mongo_db_name, db
) -> None:
    ingest = create_ingest(IngestSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name))
    await ingest.start()
    try:
        accepted = (await api.post("/v1/articles", json=ARTICLE)).json()

        async def stored() -> bool:
            return (await api.get(f"/v1/articles/{accepted['id']}")).status_code == 200

        await eventually(stored, what="article stored under the id the api answered")
    finally:
        await ingest.stop()
    await db["articles"].update_one(
        {"_id": accepted["id"]},
        {
            "$set": {
                "enrichment": {"lang": "en", "countries": ["AZ"]},
                "dedupe": {"event_id": "evt_1", "decision": "new"},
            }
        },
    )
    article = (await api.get(f"/v1/articles/{accepted['id']}")).json()
    assert article["id"] == accepted["id"]
    assert article["canonical_url"] == "https://www.tasnimnews.example/en/news/2023/09/19/azerbaijan-operation"
    assert article["source"] == "Tasnim"
    assert article["enrichment"]["countries"] == ["AZ"]
    assert article["dedupe"] == {"event_id": "evt_1", "decision": "new"}
    assert "revisions" not in article
    assert "published_revision" not in article
    missing = await api.get("/v1/articles/0123456789abcdef01234567")
    assert missing.status_code == 404
    assert "0123456789abcdef01234567" in missing.json()["detail"]


# write token


async def test_writes_need_the_token_when_one_is_set(guarded_api: httpx.AsyncClient, db) -> None:
    hook = {"webhook_url": "https://hooks.example/hook"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = await guarded_api.post("/v1/subscriptions", json=hook, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert (await guarded_api.post("/v1/articles", json=ARTICLE, headers=headers)).status_code == 401
    assert await db["subscriptions"].count_documents({}) == 0
    auth = {"Authorization": f"Bearer {TOKEN}"}
    created = await guarded_api.post("/v1/subscriptions", json=hook, headers=auth)
    assert created.status_code == 201
    assert (await guarded_api.post("/v1/articles", json=ARTICLE, headers=auth)).status_code == 202
    sub_id = created.json()["subscription_id"]
    assert (await guarded_api.get(f"/v1/subscriptions/{sub_id}")).status_code == 200  # reads stay open
    assert (await guarded_api.delete(f"/v1/subscriptions/{sub_id}")).status_code == 401
    assert (await guarded_api.delete(f"/v1/subscriptions/{sub_id}", headers=auth)).status_code == 204


# events


def _event(event_id: str, minutes: int, countries: list[str], category: str) -> dict[str, Any]:
    return {
        "_id": event_id,
        "version": 1,
        "title": f"event {event_id}",
        "category": category,
        "countries": countries,
        "first_seen": T0,
        "last_seen": T0 + timedelta(minutes=minutes),
        "article_count": 1,
        "source_count": 1,
        "internal_note": "dedupe's own field, ignored",
    }


@pytest.fixture
async def events(db) -> list[str]:
    docs = [
        _event("evt_a", 10, ["AZ", "AM"], "conflict"),
        _event("evt_b", 20, ["UA"], "conflict"),
        _event("evt_c", 30, ["AM"], "politics"),
        _event("evt_d", 30, ["AZ"], "disaster"),  # same last_seen as evt_c: the cursor must not lose either
        _event("evt_e", 40, [], "other"),
    ]
    await db["events"].insert_many(docs)
    return [d["_id"] for d in docs]


async def test_events_newest_first_with_filters(api: httpx.AsyncClient, events: list[str]) -> None:
    page = (await api.get("/v1/events")).json()
    assert [e["event_id"] for e in page["events"]] == ["evt_e", "evt_d", "evt_c", "evt_b", "evt_a"]
    assert page["next_cursor"] is None
    assert "internal_note" not in page["events"][0]
    by_country = (await api.get("/v1/events", params={"country": "am"})).json()["events"]
    assert [e["event_id"] for e in by_country] == ["evt_c", "evt_a"]
    by_category = (await api.get("/v1/events", params={"category": "Conflict"})).json()["events"]
    assert [e["event_id"] for e in by_category] == ["evt_b", "evt_a"]
    both = (await api.get("/v1/events", params={"country": "AZ", "category": "conflict"})).json()["events"]
    assert [e["event_id"] for e in both] == ["evt_a"]
    before = (await api.get("/v1/events", params={"before": (T0 + timedelta(minutes=30)).isoformat()})).json()
    assert [e["event_id"] for e in before["events"]] == ["evt_b", "evt_a"]


async def test_events_pages_cover_everything_once(api: httpx.AsyncClient, events: list[str]) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    for _ in range(5):
        page = (await api.get("/v1/events", params=params)).json()
        assert len(page["events"]) <= 2
        seen += [e["event_id"] for e in page["events"]]
        if page["next_cursor"] is None:
            break
        params["before"] = page["next_cursor"]
    assert seen == ["evt_e", "evt_d", "evt_c", "evt_b", "evt_a"]


async def test_events_bad_parameters_are_422(api: httpx.AsyncClient, events: list[str]) -> None:
    assert _fields(await api.get("/v1/events", params={"limit": 0})) == [["query", "limit"]]
    assert _fields(await api.get("/v1/events", params={"limit": 201})) == [["query", "limit"]]
    assert _fields(await api.get("/v1/events", params={"country": "AZE"})) == [["query", "country"]]
    assert _fields(await api.get("/v1/events", params={"before": "garbage"})) == [["query", "before"]]


async def test_event_with_its_articles_and_404(api: httpx.AsyncClient, events: list[str], db) -> None:
    await db["articles"].insert_many(
        [
            {
                "_id": "art_old",
                "title": "Old",
                "source": "A",
                "url": "https://a.example/1",
                "published_at": T0,
                "text": "long body",
                "dedupe": {"event_id": "evt_a"},
            },
            {
                "_id": "art_new",
                "title": "New",
                "source": "B",
                "url": None,
                "published_at": T0 + timedelta(hours=1),
                "dedupe": {"event_id": "evt_a"},
            },
            {"_id": "art_elsewhere", "title": "Other", "dedupe": {"event_id": "evt_b"}},
        ]
    )
    event = (await api.get("/v1/events/evt_a")).json()
    assert event["event_id"] == "evt_a"
    assert event["countries"] == ["AZ", "AM"]
    assert [a["id"] for a in event["articles"]] == ["art_new", "art_old"]
    assert event["articles"][1] == {
        "id": "art_old",
        "title": "Old",
        "source": "A",
        "url": "https://a.example/1",
        "published_at": "2023-09-19T12:00:00Z",
        "lang": None,
        "joined_at": None,
        "decision": None,
        "duplicate_of": None,
        "scores": None,
    }
    missing = await api.get("/v1/events/evt_nope")
    assert missing.status_code == 404
    assert "evt_nope" in missing.json()["detail"]


# operations


async def test_health_readiness_and_metrics(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok", "service": "api"}
    ready = await api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"mongo": "ok", "nats": "ok"}
    await api.get("/v1/events/evt_nope")
    await api.get("/no/such/path")
    metrics = (await api.get("/metrics")).text
    assert 'wirewatch_api_requests_total{method="GET",route="/v1/events/{event_id}",status="404"} 1.0' in metrics
    assert 'route="unmatched"' in metrics
    assert "evt_nope" not in metrics
    openapi = json.loads((await api.get("/openapi.json")).text)
    assert "/v1/articles" in openapi["paths"]

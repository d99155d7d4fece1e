"""``wirewatch events|articles list|show`` and ``wirewatch status`` against the api as its own process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import AckPolicy, ConsumerConfig
from typer.testing import CliRunner, Result

from wirewatch.cli.main import app
from wirewatch.cli.stack import Stack
from wirewatch.contracts import ARTICLES_STREAM, search_terms
from wirewatch.runtime import free_port, make_mongo_client, provision_streams

pytestmark = [pytest.mark.connected, pytest.mark.slow]

T0 = datetime(2024, 2, 6, 12, 0, tzinfo=UTC)


async def _invoke(args: Sequence[str], env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={"COLUMNS": "200", **(env or {})})
    return await asyncio.to_thread(runner.invoke, app, list(args), catch_exceptions=False)


def _event(event_id: str, minutes: int, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": event_id,
        "version": 1,
        "title": f"event {event_id}",
        "category": "conflict",
        "countries": ["AZ"],
        "places": [{"name": "Stepanakert", "lat": 39.82, "lon": 46.75, "country": "AZ"}],
        "entities": ["Azerbaijan"],
        "keywords": [],
        "first_seen": T0,
        "last_seen": T0 + timedelta(minutes=minutes),
        "article_count": minutes,
        "source_count": 1,
    } | fields
    doc["search_terms"] = search_terms(doc["title"], doc["keywords"], doc["entities"], ["Stepanakert"])
    return doc


async def _seed(mongo_url: str, db_name: str) -> None:
    client = make_mongo_client(mongo_url)
    try:
        db = client[db_name]
        await db["events"].insert_many(
            [_event(f"ev_{n}", n) for n in range(1, 6)]
            + [_event("ev_quake", 9, title="Quake in Türkiye", countries=["TR"])]
        )
        decision = {
            "event_id": "ev_5",
            "decision": "join",
            "decided_at": T0,
            "event_version": 2,
            "scores": {"total": 0.7},
        }
        await db["articles"].insert_one(
            {"_id": "art_1", "title": "Shelling near Stepanakert", "text": "Long body. " * 100, "source": "Wire",
             "first_seen": T0, "lang": "en", "dedupe": decision}
        )  # fmt: skip
    finally:
        await client.close()


async def test_events_and_articles_from_the_terminal(
    api_stack: Stack, mongo_url: str, mongo_db_name: str, nats_url: str, nats_client: NatsClient
) -> None:
    await _seed(mongo_url, mongo_db_name)
    api = ["--api-url", api_stack.api_url or ""]

    listed = await _invoke(["events", "list", "--json", "--limit", "3", "--sort", "biggest", *api])
    assert listed.exit_code == 0, listed.output
    page = json.loads(listed.stdout)
    assert [e["event_id"] for e in page["events"]] == ["ev_quake", "ev_5", "ev_4"]
    rest = await _invoke(["events", "list", "--json", "--sort", "biggest", "--cursor", page["next_cursor"], *api])
    assert [e["event_id"] for e in json.loads(rest.stdout)["events"]] == ["ev_3", "ev_2", "ev_1"]
    # Pages are followed until --limit: a page size of 200 is not a ceiling.
    every = await _invoke(["events", "list", "--json", "--limit", "1000", *api])
    assert len(json.loads(every.stdout)["events"]) == 6
    filtered = await _invoke(
        [
            "events",
            "list",
            "--json",
            "-c",
            "az",
            "--near",
            "39.8,46.7,20",
            "--min-articles",
            "4",
            "-q",
            "stepanakert",
            *api,
        ]
    )
    assert [e["event_id"] for e in json.loads(filtered.stdout)["events"]] == ["ev_5", "ev_4"]
    folded = await _invoke(["events", "list", "--json", "-q", "turkiye", *api])
    assert [e["event_id"] for e in json.loads(folded.stdout)["events"]] == ["ev_quake"]
    table = await _invoke(["events", "list", "--limit", "2", *api])
    assert table.exit_code == 0
    assert "ev_quake" in table.stdout
    assert "--cursor" in table.stdout  # where to go on from

    shown = await _invoke(["events", "show", "ev_5", *api])
    assert shown.exit_code == 0, shown.output
    assert "Stepanakert" in shown.stdout
    assert "art_1" in shown.stdout
    assert "0.70" in shown.stdout  # the score that placed the article
    assert "Timeline" in shown.stdout
    shown_json = json.loads((await _invoke(["events", "show", "ev_5", "--json", *api])).stdout)
    assert shown_json["timeline"][0]["change"] == "joined"

    articles = await _invoke(["articles", "list", "--json", "--event", "ev_5", *api])
    assert [a["id"] for a in json.loads(articles.stdout)["articles"]] == ["art_1"]
    article = await _invoke(["articles", "show", "art_1", *api])
    assert article.exit_code == 0
    assert "Shelling near Stepanakert" in article.stdout
    assert "--full" in article.stdout

    # clear errors and exit codes
    bad = await _invoke(["events", "list", "--near", "39.8", *api])
    assert bad.exit_code == 1
    assert "near" in bad.stderr
    assert (await _invoke(["events", "list", "--sort", "loudest", *api])).exit_code == 2
    missing = await _invoke(["events", "show", "ev_none", *api])
    assert missing.exit_code == 1
    assert "404" in missing.stderr
    assert "ev_none" in missing.stderr

    # status: the api is ready, the other services are not running here; consumer lag from JetStream.
    await provision_streams(nats_client.jetstream())
    js = nats_client.jetstream()
    config = ConsumerConfig(durable_name="enrich", filter_subject="articles.ingested", ack_policy=AckPolicy.EXPLICIT)
    await js.add_consumer(ARTICLES_STREAM.name, config)
    for n in range(3):
        await js.publish("articles.ingested", f"{n}".encode())
    api_port = (api_stack.api_url or "").rsplit(":", 1)[1]
    env = {f"WIREWATCH_{svc.upper()}_PORT": str(free_port()) for svc in ("ingest", "enrich", "dedupe", "notify")}
    env["WIREWATCH_API_PORT"] = api_port
    status = await _invoke(["status", "--json", "--nats-url", nats_url, *api], env)
    assert status.exit_code == 1  # four services are not running
    report = json.loads(status.stdout)
    states = {s["name"]: s["state"] for s in report["services"]}
    assert states == {"api": "ready"} | dict.fromkeys(("ingest", "enrich", "dedupe", "notify"), "unreachable")
    lag = {(c["stream"], c["consumer"]): c["pending"] for c in report["consumers"]}
    assert lag[("ARTICLES", "enrich")] == 3
    assert [e["event_id"] for e in report["events"]][:1] == ["ev_quake"]
    assert report["feeds"] == {}
    screen = await _invoke(["status", "--nats-url", nats_url, *api], env)
    for part in ("Services", "JetStream consumers", "Feeds", "Recent events", "unreachable"):
        assert part in screen.stdout

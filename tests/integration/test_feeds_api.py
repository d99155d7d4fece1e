"""``/v1/feeds`` and ``wirewatch feeds``: the registry through the api, polled by ingest, health back out."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from typer.testing import CliRunner, Result

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.cli.main import app as cli_app
from wirewatch.cli.stack import Stack
from wirewatch.contracts import feed_id_for

from .feed_harness import feed_settings, hours_ago, running_ingest
from .feed_server import FeedServer, Route
from .test_feed_poller import RSS

pytestmark = pytest.mark.connected

TOKEN = "feeds-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, token=SecretStr(TOKEN))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield client


async def test_feeds_api_registers_feeds_that_ingest_polls_and_shows_their_health(
    api: httpx.AsyncClient, server: FeedServer, nats_url: str, mongo_url: str, mongo_db_name: str
):
    server.routes["/news.xml"] = Route(RSS.encode())
    url = server.url("/news.xml")
    body = {"url": url, "interval_seconds": 300, "source_name": "Local News"}

    assert (await api.post("/v1/feeds", json=body)).status_code == 401
    bad: list[dict[str, Any]] = [
        {"url": "ftp://example.com/feed"},
        {"url": "not a url"},
        {"url": url, "interval_seconds": 5},
        {"url": url, "interval_seconds": 7 * 86400},
        {"url": url, "colour": "blue"},
    ]
    for payload in bad:
        answer = await api.post("/v1/feeds", json=payload, headers=AUTH)
        assert answer.status_code == 422, payload
    created = await api.post("/v1/feeds", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    feed = created.json()
    assert feed["feed_id"] == feed_id_for(url)
    assert feed["health"]["last_fetch_at"] is None
    # The same feed spelt differently (host case, a fragment) is the same feed: a conflict.
    respelt = {"url": url.replace("127.0.0.1", "127.0.0.1".upper()) + "#top"}
    assert (await api.post("/v1/feeds", json=respelt, headers=AUTH)).status_code == 409

    # Ingest (sharing the database) polls it; its health shows through the api.
    async with running_ingest(feed_settings(nats_url, mongo_url, mongo_db_name)) as ingest:
        await ingest.poller.run_once()
    detail = (await api.get(f"/v1/feeds/{feed['feed_id']}")).json()
    assert detail["health"]["last_outcome"] == "ok"
    assert detail["health"]["items_seen"] == 2
    assert detail["health"]["last_success_at"] is not None
    assert detail["health"]["next_poll_at"] > detail["health"]["last_fetch_at"]
    assert "seen" not in detail
    assert "lease_owner" not in detail
    listed = (await api.get("/v1/feeds")).json()["feeds"]
    assert feed["feed_id"] in [f["feed_id"] for f in listed]

    assert (await api.delete(f"/v1/feeds/{feed['feed_id']}")).status_code == 401
    assert (await api.delete(f"/v1/feeds/{feed['feed_id']}", headers=AUTH)).status_code == 204
    assert (await api.get(f"/v1/feeds/{feed['feed_id']}")).status_code == 404
    assert (await api.delete(f"/v1/feeds/{feed['feed_id']}", headers=AUTH)).status_code == 404


async def _invoke(args: Sequence[str]) -> Result:
    runner = CliRunner(env={"COLUMNS": "220"})
    return await asyncio.to_thread(runner.invoke, cli_app, list(args), catch_exceptions=False)


@pytest.mark.slow
async def test_feeds_commands(api_stack: Stack, server: FeedServer, nats_url: str, mongo_url: str, mongo_db_name: str):
    api = ["--api-url", api_stack.api_url or ""]
    server.routes["/quiet.xml"] = Route(RSS.encode())
    server.routes["/broken.xml"] = Route(behaviour="status", status=503)
    quiet, broken = server.url("/quiet.xml"), server.url("/broken.xml")

    added = await _invoke(["feeds", "add", quiet, "--interval", "120", "--source-name", "Quiet Times", "--json", *api])
    assert added.exit_code == 0, added.output
    quiet_id = json.loads(added.stdout)["feed_id"]
    assert (await _invoke(["feeds", "add", broken, *api])).exit_code == 0
    too_fast = await _invoke(["feeds", "add", "https://example.com/rss", "--interval", "5", *api])
    assert too_fast.exit_code == 2  # refused by the CLI itself (usage)
    dup = await _invoke(["feeds", "add", quiet, *api])
    assert dup.exit_code == 1
    assert "already registered" in dup.stderr

    listed = await _invoke(["feeds", "list", *api])
    assert "Quiet Times" in listed.stdout
    assert quiet_id in listed.stdout
    fresh = await _invoke(["feeds", "status", "--json", *api])
    assert {f["state"] for f in json.loads(fresh.stdout)} == {"new"}

    async with running_ingest(feed_settings(nats_url, mongo_url, mongo_db_name)) as ingest:
        await ingest.poller.run_once()
        # The quiet feed's last new item was long ago: the next poll (a 304) finds it stale.
        await ingest.feeds.update_one({"_id": quiet_id}, {"$set": {"health.last_new_item_at": hours_ago(30)}})
        await ingest.make_due()
        await ingest.poller.run_once()

    status = await _invoke(["feeds", "status", "--json", *api])
    assert status.exit_code == 0, status.output
    states = {f["url"]: f for f in json.loads(status.stdout)}
    assert states[quiet]["state"] == "stale"
    assert states[broken]["state"] == "failing"
    assert states[broken]["health"]["last_error"] == "HTTP 503 Service Unavailable"
    assert states[broken]["health"]["consecutive_failures"] == 2
    table = await _invoke(["feeds", "status", *api])
    assert "HTTP 503 Service Unavailable" in table.stdout
    assert "stale" in table.stdout
    assert "1 failing, 1 stale" in table.stdout
    one = await _invoke(["feeds", "status", quiet_id, "--json", *api])
    assert [f["feed_id"] for f in json.loads(one.stdout)] == [quiet_id]

    assert (await _invoke(["feeds", "remove", quiet_id, *api])).exit_code == 0
    gone = await _invoke(["feeds", "remove", quiet_id, *api])
    assert gone.exit_code == 1
    assert "404" in gone.stderr
    unreachable = await _invoke(["feeds", "list", "--api-url", "http://127.0.0.1:9"])
    assert unreachable.exit_code == 3

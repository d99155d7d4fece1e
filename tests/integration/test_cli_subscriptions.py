"""``wirewatch subscriptions ...`` against the real api (in-process uvicorn) on the real nats-server and SecantusDB."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import uvicorn
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from typer.testing import CliRunner, Result

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.cli.main import app
from wirewatch.contracts import DELIVERY_REPLAYS, ReplayRequested
from wirewatch.runtime import free_port
from wirewatch.testing import eventually

from .notify_support import Db

pytestmark = pytest.mark.connected


@pytest.fixture
async def api_url(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[str]:
    port = free_port()
    settings = ApiSettings(
        nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, webhook_allow_addresses=["127.0.0.1"]
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, what="api started")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def _invoke(args: Sequence[str]) -> Result:
    runner = CliRunner(env={"COLUMNS": "200"})
    return await asyncio.to_thread(runner.invoke, app, list(args), catch_exceptions=False)


async def test_add_with_every_filter_show_rotate_and_enable(api_url: str, db: Db) -> None:
    api = ["--api-url", api_url]
    added = await _invoke(
        ["subscriptions", "add", "--url", "http://127.0.0.1:9/hook", "--country", "az", "--category", "conflict",
         "--event-type", "battles", "--entity", "Armenia", "--keyword", "ceasefire", "--language", "en",
         "--change", "created", "--near", "39.8,46.75,100", "--min-articles", "2", "--min-sources", "2",
         "--json", *api]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    created = json.loads(added.stdout)
    assert created["secret"].startswith("whsec_")
    filters = created["filters"]
    assert filters["near"] == {"lat": 39.8, "lon": 46.75, "radius_km": 100.0}
    assert (filters["event_types"], filters["languages"], filters["min_sources"]) == (["battles"], ["en"], 2)
    sub_id = created["subscription_id"]

    shown = await _invoke(["subscriptions", "show", sub_id, *api])
    assert json.loads(shown.stdout)["filters"]["entities"] == ["Armenia"]
    assert "whsec_" not in shown.stdout

    rotated = await _invoke(["subscriptions", "rotate-secret", sub_id, "--overlap", "600", "--json", *api])
    assert rotated.exit_code == 0, rotated.output
    assert json.loads(rotated.stdout)["secret"] not in (created["secret"], None)

    await db["subscriptions"].update_one(
        {"_id": sub_id}, {"$set": {"enabled": False, "disabled_reason": "endpoint answered 410 Gone"}}
    )
    listed = await _invoke(["subscriptions", "list", *api])
    assert "no: endpoint answered 410 Gone" in listed.stdout
    enabled = await _invoke(["subscriptions", "enable", sub_id, *api])
    assert enabled.exit_code == 0, enabled.output
    assert "yes" in (await _invoke(["subscriptions", "list", *api])).stdout


async def test_nats_target_and_usage_errors(api_url: str) -> None:
    api = ["--api-url", api_url]
    added = await _invoke(["subscriptions", "add", "--nats-target", "ops", *api])
    assert added.exit_code == 0, added.output
    assert "notify.out.ops" in added.stdout
    for args, message in (
        (["--url", "http://127.0.0.1:9/x", "--nats-target", "ops"], "exactly one target"),
        ([], "exactly one target"),
        (["--url", "http://127.0.0.1:9/x", "--near", "39.8,46.75"], "lat,lon,radius_km"),
    ):
        result = await _invoke(["subscriptions", "add", *args, *api])
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    refused = await _invoke(["subscriptions", "add", "--url", "http://127.0.0.1:9/x", "--language", "English", *api])
    assert refused.exit_code == 1
    assert "languages" in refused.stderr
    assert (await _invoke(["subscriptions", "replay", "sub_x", *api])).exit_code == 2


async def test_deliveries_and_replays(api_url: str, db: Db, nats_client: NatsClient) -> None:
    api = ["--api-url", api_url]
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nats_client.subscribe(DELIVERY_REPLAYS, cb=on_msg)
    created = json.loads(
        (await _invoke(["subscriptions", "add", "--url", "http://127.0.0.1:9/x", "--json", *api])).stdout
    )
    sub_id = created["subscription_id"]
    now = datetime.now(UTC)
    attempt = {"at": now, "status_code": 500, "latency_ms": 42.0, "error": "HTTP 500", "response_snippet": "boom"}
    await db["deliveries"].insert_many(
        [
            {"_id": "msg_dead", "subscription_id": sub_id, "event_id": "evt_1", "event_version": 1,
             "change": "created", "status": "dead", "dead_reason": "gave up after 8 attempts: HTTP 500",
             "attempts": [attempt] * 8, "created_at": now},
            {"_id": "msg_ok", "subscription_id": sub_id, "event_id": "evt_2", "event_version": 3,
             "change": "updated", "status": "delivered", "attempts": [{**attempt, "status_code": 200, "error": None}],
             "created_at": now - timedelta(minutes=1)},
        ]
    )  # fmt: skip
    table = await _invoke(["subscriptions", "deliveries", sub_id, *api])
    assert table.exit_code == 0, table.output
    assert "msg_dead" in table.stdout
    assert "gave up after 8 attempts" in table.stdout
    assert "HTTP 200 in 42 ms" in table.stdout
    dead = json.loads(
        (await _invoke(["subscriptions", "deliveries", sub_id, "--status", "dead", "--json", *api])).stdout
    )
    assert [d["webhook_id"] for d in dead] == ["msg_dead"]
    assert len(dead[0]["attempts"]) == 8

    one = await _invoke(["subscriptions", "replay", "--delivery", "msg_dead", *api])
    assert one.exit_code == 0, one.output
    assert "accepted" in one.stdout
    since = (now - timedelta(hours=1)).isoformat()
    span = await _invoke(["subscriptions", "replay", sub_id, "--since", since, *api])
    assert span.exit_code == 0, span.output
    await eventually(lambda: len(received) == 2, what="two replay requests")
    requests: list[Any] = [ReplayRequested.model_validate_json(m.data) for m in received]
    assert requests[0].webhook_id == "msg_dead"
    assert requests[1].since is not None
    missing = await _invoke(["subscriptions", "replay", "--delivery", "msg_nope", *api])
    assert missing.exit_code == 1
    assert "404" in missing.stderr

"""/v1/stream: server-sent events over a real HTTP server, fed by the real nats-server, filtered like subscriptions."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from nats.aio.client import Client as NatsClient
from prometheus_client import CollectorRegistry

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.api.stream import EventHub
from wirewatch.contracts import SubscriptionFilter
from wirewatch.runtime import free_port
from wirewatch.testing import eventually

from .notify_support import changed_event, publish_event

pytestmark = pytest.mark.connected


@pytest.fixture
async def api_url(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[str]:
    """The api served by uvicorn on 127.0.0.1 (ASGITransport would buffer a streaming response)."""
    port = free_port()
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, stream_heartbeat=0.5)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started, what="api started")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def _events(response: httpx.Response, found: list[dict[str, Any]]) -> None:
    """Parse SSE frames into dicts of their fields until the stream ends."""
    frame: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if not line:
            if frame:
                found.append(frame)
            frame = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            frame[key] = value


async def test_stream_sends_only_matching_events(api_url: str, nats_client: NatsClient) -> None:
    found: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=api_url, timeout=10) as client:
        params = {"countries": "AZ,AM", "min_sources": "2", "near": "39.8,46.75,100"}
        async with client.stream("GET", "/v1/stream", params=params) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            reader = asyncio.create_task(_events(response, found))
            await eventually(lambda: found, what="the stream's opening frame")  # the retry: frame
            place = {"name": "Stepanakert", "lat": 39.82, "lon": 46.75, "country": "AZ"}
            await publish_event(nats_client, changed_event(event_id="evt_az", places=[place]))
            await publish_event(nats_client, changed_event(event_id="evt_fr", country="FR", places=[place]))
            await publish_event(nats_client, changed_event(event_id="evt_far", places=[{**place, "lat": 45.0}]))
            await publish_event(
                nats_client, changed_event(event_id="evt_az", version=2, change="updated", places=[place])
            )
            await eventually(lambda: len(found) >= 3, what="two matching events")
            await asyncio.sleep(0.8)  # a heartbeat passes; nothing else may arrive
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
    events = [f for f in found if "data" in f]
    assert [e["id"] for e in events] == ["evt_az:1", "evt_az:2"]
    assert [e["event"] for e in events] == ["event.created", "event.updated"]
    assert json.loads(events[1]["data"])["event"]["version"] == 2


async def test_bad_stream_filters_are_422(api_url: str) -> None:
    async with httpx.AsyncClient(base_url=api_url, timeout=10) as client:
        for params, loc in (
            ({"countries": "Azerbaijan"}, ["query", "countries"]),
            ({"near": "39.8,46.75"}, ["query", "near"]),
            ({"near": "39.8,46.75,-5"}, ["query", "near", "radius_km"]),
            ({"min_articles": "many"}, ["query", "min_articles"]),
            ({"country": "AZ"}, ["query", "country"]),
        ):
            response = await client.get("/v1/stream", params=params)
            assert response.status_code == 422, params
            assert [e["loc"] for e in response.json()["errors"]] == [loc], params


async def test_a_slow_client_is_dropped_with_a_reason_and_others_keep_going(nats_client: NatsClient) -> None:
    registry = CollectorRegistry()
    hub = EventHub(lambda: nats_client, queue_size=3, max_clients=10, registry=registry)
    slow = await hub.join(SubscriptionFilter())
    picky = await hub.join(SubscriptionFilter(countries=["FR"]))
    # Core NATS publishes (no streams here): the hub listens to live messages, as it does to JetStream's.
    for version in range(1, 6):
        await nats_client.publish(
            "events.created.conflict.AZ", changed_event(version=version).model_dump_json().encode()
        )
    fr = changed_event(event_id="evt_fr", country="FR")
    await nats_client.publish("events.created.conflict.FR", fr.model_dump_json().encode())
    await eventually(lambda: slow.close_reason, what="slow client dropped")
    assert slow.close_reason == "client too slow: 3 events waiting"
    assert slow.queue.qsize() == 1  # only the close marker
    assert hub.clients == 1
    assert registry.get_sample_value("wirewatch_api_stream_dropped_total", {"reason": "slow"}) == 1
    await eventually(lambda: picky.queue.qsize() == 1, what="the other client's event")
    assert "evt_fr" in str(picky.queue.get_nowait())
    await hub.close()
    assert picky.close_reason == "the server is shutting down"

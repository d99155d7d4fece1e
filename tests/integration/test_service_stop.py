"""A service stopped right after it started (as every api test does) stops at once.

Regression test for the 120 s api test teardowns: stop() raced the first consumer-lag refresh, nats-py's request
(on Python 3.11's wait_for) swallowed the cancellation and the refresh loop slept on. Before the fix about one
stop in three here took the full bound of that shutdown step (2 s); now none does.
"""

from __future__ import annotations

import time

import httpx
import pytest

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings

pytestmark = pytest.mark.connected

ROUNDS = 10
# Far above a normal stop (~10 ms) and below the consumer-lag step's 2 s bound that a lost cancellation runs into.
STOP_LIMIT = 1.5


async def test_a_service_stops_at_once_even_during_its_first_refresh(nats_url: str, mongo_url: str, mongo_db_name: str):
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name)
    stops: list[float] = []
    for _ in range(ROUNDS):
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                assert (await client.get("/readyz")).status_code == httpx.codes.OK
            stopping = time.monotonic()
        stops.append(time.monotonic() - stopping)
    assert max(stops) < STOP_LIMIT, [round(seconds, 2) for seconds in stops]

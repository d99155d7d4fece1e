"""``wirewatch loadtest`` against a real api: the driver's numbers are real, and the command reads a given api."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from typer.testing import CliRunner

from wirewatch.cli.loadtest_driver import drive, read_endpoints
from wirewatch.cli.loadtest_seed import seed_database
from wirewatch.cli.main import app
from wirewatch.cli.stack import Stack

pytestmark = [pytest.mark.connected, pytest.mark.slow]


async def test_a_few_seconds_of_load_give_real_numbers_and_no_errors(
    api_stack: Stack, db: AsyncDatabase[dict[str, Any]]
) -> None:
    seeded = await seed_database(db, 60)
    assert seeded.articles == 60
    assert 0 < seeded.events <= 60
    events = [d["_id"] async for d in db["events"].find({}, {"_id": 1}).limit(50)]
    articles = [d["_id"] async for d in db["articles"].find({}, {"_id": 1}).limit(50)]
    assert api_stack.api_url is not None
    endpoints = read_endpoints(events, articles, now=datetime.now(UTC))
    result = await drive(api_stack.api_url, endpoints, concurrency=4, duration=2.0)
    assert result.requests > 0
    assert result.errors == 0, [(e.name, e.error_example) for e in result.endpoints if e.errors]
    for endpoint in result.endpoints:
        assert endpoint.requests > 0, endpoint.name
        assert endpoint.percentile(99) >= endpoint.percentile(50) > 0, endpoint.name
    report = result.as_dict()
    assert report["requests_per_s"] > 0
    assert {e["name"] for e in report["endpoints"]} >= {"GET /v1/events", "GET /v1/events/{id}", "GET /healthz"}


async def test_the_command_loads_a_given_api_and_prints_json(
    api_stack: Stack, db: AsyncDatabase[dict[str, Any]]
) -> None:
    await seed_database(db, 30)
    assert api_stack.api_url is not None
    args = ["loadtest", "--api", api_stack.api_url, "--duration", "2", "--concurrency", "2", "--json"]
    outcome = await asyncio.to_thread(CliRunner().invoke, app, args)
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.output)
    (phase,) = report["phases"]
    assert phase["phase"] == "api alone"
    assert phase["requests"] > 0
    assert phase["errors"] == 0
    assert report["verdict"]["responsive"] is True

"""Fixtures shared by the integration tests (the servers themselves come from the wirewatch.testing plugin)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.cli.stack import Stack
from wirewatch.runtime import make_mongo_client


@pytest.fixture
async def db(mongo_url: str, mongo_db_name: str) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """This test's database, for seeding and for checking what the services stored."""
    client = make_mongo_client(mongo_url)
    try:
        yield client[mongo_db_name]
    finally:
        await client.close()


@pytest.fixture
async def api_stack(nats_url: str, mongo_url: str, mongo_db_name: str, tmp_path: Path) -> AsyncIterator[Stack]:
    """The api as its own process (what the CLI talks to), on a free port, against this test's servers."""
    stack = Stack(
        tmp_path / "state",
        services=["api"],
        ports={"api": 0},
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=mongo_db_name,
    )
    await asyncio.to_thread(stack.start)
    try:
        yield stack
    finally:
        await asyncio.to_thread(stack.stop)

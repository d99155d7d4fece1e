"""pytest plugin: a real nats-server and SecantusDB for the test session, or existing ones by URL.

Options: ``--nats-url`` and ``--mongo-url`` point at running servers instead of starting throwaway ones.
Each test gets a clean JetStream (streams deleted, so durables replay nothing from an earlier test) and a
database of its own.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError

from wirewatch.runtime import EmbeddedMongo, EmbeddedNats, free_port, make_mongo_client

from ._webhooks import WebhookReceiver


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wirewatch")
    group.addoption("--nats-url", default=os.environ.get("WIREWATCH_TEST_NATS_URL"), help="use this NATS server")
    group.addoption("--mongo-url", default=os.environ.get("WIREWATCH_TEST_MONGO_URL"), help="use this MongoDB")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared real-world data (``WIREWATCH_DATA_DIR``, default ``../shared/data``); skips when absent."""
    root = Path(os.environ.get("WIREWATCH_DATA_DIR", Path(__file__).resolve().parents[6] / "shared" / "data"))
    if not root.is_dir():
        pytest.skip(f"shared data not found at {root}: set WIREWATCH_DATA_DIR")
    return root


@pytest.fixture(scope="session")
def nats_server_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := request.config.getoption("--nats-url"):
        yield url
        return
    root = tmp_path_factory.mktemp("nats")
    server = EmbeddedNats(root / "data", free_port(), free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mongo_server_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := request.config.getoption("--mongo-url"):
        yield url
        return
    root = tmp_path_factory.mktemp("mongo")
    server = EmbeddedMongo(root / "data", free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
async def nats_url(nats_server_url: str) -> str:
    """The NATS URL with every JetStream stream deleted first, so each test starts from an empty bus."""
    nc = await nats.connect(nats_server_url)
    js = nc.jetstream()
    try:
        for name in await js.streams_info():
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name.config.name or "")
    finally:
        await nc.close()
    return nats_server_url


@pytest.fixture
async def nats_client(nats_url: str) -> AsyncIterator[NatsClient]:
    nc = await nats.connect(nats_url)
    try:
        yield nc
    finally:
        await nc.close()


@pytest.fixture
def mongo_db_name() -> str:
    """A database name of this test's own."""
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def mongo_url(mongo_server_url: str, mongo_db_name: str) -> AsyncIterator[str]:
    """The MongoDB URL; the test's own database is dropped afterwards."""
    yield mongo_server_url
    client = make_mongo_client(mongo_server_url)
    try:
        await client.drop_database(mongo_db_name)
    finally:
        await client.close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()

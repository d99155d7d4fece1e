"""One whole stack for the fault tests, with servers of its own (they are restarted, so never the session's).

Sizes come from the environment: ``WIREWATCH_CHAOS_ARTICLES`` (default 200, small enough for ``make test``;
``make chaos`` uses 5000), ``WIREWATCH_CHAOS_RATE`` (submissions per second, default 60) and
``WIREWATCH_CHAOS_OUTAGE_SECONDS`` (default 30). ``WIREWATCH_CHAOS_REPORT`` names a JSON file that collects what
each test measured (recovery times, losses) for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.aio.client import Client as NatsClient
from pymongo import AsyncMongoClient

from wirewatch.cli.faults import StackFaults
from wirewatch.cli.stack import Stack
from wirewatch.contracts import SubscriptionFilter
from wirewatch.runtime import make_mongo_client
from wirewatch.testing import WebhookReceiver

from .feeder import quiet_nats_error
from .ledger import Ledger

ARTICLES = int(os.environ.get("WIREWATCH_CHAOS_ARTICLES", "200"))
RATE = float(os.environ.get("WIREWATCH_CHAOS_RATE", "60"))
OUTAGE_SECONDS = float(os.environ.get("WIREWATCH_CHAOS_OUTAGE_SECONDS", "30"))
REPORT = os.environ.get("WIREWATCH_CHAOS_REPORT")
# Every wait is bounded and scales with the size. Settling fails early when the pipeline stops moving (see
# Ledger.wait_settled); the overall bounds allow a shared, loaded machine about one article per second.
SETTLE_TIMEOUT = 120.0 + ARTICLES * 1.0
TEST_TIMEOUT = int(300 + ARTICLES * 1.5)

# Receiver path -> subscription filter: everything, a few countries, well-covered events, one keyword.
SUBSCRIPTIONS: dict[str, dict[str, Any]] = {
    "/all": {},
    "/countries": {"countries": ["KE", "PE", "JP", "DE"]},
    "/covered": {"min_sources": 2},
    "/quakes": {"keywords": ["earthquake"]},
}


@dataclass
class ChaosRun:
    stack: Stack
    faults: StackFaults
    receiver: WebhookReceiver
    mongo: AsyncMongoClient[dict[str, Any]]
    nc: NatsClient
    subscriptions: dict[str, tuple[str, SubscriptionFilter]] = field(default_factory=dict)
    expected_urls: set[str] = field(default_factory=set)
    poison: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def nats_url(self) -> str:
        return self.stack.nats_url

    @property
    def api_url(self) -> str:
        assert self.stack.api_url is not None
        return self.stack.api_url

    def ledger(self) -> Ledger:
        return Ledger(self.mongo[self.stack.mongo_db], self.nc, self.receiver, self.subscriptions)

    def record(self, test: str, measured: dict[str, Any]) -> None:
        """Add what a test measured to the report file (when one is asked for) and to the test output."""
        print(f"\n{test}: {json.dumps(measured, default=str)}")
        if not REPORT:
            return
        path = Path(REPORT)
        report = json.loads(path.read_text()) if path.is_file() else {}
        report[test] = {"articles": ARTICLES, "rate": RATE, **measured}
        path.write_text(json.dumps(report, indent=2, default=str))


async def _subscribe(run: ChaosRun) -> None:
    async with httpx.AsyncClient(base_url=run.api_url, timeout=10) as api:
        for path, filters in SUBSCRIPTIONS.items():
            body = {"webhook_url": run.receiver.url(path), "name": f"chaos{path.replace('/', '-')}", "filters": filters}
            response = await api.post("/v1/subscriptions", json=body)
            assert response.status_code == 201, response.text
            run.subscriptions[path] = (response.json()["subscription_id"], SubscriptionFilter.model_validate(filters))
    # Notify trusts its copy of the subscriptions for a couple of seconds; the first events must see these.
    await asyncio.sleep(2.5)


@pytest.fixture(scope="module")
async def chaos(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ChaosRun]:
    stack = Stack.on_free_ports(
        tmp_path_factory.mktemp("chaos") / "state",
        mongo_db="chaos",
        extra_env={
            "WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]',
            "WIREWATCH_NOTIFY_DELIVERY_SCHEDULE": "[0, 0.5, 1, 2]",
            "WIREWATCH_API_WRITE_RATE_PER_MINUTE": "0",
        },
        ready_timeout=120.0,
        stop_grace=10.0,
    )
    receiver = WebhookReceiver().start()
    await asyncio.to_thread(stack.start)
    mongo = make_mongo_client(stack.mongo_url)
    nc = await nats.connect(
        stack.nats_url,
        name="chaos-ledger",
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        error_cb=quiet_nats_error,
    )
    try:
        run = ChaosRun(stack, StackFaults(stack, recovery_timeout=120.0), receiver, mongo, nc)
        await _subscribe(run)
        yield run
    finally:
        await nc.close()
        await mongo.close()
        await asyncio.to_thread(stack.stop)
        receiver.stop()

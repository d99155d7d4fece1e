"""Every service, started in-process against the real servers, serves a /metrics that parses and carries its
catalogue entries, including the database latency and its consumers' pending / ack-pending gauges."""

from __future__ import annotations

import asyncio
import importlib
import shutil
import subprocess
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from wirewatch.runtime.metric_catalogue import ALL_SERVICES, for_service
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected

# The durable consumers each service owns; the api consumes nothing.
CONSUMERS = {"ingest": {"ingest"}, "enrich": {"enrich"}, "dedupe": {"dedupe"}, "notify": {"notify"}, "api": set()}


def build_app(service: str, nats_url: str, mongo_url: str, mongo_db: str) -> Any:
    main: Any = importlib.import_module(f"wirewatch.{service}.main")
    settings_module: Any = importlib.import_module(f"wirewatch.{service}.settings")
    settings_class = next(
        value
        for name, value in vars(settings_module).items()
        if name.endswith("Settings") and name != "ServiceSettings"
    )
    options: dict[str, Any] = {"nats_url": nats_url, "mongo_url": mongo_url, "mongo_db": mongo_db}
    return main.create_app(settings_class(**options))


def samples(text: str) -> dict[str, list[Any]]:
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


@pytest.mark.parametrize("service", sorted(ALL_SERVICES))
async def test_a_running_service_serves_its_catalogue(service: str, nats_url: str, mongo_url: str, mongo_db_name: str):
    app = build_app(service, nats_url, mongo_url, mongo_db_name)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:

            async def scraped() -> str | None:
                text = (await client.get("/metrics")).text
                found = samples(text)
                pending = {s.labels.get("consumer") for s in found.get("wirewatch_consumer_pending", [])}
                return text if pending >= CONSUMERS[service] else None

            text = str(await eventually(scraped, timeout=10, what=f"{service} consumer gauges"))
    found = samples(text)
    assert {spec.name for spec in for_service(service)} <= set(found)
    # Startup created indexes (the api, ingest...) or pinged: the command listener saw the database.
    db_counts = [s for s in found["wirewatch_db_operation_seconds"] if s.name.endswith("_count") and s.value > 0]
    if service != "enrich":  # enrich writes only when an article arrives
        assert db_counts, "no database command observed"
    assert all(s.labels["service"] == service for s in found["wirewatch_consumer_pending"])
    promtool = shutil.which("promtool")
    if promtool is not None:
        checked = await asyncio.to_thread(
            subprocess.run, [promtool, "check", "metrics"], check=False, input=text, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr

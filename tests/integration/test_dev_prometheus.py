"""`wirewatch dev`'s Prometheus: started against a running api, it scrapes it (target up in its HTTP API), loads
deploy/prometheus's alert rules, and leaves no process behind."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from wirewatch.cli.dev_prometheus import DevPrometheus, deploy_prometheus_dir
from wirewatch.cli.stack import Stack
from wirewatch.testing import eventually

pytestmark = [
    pytest.mark.connected,
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("prometheus") is None, reason="prometheus not installed (apt-get install prometheus)"
    ),
]


def rule_names(rules_dir: Path) -> set[str]:
    return {
        rule["alert"]
        for path in rules_dir.glob("*.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }


async def test_dev_prometheus_scrapes_the_running_api_with_the_deploy_rules(api_stack: Stack, tmp_path: Path):
    deploy = deploy_prometheus_dir()
    assert deploy is not None
    prometheus = DevPrometheus(
        tmp_path, {"api": api_stack.endpoints["api"].port}, port=0, scrape_interval=1, rules_dir=deploy / "rules"
    )
    await asyncio.to_thread(prometheus.start)
    try:
        assert prometheus.pid is not None
        assert prometheus.data_dir.is_dir()  # storage under the dev state directory
        async with httpx.AsyncClient(base_url=prometheus.url, timeout=2) as client:

            async def api_target_up() -> dict[str, Any] | None:
                targets = (await client.get("/api/v1/targets")).json()["data"]["activeTargets"]
                return next((t for t in targets if t["labels"]["job"] == "api" and t["health"] == "up"), None)

            # Prometheus hands discovered targets to the scrape loop at most every 5 s, then scrapes every 1 s.
            target: Any = await eventually(api_target_up, timeout=30, what="the api target up in Prometheus")
            assert target["scrapeUrl"] == f"{api_stack.endpoints['api'].metrics_url}"
            groups = (await client.get("/api/v1/rules")).json()["data"]["groups"]
            loaded = {rule["name"] for group in groups for rule in group["rules"]}
            assert loaded == rule_names(deploy / "rules")
            series = await client.get("/api/v1/query", params={"query": 'up{job="api"}'})
            assert series.json()["data"]["result"][0]["value"][1] == "1"
    finally:
        await asyncio.to_thread(prometheus.stop)
    assert prometheus.process is not None
    assert prometheus.process.process is not None
    assert prometheus.process.process.returncode is not None  # stopped by pid and reaped

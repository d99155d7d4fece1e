"""The dev Stack: real child processes, started and stopped by pid, none left behind."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from wirewatch.cli.stack import SERVICES, Stack, StackError
from wirewatch.contracts import ALL_STREAMS
from wirewatch.runtime import make_mongo_client, port_is_free
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected

REPO = Path(__file__).resolve().parents[2]


def services_in_tree() -> list[str]:
    """The services written so far: the test follows the tree instead of assuming all five exist."""
    return [
        name
        for name in SERVICES
        if (REPO / "services" / name / "src" / "wirewatch" / name / "main.py").is_file()
        and (REPO / "services" / name / "src" / "wirewatch" / name / "__main__.py").is_file()
    ]


def alive(pid: int) -> bool:
    """True while the pid exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with_children = (task / "children").read_text().split()
        found.update(int(child) for child in with_children)
    return found


@pytest.mark.slow
async def test_stack_runs_the_services_in_the_tree_and_leaves_no_process(
    nats_url: str, mongo_url: str, mongo_db_name: str, tmp_path: Path
):
    services = services_in_tree()
    stack = Stack(
        tmp_path / "state",
        services=services,
        ports=dict.fromkeys(services, 0),
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=mongo_db_name,
        extra_env={"WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]'},
    )
    assert stack.nats is None
    assert stack.mongo is None
    await asyncio.to_thread(stack.start)
    try:
        pids = stack.pids()
        assert set(pids) == set(services)
        assert all(alive(pid) for pid in pids.values())
        async with httpx.AsyncClient() as client:
            for name, endpoint in stack.endpoints.items():
                ready = await client.get(f"{endpoint.url}/readyz")
                assert ready.status_code == 200, (name, ready.text)
                metrics = await client.get(endpoint.metrics_url)
                assert metrics.status_code == 200
        assert all((stack.log_dir / f"{name}.log").is_file() for name in services)
    finally:
        await asyncio.to_thread(stack.stop)
    assert not [name for name, pid in pids.items() if alive(pid)]
    assert all(port_is_free(endpoint.port) for endpoint in stack.endpoints.values())
    assert stack.exited_services() == {}  # stopped on purpose: not reported as crashes


@pytest.mark.slow
async def test_stack_with_its_own_servers_provisions_streams_and_stops_everything(tmp_path: Path):
    stack = Stack(
        tmp_path / "state", services=["ingest"], ports={"ingest": 0}, nats_port=0, nats_monitor_port=0, mongo_port=0
    )
    await asyncio.to_thread(stack.start)
    try:
        pids = stack.pids()
        assert set(pids) == {"nats-server", "secantusdb", "ingest"}
        nc = await nats.connect(stack.nats_url)
        try:
            js = nc.jetstream()
            names = {info.config.name for info in await js.streams_info()}
        finally:
            await nc.close()
        assert names == {definition.name for definition in ALL_STREAMS}
        assert (tmp_path / "state" / "nats").is_dir()
        assert (tmp_path / "state" / "logs" / "nats.log").is_file()
    finally:
        await asyncio.to_thread(stack.stop)
    assert not [name for name, pid in pids.items() if alive(pid)]


async def test_a_service_that_dies_is_named_with_the_tail_of_its_log(nats_url: str, mongo_url: str, tmp_path: Path):
    stack = Stack(
        tmp_path / "state",
        services=["ingest"],
        ports={"ingest": 0},
        nats_url=nats_url,
        mongo_url=mongo_url,
        extra_env={"WIREWATCH_INGEST_MAX_DELIVER": "0"},  # invalid: the service refuses to start
    )
    with pytest.raises(StackError) as failure:
        await asyncio.to_thread(stack.start)
    message = str(failure.value)
    assert "service ingest exited with code" in message
    assert "max_deliver" in message  # from the log tail: says why
    assert str(stack.log_dir / "ingest.log") in message
    assert not [pid for pid in stack.pids().values() if alive(pid)]


@pytest.mark.slow
async def test_dev_ingests_the_demo_and_stops_cleanly_on_sigterm(
    nats_url: str, mongo_url: str, mongo_db_name: str, tmp_path: Path
):
    env = {
        **os.environ,
        "WIREWATCH_NATS_URL": nats_url,
        "WIREWATCH_MONGO_URL": mongo_url,
        "WIREWATCH_MONGO_DB": mongo_db_name,
        "WIREWATCH_INGEST_PORT": "0",
        "WIREWATCH_PROMETHEUS_PORT": "0",
        "COLUMNS": "200",
    }
    argv = ["-m", "wirewatch.cli", "dev", "--state-dir", str(tmp_path / "state"), "-s", "ingest", "--demo-pace", "0"]
    dev = await asyncio.create_subprocess_exec(
        sys.executable, *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    assert dev.stdout is not None
    output: list[str] = []
    try:
        async with asyncio.timeout(60):
            while line := (await dev.stdout.readline()).decode():
                output.append(line)
                if "Ctrl-C to stop" in line:
                    break
        text = "".join(output)
        assert "Ctrl-C to stop" in text, text
        assert "ingesting the demo corpus: 31 articles about 6 events" in text
        children = children_of(dev.pid)
        # ingest, and Prometheus where it is installed; the servers are the test session's.
        with_prometheus = shutil.which("prometheus") is not None
        assert len(children) == 1 + with_prometheus
        if with_prometheus:
            assert "/targets" in text, text  # the banner says where Prometheus is
        else:
            assert "prometheus not found on PATH" in text, text

        client = make_mongo_client(mongo_url)
        try:
            articles = client[mongo_db_name]["articles"]
            await eventually(
                lambda: _count(articles, {"origins": "file"}, 31), timeout=30, what="the demo stored by ingest"
            )
        finally:
            await client.close()

        dev.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            rest = (await dev.stdout.read()).decode()
            await dev.wait()
        assert dev.returncode == 0, rest
        assert "stopped" in rest
        assert not [pid for pid in children if alive(pid)]
    finally:
        if dev.returncode is None:
            dev.kill()
            await dev.wait()


async def _count(collection: Any, query: dict[str, Any], expected: int) -> bool:
    return bool(await collection.count_documents(query) == expected)

"""How the Stack decides what runs where (no process is started here)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from wirewatch.cli.stack import (
    DEFAULT_PORTS,
    SERVICES,
    Stack,
    StackError,
    installed_services,
    log_tail,
    ports_from_env,
)

REPO = Path(__file__).resolve().parents[3]


def test_installed_services_are_the_ones_with_an_entry_point():
    in_tree = {
        name
        for name in SERVICES
        if (REPO / "services" / name / "src" / "wirewatch" / name / "main.py").is_file()
        and (REPO / "services" / name / "src" / "wirewatch" / name / "__main__.py").is_file()
    }
    assert set(installed_services()) == in_tree
    assert "ingest" in in_tree


def test_ports_from_env():
    assert ports_from_env({}) == dict(DEFAULT_PORTS)
    ports = ports_from_env({"WIREWATCH_API_PORT": "9090", "WIREWATCH_DEDUPE_PORT": "0"})
    assert ports["api"] == 9090
    assert ports["dedupe"] == 0
    assert ports["ingest"] == 8081


def test_service_env_points_every_service_at_the_same_servers(tmp_path: Path):
    stack = Stack(
        tmp_path,
        services=["ingest", "notify", "api"],
        ports={"ingest": 0, "notify": 0, "api": 0},
        nats_url="nats://127.0.0.1:1",
        mongo_url="mongodb://127.0.0.1:2",
        mongo_db="db1",
        extra_env={"WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]', "WIREWATCH_MONGO_DB": "not-this"},
    )
    assert stack.nats is None  # URLs given: no embedded servers
    assert stack.mongo is None
    ports = {name: endpoint.port for name, endpoint in stack.endpoints.items()}
    assert all(port > 0 for port in ports.values())  # 0 became a real free port
    env = stack.service_env("notify")
    assert env["WIREWATCH_NATS_URL"] == "nats://127.0.0.1:1"
    assert env["WIREWATCH_MONGO_DB"] == "db1"  # the stack's own variables win over extra_env
    assert env["WIREWATCH_NOTIFY_PORT"] == str(ports["notify"])
    assert env["WIREWATCH_NOTIFY_API_BASE_URL"] == f"http://127.0.0.1:{ports['api']}"
    assert env["WIREWATCH_NOTIFY_ALLOW_ADDRESSES"] == '["127.0.0.1"]'
    assert "WIREWATCH_NOTIFY_PORT" not in stack.service_env("ingest")
    assert stack.missing_services == ("enrich", "dedupe")


def test_embedded_servers_keep_data_and_logs_under_the_state_dir(tmp_path: Path):
    stack = Stack(tmp_path, services=["ingest"], ports={"ingest": 0}, nats_port=0, nats_monitor_port=0, mongo_port=0)
    assert stack.nats is not None
    assert stack.mongo is not None
    assert stack.nats.data_dir == tmp_path.resolve() / "nats"
    assert stack.mongo.data_dir == tmp_path.resolve() / "mongo"
    assert stack.nats.log_path == stack.log_dir / "nats.log"
    assert stack.nats_url == stack.nats.url


def test_unknown_service_is_refused(tmp_path: Path):
    with pytest.raises(StackError, match="unknown services: mailer"):
        Stack(tmp_path, services=["ingest", "mailer"], nats_url="nats://x", mongo_url="mongodb://x")


def test_a_taken_port_is_reported_before_anything_starts(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        stack = Stack(
            tmp_path, services=["ingest"], ports={"ingest": port}, nats_url="nats://x", mongo_url="mongodb://x"
        )
        with pytest.raises(StackError, match=rf"ingest: port {port} .* WIREWATCH_INGEST_PORT"):
            stack.start()
    assert stack.pids() == {}


def test_log_tail(tmp_path: Path):
    log = tmp_path / "svc.log"
    assert log_tail(log) == ""
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    assert log_tail(log, lines=3) == "line 97\nline 98\nline 99"

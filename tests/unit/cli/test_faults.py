"""Fault injection refuses what it cannot do, before touching anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.cli.faults import StackFaults
from wirewatch.cli.stack import Stack, StackError


def _stack_on_given_servers(tmp_path: Path) -> Stack:
    return Stack(
        tmp_path / "state",
        services=("ingest",),
        ports={"ingest": 0},
        nats_url="nats://127.0.0.1:1",
        mongo_url="mongodb://127.0.0.1:1",
    )


def test_servers_given_by_url_cannot_be_restarted(tmp_path: Path) -> None:
    faults = StackFaults(_stack_on_given_servers(tmp_path))
    with pytest.raises(StackError, match="given by URL"):
        faults.restart_nats()
    with pytest.raises(StackError, match="given by URL"):
        faults.restart_database()


def test_a_service_that_is_not_running_cannot_be_killed(tmp_path: Path) -> None:
    faults = StackFaults(_stack_on_given_servers(tmp_path))
    with pytest.raises(StackError, match="not running"):
        faults.kill_service("ingest")
    with pytest.raises(StackError, match="not one of this stack's services"):
        faults.stack.launch_service("dedupe")

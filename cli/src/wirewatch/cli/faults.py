"""Faults on a running :class:`Stack`: crash and restart a service, restart nats-server or the database.

Used by the fault tests (``make chaos``) and handy for rehearsing an incident on the dev stack. Every method
blocks until the stack is whole again (each service answers /readyz) and returns how long that took, so a test
can both bound and report recovery time. Servers can only be restarted when the stack started them (embedded);
they come back on the same port with the same data directory, as a restarted production server would.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TypeVar

from wirewatch.runtime import ChildProcess

from .stack import Stack, StackError

S = TypeVar("S", bound=ChildProcess)


class StackFaults:
    """Injects one fault at a time into ``stack`` and waits for recovery (``recovery_timeout`` seconds at most)."""

    def __init__(self, stack: Stack, *, recovery_timeout: float = 90.0) -> None:
        self.stack = stack
        self.recovery_timeout = recovery_timeout

    # -- services ------------------------------------------------------------------------------------------------

    def kill_service(self, name: str) -> None:
        """SIGKILL the service, as a crash or the OOM killer would: no drain, no acks, no shutdown hooks."""
        child = self.stack.processes.get(name)
        if child is None or not child.running():
            raise StackError(f"service {name} is not running")
        child.kill()

    def restart_service(self, name: str, *, kill: bool = True) -> float:
        """Crash (``kill``) or stop the service, start a new process and wait until it is ready."""
        if kill:
            self.kill_service(name)
        else:
            self.stack.processes[name].stop(grace=self.stack.stop_grace)
        started = time.monotonic()
        self.stack.launch_service(name)
        self.stack.wait_ready([name], timeout=self.recovery_timeout)
        return time.monotonic() - started

    # -- servers -------------------------------------------------------------------------------------------------

    def restart_nats(self, *, kill: bool = False) -> float:
        """Restart nats-server on the same port and JetStream store; seconds until every service is ready again."""
        server = self._server(self.stack.nats, "nats-server")
        self._stop_server(server, kill=kill)
        started = time.monotonic()
        server.start()
        self.wait_recovered()
        return time.monotonic() - started

    def stop_database(self, *, kill: bool = False) -> None:
        """Take the database away (SIGTERM, or SIGKILL with ``kill``); its data stays on disk."""
        self._stop_server(self._server(self.stack.mongo, "SecantusDB"), kill=kill)

    def start_database(self) -> float:
        """Start the database again on its port and data; seconds until every service is ready again."""
        server = self._server(self.stack.mongo, "SecantusDB")
        started = time.monotonic()
        server.start()  # returns once the port accepts connections
        self.wait_recovered()
        return time.monotonic() - started

    def restart_database(self, *, kill: bool = False) -> float:
        self.stop_database(kill=kill)
        return self.start_database()

    def wait_recovered(self, names: Sequence[str] | None = None) -> None:
        """Every service (or those named) answers /readyz with 200 within the recovery timeout."""
        self.stack.wait_ready(names, timeout=self.recovery_timeout)

    @staticmethod
    def _server(server: S | None, what: str) -> S:
        if server is None:
            raise StackError(f"{what} was not started by this stack (it was given by URL), so it cannot be restarted")
        return server

    def _stop_server(self, server: ChildProcess, *, kill: bool) -> None:
        if kill:
            server.kill()
        else:
            server.stop(grace=self.stack.stop_grace)

"""The whole system on one machine: embedded nats-server and SecantusDB plus every service as its own process.

Used by ``wirewatch dev`` and by the end-to-end tests. Each part is a :class:`ChildProcess` (own session, dies with
its parent), stopped by pid: services first so they can drain and ack, then the servers they talk to.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import sys
import threading
import time
from collections.abc import Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from wirewatch.runtime import (
    ChildProcess,
    EmbeddedMongo,
    EmbeddedNats,
    WirewatchError,
    free_port,
    port_is_free,
    provision_streams,
)

from .bus import connect

# Every service, in the order messages flow through them; the api last because it serves what they produce.
SERVICES: tuple[str, ...] = ("ingest", "enrich", "dedupe", "notify", "api")
DEFAULT_PORTS: Mapping[str, int] = {"api": 8080, "ingest": 8081, "enrich": 8082, "dedupe": 8083, "notify": 8084}
DEFAULT_NATS_PORT = 4222
DEFAULT_NATS_MONITOR_PORT = 8222
DEFAULT_MONGO_PORT = 27017
HOST = "127.0.0.1"
LOG_TAIL_LINES = 25


class StackError(WirewatchError):
    """The stack could not start: a port is taken, a server or a service died or never got ready."""


def installed_services() -> tuple[str, ...]:
    """The services that can run here (``wirewatch.<svc>`` has ``__main__`` and ``main``), without importing them."""
    parent = importlib.util.find_spec("wirewatch")
    roots = [Path(p) for p in (parent.submodule_search_locations or [])] if parent else []
    return tuple(
        name
        for name in SERVICES
        if any((root / name / "__main__.py").is_file() and (root / name / "main.py").is_file() for root in roots)
    )


def ports_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, int]:
    """Service ports: ``WIREWATCH_<SVC>_PORT`` where set (0 = any free port), the usual ports otherwise."""
    return {name: int(environ.get(f"WIREWATCH_{name.upper()}_PORT", port)) for name, port in DEFAULT_PORTS.items()}


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file (empty when there is none yet)."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True, slots=True)
class ServiceEndpoint:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"{self.url}/metrics"


class Stack:
    """Start and stop nats-server, SecantusDB and the services; a context manager.

    ``nats_url`` / ``mongo_url`` point at running servers instead of starting embedded ones. A port of 0 means
    any free port. ``extra_env`` is given to every service (e.g. notify's allowlist, short retry delays); the
    stack's own variables (URLs, database, ports) always win so that what it prints is what runs. A stack
    starts once: after ``stop()`` make a new one.
    """

    def __init__(
        self,
        state_dir: Path = Path(".wirewatch"),
        *,
        services: Sequence[str] | None = None,
        ports: Mapping[str, int] | None = None,
        nats_url: str | None = None,
        mongo_url: str | None = None,
        mongo_db: str = "wirewatch",
        nats_port: int = DEFAULT_NATS_PORT,
        nats_monitor_port: int = DEFAULT_NATS_MONITOR_PORT,
        mongo_port: int = DEFAULT_MONGO_PORT,
        extra_env: Mapping[str, str] | None = None,
        ready_timeout: float = 60.0,
        stop_grace: float = 15.0,
    ) -> None:
        self.state_dir = state_dir.resolve()
        self.log_dir = self.state_dir / "logs"
        self.services = tuple(services) if services is not None else installed_services()
        unknown = sorted(set(self.services) - set(SERVICES))
        if unknown:
            raise StackError(f"unknown services: {', '.join(unknown)} (known: {', '.join(SERVICES)})")
        wanted = {**DEFAULT_PORTS, **(ports or {})}
        self.endpoints = {name: ServiceEndpoint(name, wanted[name] or free_port(HOST)) for name in self.services}
        self.mongo_db = mongo_db
        self.extra_env = dict(extra_env or {})
        self.ready_timeout = ready_timeout
        self.stop_grace = stop_grace
        self.nats: EmbeddedNats | None = None
        self.mongo: EmbeddedMongo | None = None
        if nats_url is None:
            self.nats = EmbeddedNats(
                self.state_dir / "nats", nats_port or free_port(HOST), nats_monitor_port or free_port(HOST)
            )
            self.nats.log_path = self.log_dir / "nats.log"
        if mongo_url is None:
            self.mongo = EmbeddedMongo(self.state_dir / "mongo", mongo_port or free_port(HOST))
            self.mongo.log_path = self.log_dir / "mongo.log"
        self.nats_url = nats_url or (self.nats.url if self.nats else "")
        self.mongo_url = mongo_url or (self.mongo.url if self.mongo else "")
        self.processes: dict[str, ChildProcess] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # -- what runs where ---------------------------------------------------------------------------------------

    @classmethod
    def on_free_ports(cls, state_dir: Path, services: Sequence[str] = SERVICES, **options: Any) -> Self:
        """A stack whose servers and services all take free ports (benchmarks, fault tests): never the usual ones."""
        return cls(
            state_dir,
            services=services,
            ports=dict.fromkeys(services, 0),
            nats_port=0,
            nats_monitor_port=0,
            mongo_port=0,
            **options,
        )

    @property
    def api_url(self) -> str | None:
        endpoint = self.endpoints.get("api")
        return endpoint.url if endpoint else None

    @property
    def missing_services(self) -> tuple[str, ...]:
        return tuple(name for name in SERVICES if name not in self.services)

    def pids(self) -> dict[str, int]:
        """Pid of every process the stack started (servers and services), by name."""
        servers: list[ChildProcess] = [p for p in (self.nats, self.mongo) if p is not None]
        every = [*servers, *self.processes.values()]
        return {p.name: p.pid for p in every if p.pid is not None}

    def service_env(self, name: str) -> dict[str, str]:
        prefix = f"WIREWATCH_{name.upper()}_"
        env = {
            **self.extra_env,
            "WIREWATCH_NATS_URL": self.nats_url,
            "WIREWATCH_MONGO_URL": self.mongo_url,
            "WIREWATCH_MONGO_DB": self.mongo_db,
            f"{prefix}HOST": HOST,
            f"{prefix}PORT": str(self.endpoints[name].port),
            # JSON logs line by line, so a crash's last words reach the log file.
            "PYTHONUNBUFFERED": "1",
        }
        if name == "notify" and self.api_url:
            env.setdefault("WIREWATCH_NOTIFY_API_BASE_URL", self.api_url)
        return env

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Start servers, provision streams, start the services and wait until each answers /readyz.

        On any failure everything already started is stopped again. ``stop()`` from another thread (a signal
        handler) interrupts a start in progress.
        """
        self._check_ports()
        try:
            for server in (self.nats, self.mongo):
                if server is not None:
                    self._launch(server)
            _run(self._provision())
            for name in self.services:
                self.launch_service(name)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the services (in parallel, each SIGTERM then SIGKILL after the grace period), then the servers."""
        self._stopping.set()
        with self._lock:
            children = list(self.processes.values())
            if children:
                with ThreadPoolExecutor(max_workers=len(children)) as pool:
                    list(pool.map(lambda child: child.stop(grace=self.stop_grace), children))
            for server in (self.nats, self.mongo):
                if server is not None:
                    server.stop(grace=self.stop_grace)

    def launch_service(self, name: str) -> ChildProcess:
        """Start service ``name`` as a new process (replacing one that ended), without waiting for it."""
        if name not in self.endpoints:
            raise StackError(f"{name} is not one of this stack's services ({', '.join(self.services)})")
        child = ChildProcess(
            name,
            [sys.executable, "-m", f"wirewatch.{name}"],
            log_path=self.log_dir / f"{name}.log",
            env=self.service_env(name),
        )
        self._launch(child, service=True)
        return child

    def exited_services(self) -> dict[str, int | None]:
        """Services whose process has ended although the stack was not stopped, with their exit codes."""
        if self._stopping.is_set():
            return {}
        return {
            name: child.process.returncode if child.process else None
            for name, child in self.processes.items()
            if not child.running()
        }

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- steps -------------------------------------------------------------------------------------------------

    def _launch(self, child: ChildProcess, *, service: bool = False) -> None:
        # Under the lock, so a concurrent stop() either sees this child or prevents its start: none is orphaned.
        with self._lock:
            if self._stopping.is_set():
                raise StackError("the stack was stopped while starting")
            if service:
                self.processes[child.name] = child
            child.start()

    def _check_ports(self) -> None:
        """Fail before starting anything, naming what wanted the port and how to choose another."""
        for name, endpoint in self.endpoints.items():
            if not port_is_free(endpoint.port, HOST):
                raise StackError(
                    f"{name}: port {endpoint.port} on {HOST} is taken; stop what uses it or set "
                    f"WIREWATCH_{name.upper()}_PORT to another port (0 picks a free one)"
                )
        checks: list[tuple[str, int, str]] = []
        if self.nats is not None:
            hint = "set WIREWATCH_NATS_URL to use a running server"
            checks += [("nats-server", self.nats.port, hint), ("nats-server monitor", self.nats.monitor_port, hint)]
        if self.mongo is not None:
            checks.append(("SecantusDB", self.mongo.port, "set WIREWATCH_MONGO_URL to use a running server"))
        for what, port, hint in checks:
            if not port_is_free(port, HOST):
                raise StackError(f"{what}: port {port} on {HOST} is taken; stop what uses it or {hint}")

    async def _provision(self, attempts: int = 20) -> None:
        # JetStream answers a moment after the port opens; retry briefly instead of failing the whole start.
        for attempt in range(attempts):
            try:
                nc = await connect(self.nats_url, name="provision")
                try:
                    await provision_streams(nc.jetstream())
                finally:
                    await nc.close()
            except Exception as exc:
                if attempt == attempts - 1:
                    raise StackError(f"could not provision JetStream streams at {self.nats_url}: {exc!r}") from exc
                await asyncio.sleep(0.25)
            else:
                return

    def wait_ready(self, names: Sequence[str] | None = None, timeout: float | None = None) -> None:
        """Block until each service in ``names`` (default: all) answers /readyz with 200; StackError otherwise."""
        wanted = self.services if names is None else names
        pending = {name: self.endpoints[name] for name in wanted}
        limit = self.ready_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        with httpx.Client(timeout=1.0) as client:
            while pending:
                if self._stopping.is_set():
                    raise StackError("the stack was stopped while starting")
                for name, endpoint in list(pending.items()):
                    child = self.processes[name]
                    if not child.running():
                        code = child.process.returncode if child.process else None
                        raise StackError(self._failure(name, f"exited with code {code} before it was ready"))
                    with contextlib.suppress(httpx.HTTPError):
                        if client.get(f"{endpoint.url}/readyz").status_code == httpx.codes.OK:
                            del pending[name]
                if not pending:
                    return
                if time.monotonic() > deadline:
                    names = ", ".join(pending)
                    raise StackError(
                        "\n\n".join(self._failure(name, f"not ready after {limit:.0f}s") for name in pending)
                        + f"\n\nnot ready: {names}"
                    )
                time.sleep(0.2)

    def _failure(self, name: str, what: str) -> str:
        log_path = self.log_dir / f"{name}.log"
        tail = log_tail(log_path) or "(log is empty)"
        return f"service {name} {what}; last lines of {log_path}:\n{tail}"


def _run(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion from sync code, also when the caller's thread already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()

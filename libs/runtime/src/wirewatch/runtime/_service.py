"""The process shell every service runs in: broker, database, health and metrics over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import nats
import uvicorn
from faststream.nats import NatsBroker, NatsMessage
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wirewatch.contracts import ALL_STREAMS

from ._availability import dependency_unavailable, unavailable_delay
from ._broker import make_broker
from ._consumer import ConsumerPolicy, Delivery, consume
from ._metrics import HopMetrics
from ._mongo import make_mongo_client
from ._pipeline_gauges import ConsumerLag, DatabaseLatency
from ._settings import ServiceSettings
from ._streams import provision_streams

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger("wirewatch.service")

StartupHook = Callable[[], Awaitable[None]]


class Service:
    """Owns one service's connections and lifecycle.

    Handlers get the service's ``broker``, ``db``, ``metrics`` and ``policy``; ``start`` provisions the streams,
    runs the startup hooks (index creation) and starts consuming; ``stop`` drains and closes everything.
    """

    def __init__(self, name: str, settings: ServiceSettings) -> None:
        self.name = name
        self.settings = settings
        self.registry = CollectorRegistry()
        self.metrics = HopMetrics(self.registry, name)
        self.broker: NatsBroker = make_broker(settings.nats_url, service=name, registry=self.registry)
        self.mongo = make_mongo_client(
            settings.mongo_url, app_name=f"wirewatch-{name}", listeners=[DatabaseLatency(self.registry, name)]
        )
        self.db: AsyncDatabase[dict[str, Any]] = self.mongo[settings.mongo_db]
        self.consumer_lag = ConsumerLag(self.registry, name, [stream.name for stream in ALL_STREAMS])
        self.policy = ConsumerPolicy(name, settings.max_deliver, settings.retry_delays)
        self._startup: list[StartupHook] = []
        self._shutdown: list[StartupHook] = []
        self.started = False

    def on_startup(self, hook: StartupHook) -> StartupHook:
        """Run ``hook`` after the connections are up and before consuming starts."""
        self._startup.append(hook)
        return hook

    def on_shutdown(self, hook: StartupHook) -> StartupHook:
        """Run ``hook`` after consuming stopped and before the connections close."""
        self._shutdown.append(hook)
        return hook

    async def consume(
        self, msg: NatsMessage, model: type[M], handler: Callable[[M, Delivery], Awaitable[None]]
    ) -> None:
        """:func:`consume` with this service's broker, retry policy and hop metrics."""
        await consume(msg, model, handler, broker=self.broker, policy=self.policy, metrics=self.metrics)

    async def start(self) -> None:
        """Connect, provision, run the startup hooks and start consuming.

        A service started while nats-server or the database is away (a host reboot, a crash during an outage)
        waits for them, up to ``startup_timeout``, instead of exiting at once into a crash loop whose back-off
        would delay it long after the server is back. Until then it serves nothing, so it is not ready.
        """
        deadline = time.monotonic() + self.settings.startup_timeout
        await self._when_reachable("provision streams", self._provision, deadline)
        await self.broker.connect()
        for hook in self._startup:
            await self._when_reachable(getattr(hook, "__name__", "startup hook"), hook, deadline)
        await self.broker.start()
        self.consumer_lag.start(lambda: self.broker.connection)
        self.started = True
        log.info("service started", extra={"nats": self.settings.nats_url})

    async def _provision(self) -> None:
        try:
            # nats-py keeps trying to connect on its own; bound it so the retry loop above decides how long to wait.
            async with asyncio.timeout(10.0):
                nc = await nats.connect(self.settings.nats_url, name=f"wirewatch-{self.name}-provision")
        except TimeoutError as exc:
            raise nats.errors.NoServersError() from exc
        try:
            await provision_streams(nc.jetstream(), replicas=self.settings.stream_replicas)
        finally:
            await nc.close()

    async def _when_reachable(self, step: str, action: Callable[[], Awaitable[Any]], deadline: float) -> None:
        """Run ``action``; while it fails because a server is away, try again (1, 2, 4, 5... s) until ``deadline``."""
        attempt = 0
        while True:
            try:
                await action()
            except Exception as exc:
                attempt += 1
                if not dependency_unavailable(exc) or time.monotonic() >= deadline:
                    raise
                delay = unavailable_delay(attempt)
                log.warning(
                    "a server is unavailable at start, waiting",
                    extra={"step": step, "retry_in": delay, "error_type": type(exc).__name__, "error": str(exc)[:300]},
                )
                await asyncio.sleep(delay)
            else:
                return

    async def stop(self) -> None:
        self.started = False
        # Every step is bounded: a stop that hangs (a peer that never answers) must not keep the process, or the
        # orchestrator's grace period, waiting forever. A step that overruns is logged and the next one runs.
        limit = self.settings.shutdown_timeout
        await self._bounded("consumer lag refresh", self.consumer_lag.stop(), 2.0)
        await self._bounded("broker", self.broker.stop(), limit + 30.0)
        for hook in self._shutdown:
            await self._bounded(getattr(hook, "__name__", "shutdown hook"), hook(), limit)
        await self._bounded("mongo client", self.mongo.close(), 5.0)
        log.info("service stopped")

    @staticmethod
    async def _bounded(step: str, awaitable: Awaitable[Any], seconds: float) -> None:
        try:
            await asyncio.wait_for(awaitable, seconds)
        except TimeoutError:
            log.warning("shutdown step timed out", extra={"step": step, "seconds": seconds})
        except Exception:
            log.warning("shutdown step failed", extra={"step": step}, exc_info=True)

    async def readiness(self) -> dict[str, str]:
        """Each dependency's state in words; all "ok" means ready."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.db.command("ping"), timeout=2.0)
            checks["mongo"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which
            checks["mongo"] = f"unreachable: {type(exc).__name__}"
        connected = self.started and await self.broker.ping(timeout=0.5)
        checks["nats"] = "ok" if connected else "disconnected"
        return checks

    def asgi(self, routes: Sequence[BaseRoute] = ()) -> Starlette:
        """An ASGI app with ``/healthz``, ``/readyz`` and ``/metrics`` whose lifespan runs the service."""

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return Starlette(routes=[*health_routes(self), *routes], lifespan=lifespan)


def health_routes(service: Service) -> list[BaseRoute]:
    """The three operational endpoints, shared by every service including the api."""

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok", "service": service.name})

    async def readyz(_: Request) -> Response:
        checks = await service.readiness()
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(service.registry), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]


def run_asgi(app: Any, settings: ServiceSettings) -> None:
    """Serve ``app`` until SIGINT/SIGTERM, then shut down gracefully within the configured timeout."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=int(settings.shutdown_timeout),
    )
    uvicorn.Server(config).run()

"""Database latency and JetStream consumer lag, as every service sees them.

Both are bounded: the database histogram's ``command`` label is one of a fixed set (anything else is "other"),
and the consumer gauges carry only this service's own durable consumers (a handful per service).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from prometheus_client import CollectorRegistry
from pymongo import monitoring

from ._periodic import Periodic
from .metric_catalogue import LATENCY_BUCKETS, gauge, histogram

# The commands wirewatch sends; the label would otherwise be whatever the driver or a future query sends.
DB_COMMANDS = frozenset(
    {"find", "insert", "update", "delete", "findAndModify", "aggregate", "count", "distinct", "getMore",
     "createIndexes", "ping", "bulkWrite"}
)  # fmt: skip


class DatabaseLatency(monitoring.CommandListener):
    """A PyMongo command listener timing every command this service's client sends."""

    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        self._service = service
        self._seconds = histogram("wirewatch_db_operation_seconds", registry, LATENCY_BUCKETS)

    def _observe(self, name: str, micros: int) -> None:
        command = name if name in DB_COMMANDS else "other"
        self._seconds.labels(self._service, command).observe(micros / 1_000_000)

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        pass

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._observe(event.command_name, event.duration_micros)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._observe(event.command_name, event.duration_micros)


class ConsumerLag:
    """Refreshes pending / ack-pending gauges of this service's durable consumers from consumer info.

    A durable is this service's when it is named like the service (``notify``, ``notify-deliveries``...).
    Refreshing every ``interval`` seconds instead of at scrape time keeps /metrics synchronous and cheap.
    """

    def __init__(self, registry: CollectorRegistry, service: str, streams: Iterable[str], interval: float = 15.0):
        self._service = service
        self._streams = tuple(streams)
        self._interval = interval
        self.pending = gauge("wirewatch_consumer_pending", registry)
        self.ack_pending = gauge("wirewatch_consumer_ack_pending", registry)
        self._loop: Periodic | None = None

    def owns(self, consumer: str) -> bool:
        return consumer == self._service or consumer.startswith(f"{self._service}-")

    async def refresh(self, connection: NatsClient) -> None:
        js = connection.jetstream()
        for stream in self._streams:
            try:
                consumers = await js.consumers_info(stream)
            except NotFoundError:
                continue
            for info in consumers:
                name = info.name
                if name is None or not self.owns(name):
                    continue
                self.pending.labels(self._service, name).set(info.num_pending or 0)
                self.ack_pending.labels(self._service, name).set(info.num_ack_pending or 0)

    def start(self, connection: Callable[[], NatsClient]) -> None:
        # A failed refresh (NATS restarting) keeps the last values; the next round tries again.
        self._loop = Periodic(
            f"{self._service}-consumer-lag",
            lambda: self.refresh(connection()),
            self._interval,
            error_level=logging.DEBUG,
        )
        self._loop.start()

    async def stop(self) -> None:
        if self._loop is not None:
            await self._loop.stop()
            self._loop = None

"""Broker factory and durable pull subscribers."""

from __future__ import annotations

import logging
from typing import cast

from faststream import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsBroker, NatsRouter, PullSub
from faststream.nats.prometheus import NatsPrometheusMiddleware
from faststream.nats.subscriber.usecases import PullStreamSubscriber
from prometheus_client import CollectorRegistry

from wirewatch.contracts import StreamDefinition


def make_broker(nats_url: str, *, service: str, registry: CollectorRegistry) -> NatsBroker:
    """A FastStream NATS broker with Prometheus middleware; per-message logs only at DEBUG."""
    return NatsBroker(
        nats_url,
        name=f"wirewatch-{service}",
        middlewares=[NatsPrometheusMiddleware(registry=registry, app_name=service)],
        logger=logging.getLogger("faststream"),
        log_level=logging.DEBUG,
        # Keep trying while nats-server restarts instead of dying with it.
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
    )


def durable_subscriber(
    router: NatsRouter | NatsBroker,
    *,
    subject: str,
    stream: StreamDefinition,
    durable: str,
    batch_size: int = 16,
    ack_wait: float = 30.0,
    max_workers: int = 1,
) -> PullStreamSubscriber:
    """A durable pull subscriber that replicas share; acking is left to :func:`consume`.

    ``max_deliver`` stays unlimited on the server: :func:`consume` counts deliveries and dead-letters the
    message itself, which JetStream would otherwise just stop redelivering without telling anyone.
    ``ack_wait`` is how long the messages a crashed replica held stay away before JetStream hands them out again;
    it can be short because :func:`consume` reports a long-running handler as in progress. It applies when the
    durable consumer is created; an existing consumer keeps its own (``nats consumer edit`` changes it).

    With ``max_workers`` 1 the next fetch waits until every handler of the last one returned. Above 1, up to
    ``max_workers`` handlers run at once and fetching goes on while they run (a CPU-bound service can then work on
    one fetch while the previous one is still being stored and published).
    """
    # A ConcurrentPullStreamSubscriber (a PullStreamSubscriber) when max_workers > 1; the overloads cannot tell.
    return cast(
        "PullStreamSubscriber",
        router.subscriber(
            subject,
            stream=JStream(stream.name, declare=False),
            durable=durable,
            pull_sub=PullSub(batch_size=batch_size, timeout=1.0),
            ack_policy=AckPolicy.MANUAL,
            config=ConsumerConfig(ack_wait=ack_wait, max_deliver=-1),
            max_workers=max_workers,
        ),
    )

"""Apply the contracts' stream definitions to JetStream."""

from __future__ import annotations

import logging

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from wirewatch.contracts import ALL_STREAMS, StreamDefinition

log = logging.getLogger("wirewatch.streams")


def stream_config(definition: StreamDefinition, replicas: int = 1) -> StreamConfig:
    """The nats-py config for a stream definition, stored on ``replicas`` servers of a JetStream cluster."""
    return StreamConfig(
        name=definition.name,
        description=definition.description or None,
        subjects=list(definition.subjects),
        retention=RetentionPolicy.WORK_QUEUE if definition.work_queue else RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=float(definition.max_age_seconds),
        max_bytes=definition.max_bytes,
        duplicate_window=float(definition.duplicate_window_seconds),
        num_replicas=replicas,
    )


async def provision_streams(
    js: JetStreamContext, definitions: tuple[StreamDefinition, ...] = ALL_STREAMS, *, replicas: int = 1
) -> None:
    """Create each stream, or bring an existing one to its definition. Idempotent; safe from every replica.

    ``replicas`` is part of the applied config on purpose: every service start re-applies it, so it must come from
    the deployment's settings (``WIREWATCH_STREAM_REPLICAS``), not be raised by hand on the server.
    """
    for definition in definitions:
        config = stream_config(definition, replicas)
        try:
            await js.stream_info(definition.name)
        except NotFoundError:
            await js.add_stream(config)
            log.info("stream created", extra={"stream": definition.name})
        else:
            await js.update_stream(config)

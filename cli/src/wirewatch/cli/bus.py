"""Connecting the CLI to NATS, with one clear error when it is not there."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import nats
from nats.aio.client import Client as NatsClient

from wirewatch.runtime import WirewatchError

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


class BusUnavailableError(WirewatchError):
    """NATS (or a JetStream stream the command needs) is not there."""


async def _quiet(_: Exception) -> None:
    """nats-py logs every connection error itself; the CLI reports the one that matters, once."""


async def connect(url: str, *, name: str, closed_cb: Callable[[], Awaitable[None]] | None = None) -> NatsClient:
    """Connect quickly; a CLI command should fail with a message, not hang retrying.

    nats-py keeps retrying a refused first connect when ``max_reconnect_attempts`` is 0 (or reconnects are off),
    so allow one quick retry, which makes it give up with ``NoServersError``, and bound the whole by a timeout.
    """
    try:
        return await asyncio.wait_for(
            nats.connect(
                url,
                name=f"wirewatch-cli-{name}",
                connect_timeout=3,
                max_reconnect_attempts=1,
                reconnect_time_wait=0.2,
                error_cb=_quiet,
                closed_cb=closed_cb,
            ),
            timeout=10,
        )
    except Exception as exc:
        raise BusUnavailableError(f"cannot connect to NATS at {url}: {exc or type(exc).__name__}") from exc

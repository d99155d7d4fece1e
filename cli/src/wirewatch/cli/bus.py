"""Connecting the CLI to NATS, with one clear error when it is not there."""

from __future__ import annotations

import nats
from nats.aio.client import Client as NatsClient

from wirewatch.runtime import WirewatchError

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


class BusUnavailableError(WirewatchError):
    """NATS (or a JetStream stream the command needs) is not there."""


async def _quiet(_: Exception) -> None:
    """nats-py logs every connection error itself; the CLI reports the one that matters, once."""


async def connect(url: str, *, name: str) -> NatsClient:
    """Connect once, quickly; a CLI command should fail with a message, not hang retrying."""
    try:
        return await nats.connect(
            url, name=f"wirewatch-cli-{name}", connect_timeout=3, max_reconnect_attempts=0, error_cb=_quiet
        )
    except Exception as exc:
        raise BusUnavailableError(f"cannot connect to NATS at {url}: {exc or type(exc).__name__}") from exc

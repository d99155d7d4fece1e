"""``wirewatch tail``: print live messages of a subject (core NATS, so what is published now, not history)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from nats.aio.msg import Msg

from .bus import connect


@dataclass(frozen=True, slots=True)
class TailResult:
    received: int
    timed_out: bool
    connection_lost: bool = False


async def tail(
    nats_url: str,
    subject: str,
    on_message: Callable[[str, bytes], None],
    *,
    count: int | None = None,
    timeout: float | None = None,
    on_ready: Callable[[], None] | None = None,
    stop: asyncio.Event | None = None,
) -> TailResult:
    """Call ``on_message(subject, data)`` for each message until ``count`` messages, ``timeout`` seconds or ``stop``.

    ``on_ready`` runs once the subscription is registered with the server, so a caller (or a test) knows that
    anything published from then on will be seen.
    """
    done = stop or asyncio.Event()
    received = 0

    async def handle(msg: Msg) -> None:
        nonlocal received
        if count is not None and received >= count:
            return
        received += 1
        on_message(msg.subject, msg.data)
        if count is not None and received >= count:
            done.set()

    lost = False

    async def on_closed() -> None:
        # The connection is gone for good (reconnects used up): stop instead of waiting forever.
        nonlocal lost
        lost = not done.is_set()
        done.set()

    nc = await connect(nats_url, name="tail", closed_cb=on_closed)
    try:
        sub = await nc.subscribe(subject, cb=handle)
        await nc.flush()  # the server has the subscription once the flush round-trip returns
        if on_ready:
            on_ready()
        timed_out = False
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except TimeoutError:
            timed_out = True
        with contextlib.suppress(Exception):
            await sub.unsubscribe()
    finally:
        if not nc.is_closed:
            done.set()  # closing on purpose: not a lost connection
            await nc.close()
    return TailResult(received, timed_out, lost)

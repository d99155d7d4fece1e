"""Telling "a server we depend on is away" from "this message cannot be processed".

The difference decides what happens to a message: while the database or nats-server is down every message fails,
and counting those failures towards dead-lettering would empty the stream into the dead letters during an outage.
So such failures are retried for as long as the outage lasts (with a growing delay) and never dead-lettered; only
failures of the message itself count.
"""

from __future__ import annotations

import nats.errors
import nats.js.errors
from pymongo.errors import ConnectionFailure, WaitQueueTimeoutError

# The connection broke, no server could be selected or a request timed out: the server, not the message.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    ConnectionFailure,  # AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError...
    WaitQueueTimeoutError,
    nats.errors.ConnectionClosedError,
    nats.errors.ConnectionDrainingError,
    nats.errors.ConnectionReconnectingError,
    nats.errors.NoServersError,
    nats.errors.NoRespondersError,
    nats.errors.OutboundBufferLimitError,
    nats.errors.StaleConnectionError,
    nats.errors.TimeoutError,
    nats.js.errors.ServiceUnavailableError,
)

# How far down the chain of causes to look (handlers may wrap the driver's error in their own).
_MAX_CAUSES = 8


def dependency_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the database or the bus is unreachable right now.

    ``RetryLater`` and the builtin ``TimeoutError`` are not included: they are a handler's judgement about one
    message (a page that did not load, work that took too long) and still count towards its deliveries.
    """
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < _MAX_CAUSES:
        if isinstance(current, _UNAVAILABLE):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def unavailable_delay(num_delivered: int, *, first: float = 1.0, cap: float = 5.0) -> float:
    """Seconds before the next try while a dependency is away: 1, 2, 4, then ``cap`` (5 s)."""
    return min(cap, first * 2.0 ** min(16, max(0, num_delivered - 1)))

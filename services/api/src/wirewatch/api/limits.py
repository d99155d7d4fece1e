"""Request limits, answered as problem+json like every other refusal: body size (413) and write rate (429).

Starlette's limiter (FastAPI's ``max_body_size``) answers in plain text; this one answers
``413`` problem+json. A declared ``Content-Length`` over the limit is refused before
reading anything; a chunked body is read up to the limit and then handed to the app in one piece (the app would
buffer it anyway to parse the JSON).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .body_replay import replaying
from .errors import problem_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see that
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, replaying(message, b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"request body larger than {self.max_bytes} bytes"
        await problem_response(413, detail)(scope, receive, send)


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WriteRateLimiter:
    """A token bucket per client address: ``rate`` writes a minute on average, ``burst`` at once.

    Only writes are limited (reads are cheap and cached by nobody else); keys are the peer address, never a
    forwarded header a client could forge. At most ``max_clients`` buckets are kept: the least recently used
    goes first, which at worst forgives a client its debt.
    """

    def __init__(self, rate_per_minute: float, burst: int, *, max_clients: int = 10_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def retry_after(self, client: str, now: float | None = None) -> float:
        """0 when the write may go ahead (and is counted), else seconds until it may."""
        now = time.monotonic() if now is None else now
        tokens, stamp = self._buckets.pop(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[client] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


class WriteRateLimitMiddleware:
    """429 with ``Retry-After`` (whole seconds) for a client writing faster than its bucket allows."""

    def __init__(self, app: ASGIApp, limiter: WriteRateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _READ_METHODS:
            client = scope.get("client")
            wait = self.limiter.retry_after(client[0] if client else "unknown")
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                detail = f"too many writes from this client; retry in {seconds} s"
                response = problem_response(429, detail, headers={"Retry-After": str(seconds)})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

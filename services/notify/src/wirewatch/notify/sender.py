"""One webhook POST, reported as a value rather than an exception."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass

from wirewatch.runtime import UnsafeURLError

from .http1 import AddressPolicy, Origin, OriginPool, WebhookHTTPError

# Enough of the answer to see what the endpoint said, never more (stored on every attempt).
SNIPPET_CHARS = 200
_SNIPPET_READ_BYTES = 4 * SNIPPET_CHARS


@dataclass(frozen=True, slots=True)
class SendResult:
    status_code: int | None
    latency_seconds: float
    error: str | None = None
    response_snippet: str | None = None
    retry_after: str | None = None
    # The URL may never be requested (address not allowed, not http(s)): retrying cannot help.
    refused: bool = False
    # Taken without an HTTP status: JetStream stored a NATS target's message.
    stored: bool = False

    @property
    def ok(self) -> bool:
        return self.stored or (self.status_code is not None and 200 <= self.status_code < 300)


class WebhookSender:
    """Posts webhooks with a total time limit; redirects are not followed (a 3xx is a failed attempt).

    Each endpoint origin (scheme, host, port) has its own keep-alive connections, so an endpoint cannot take
    another's. Origins beyond ``max_origins`` are forgotten (their idle connections closed), least recently used
    first.
    """

    def __init__(
        self,
        *,
        allowlist: list[str],
        timeout: float,
        connect_timeout: float,
        connections_per_origin: int,
        max_origins: int = 10_000,
    ) -> None:
        self._timeout = timeout
        self._connect_timeout = min(connect_timeout, timeout)
        self._policy = AddressPolicy(allowlist)
        self._connections = connections_per_origin
        self._max_origins = max_origins
        self._pools: OrderedDict[Origin, OriginPool] = OrderedDict()
        self._headers = {"user-agent": "wirewatch-notify/0.1 (Standard Webhooks)"}

    def _pool(self, origin: Origin) -> OriginPool:
        pool = self._pools.get(origin)
        if pool is None:
            pool = self._pools[origin] = OriginPool(
                origin, self._policy, connect_timeout=self._connect_timeout, max_idle=self._connections
            )
            if len(self._pools) > self._max_origins:
                _, oldest = self._pools.popitem(last=False)
                oldest.close()  # only its idle connections: requests in flight finish on theirs
        else:
            self._pools.move_to_end(origin)
        return pool

    async def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> SendResult:
        started = time.perf_counter()
        try:
            origin, target = Origin.of(url)
            async with asyncio.timeout(self._timeout):
                answer = await self._pool(origin).post(
                    target, {**self._headers, **headers}, body, max_body=_SNIPPET_READ_BYTES
                )
        except UnsafeURLError as exc:
            return SendResult(None, time.perf_counter() - started, f"refused: {exc}", refused=True)
        except TimeoutError:
            return SendResult(None, time.perf_counter() - started, f"timed out after {self._timeout:g}s")
        except WebhookHTTPError as exc:
            return SendResult(None, time.perf_counter() - started, str(exc)[:500])
        status = answer.status_code
        return SendResult(
            status,
            time.perf_counter() - started,
            None if 200 <= status < 300 else f"HTTP {status}",
            answer.body_start.decode("utf-8", errors="replace")[:SNIPPET_CHARS],
            answer.headers.get("retry-after"),
        )

"""One webhook POST through the guarded client, reported as a value rather than an exception."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from wirewatch.runtime import UnsafeURLError, guarded_client

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
    """Posts webhooks with a total time limit; redirects are not followed (a 3xx is a failed attempt)."""

    def __init__(self, *, allowlist: list[str], timeout: float, connect_timeout: float, max_connections: int) -> None:
        self._timeout = timeout
        self._client = guarded_client(
            allowlist=allowlist,
            timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
            follow_redirects=False,
            user_agent="wirewatch-notify/0.1 (Standard Webhooks)",
            max_connections=max_connections,
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, url: str, headers: dict[str, str], body: bytes) -> SendResult:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                async with self._client.stream("POST", url, content=body, headers=headers) as response:
                    snippet = await _read_snippet(response)
        except (UnsafeURLError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return SendResult(None, time.perf_counter() - started, f"refused: {exc}", refused=True)
        except TimeoutError:
            return SendResult(None, time.perf_counter() - started, f"timed out after {self._timeout:g}s")
        except httpx.HTTPError as exc:
            return SendResult(None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"[:500])
        return SendResult(
            response.status_code,
            time.perf_counter() - started,
            None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}",
            snippet,
            response.headers.get("retry-after"),
        )


async def _read_snippet(response: httpx.Response) -> str:
    """The start of the response body; the rest is not read (the connection is dropped instead)."""
    data = b""
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= _SNIPPET_READ_BYTES:
            break
    return data.decode("utf-8", errors="replace")[:SNIPPET_CHARS]

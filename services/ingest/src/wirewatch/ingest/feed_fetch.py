"""One conditional GET of a feed through the guarded client, bounded in time, size and concurrency.

Every way a fetch can end becomes a :class:`FetchResult` with an outcome and, for failures, an error in words:
nothing here raises for a bad feed, so one broken feed can never stop the poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from wirewatch.contracts import FetchOutcome
from wirewatch.runtime import ResponseTooLargeError, UnsafeURLError, read_limited

ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class FetchResult:
    outcome: FetchOutcome
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)


class HostLimiter:
    """At most ``per_host`` fetches to one host at a time; idle hosts are forgotten so the map stays small."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self._per_host))
        self._users[host] = self._users.get(host, 0) + 1
        try:
            async with semaphore:
                yield
        finally:
            self._users[host] -= 1
            if not self._users[host]:
                del self._users[host], self._slots[host]


class FeedFetcher:
    def __init__(
        self, client: httpx.AsyncClient, *, max_bytes: int, timeout: float, concurrency: int, per_host: int
    ) -> None:
        self._client = client
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._overall = asyncio.Semaphore(concurrency)
        self._hosts = HostLimiter(per_host)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        headers = {"Accept": ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = httpx.URL(url).host if url.startswith(("http://", "https://")) else ""
        # Waiting for a slot does not count against the feed's deadline; only the network time does.
        async with self._overall, self._hosts.slot(host):
            try:
                async with asyncio.timeout(self._timeout):
                    return await self._get(url, headers)
            except TimeoutError:
                return FetchResult("timeout", error=f"no complete answer within {self._timeout:g} s")
            except (httpx.HTTPError, ResponseTooLargeError, UnsafeURLError) as exc:
                return _failure(exc)

    async def _get(self, url: str, headers: dict[str, str]) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            final_url = str(response.url)
            if status == httpx.codes.NOT_MODIFIED:
                return FetchResult(
                    "not_modified",
                    status,
                    final_url=final_url,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
            if status >= 400 or status < 200 or 300 <= status < 400:
                # A 3xx here is a redirect without a usable Location (followed ones never reach us).
                return FetchResult(
                    "http_error",
                    status,
                    final_url=final_url,
                    error=f"HTTP {status} {response.reason_phrase}".strip(),
                    retry_after=_retry_after(response.headers.get("retry-after")),
                )
            body = await read_limited(response, self._max_bytes)
            return FetchResult(
                "ok",
                status,
                body=body,
                content_type=response.headers.get("content-type"),
                final_url=final_url,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )


# How each exception a fetch can raise is reported; the first matching row wins (order: subclasses first).
_FAILURES: tuple[tuple[type[Exception], FetchOutcome, str], ...] = (
    (httpx.TimeoutException, "timeout", "timed out"),
    (ResponseTooLargeError, "too_large", "response too large"),
    (UnsafeURLError, "refused", "refused"),
    (httpx.TooManyRedirects, "redirect_error", "too many redirects"),
    (httpx.DecodingError, "error", "body could not be decoded (bad compression?)"),
    (httpx.TransportError, "connect_error", "connection failed"),
)


def _failure(exc: Exception) -> FetchResult:
    for kind, outcome, words in _FAILURES:
        if isinstance(exc, kind):
            return FetchResult(outcome, error=f"{words}: {type(exc).__name__}: {exc}".rstrip(": "))
    return FetchResult("error", error=f"{type(exc).__name__}: {exc}")


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None

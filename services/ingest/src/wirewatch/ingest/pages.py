"""Downloading an article page through the guarded client: bounded in time, size and redirects.

Every way a download can fail becomes a :class:`PageFetchError` that says in words what happened and whether
trying again later could help (``transient``: timeouts, connection failures, 5xx, 429) or not (404, a refused
address, a body over the limit, not HTML). The handler turns the first kind into a redelivery and the second into
a fallback on what the submission said.
"""

from __future__ import annotations

import asyncio
import codecs
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from wirewatch.runtime import ResponseTooLargeError, UnsafeURLError, guarded_client, read_limited

from .feed_fetch import HostLimiter

ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# What a server may call an HTML page. A missing content type is let through: extraction will tell.
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Status codes worth asking again later; every other 4xx means the page is not there for us.
_TRANSIENT_STATUS = frozenset({408, 425, 429})


class PageFetchError(Exception):
    """The page could not be had; ``str()`` says why in words, ``transient`` whether a later try may work."""

    def __init__(self, reason: str, *, transient: bool, outcome: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.outcome = outcome  # low-cardinality metric label


@dataclass(frozen=True, slots=True)
class FetchedPage:
    url: str  # where the page was finally found, after redirects
    status: int
    html: str | bytes  # str when the server named a charset we know, else bytes for extraction to decode
    content_type: str | None
    size: int  # bytes downloaded


def _decode(body: bytes, charset: str | None) -> str | bytes:
    if not charset:
        return body
    try:
        codecs.lookup(charset)
    except LookupError:
        return body
    return body.decode(charset, errors="replace")


class PageFetcher:
    """Fetches article pages; owns its HTTP client (open lazily, closed by :meth:`aclose`)."""

    def __init__(
        self,
        *,
        allowlist: list[str],
        timeout: float,
        max_bytes: int,
        max_redirects: int,
        per_host: int,
        max_connections: int = 32,
    ) -> None:
        self._allowlist = list(allowlist)
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._max_connections = max_connections
        self._client: httpx.AsyncClient | None = None
        # A feed publishes its new items together: without this, all their pages would hit one site at once.
        self._hosts = HostLimiter(per_host)

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = guarded_client(
                allowlist=self._allowlist,
                timeout=httpx.Timeout(min(self._timeout, 15.0), connect=min(self._timeout, 5.0)),
                follow_redirects=True,
                max_redirects=self._max_redirects,
                max_connections=self._max_connections,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(self, url: str) -> FetchedPage:
        """GET ``url``; raises :class:`PageFetchError` for every failure (never anything else for a bad page).

        The deadline covers the whole download (connect, redirects, body), so a body that trickles forever ends
        here; waiting for the host's turn does not count against it.
        """
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        async with self._hosts.slot(host):
            return await self._fetch(url)

    async def _fetch(self, url: str) -> FetchedPage:
        try:
            async with asyncio.timeout(self._timeout):
                return await self._get(url)
        except TimeoutError:
            raise PageFetchError(
                f"no complete answer within {self._timeout:g} s", transient=True, outcome="timeout"
            ) from None
        except PageFetchError:
            raise
        except UnsafeURLError as exc:
            raise PageFetchError(f"refused: {exc}", transient=False, outcome="refused") from None
        except ResponseTooLargeError as exc:
            raise PageFetchError(f"page too large: {exc}", transient=False, outcome="too_large") from None
        except httpx.TooManyRedirects:
            raise PageFetchError(
                f"more than {self._max_redirects} redirects", transient=False, outcome="redirects"
            ) from None
        except httpx.TimeoutException as exc:
            raise PageFetchError(f"timed out: {type(exc).__name__}", transient=True, outcome="timeout") from None
        except httpx.DecodingError as exc:
            raise PageFetchError(f"body could not be decoded: {exc}", transient=False, outcome="error") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:  # before TransportError: a subclass
            raise PageFetchError(f"not a fetchable URL: {exc}", transient=False, outcome="refused") from None
        except httpx.TransportError as exc:
            words = str(exc) or type(exc).__name__
            raise PageFetchError(f"connection failed: {words}", transient=True, outcome="connect_error") from None

    async def _get(self, url: str) -> FetchedPage:
        async with self._http().stream("GET", url, headers={"Accept": ACCEPT}) as response:
            status = response.status_code
            if status >= 400 or status < 200 or 300 <= status < 400:
                # A 3xx here is a redirect without a usable Location (followed ones never reach us).
                transient = status >= 500 or status in _TRANSIENT_STATUS
                words = f"HTTP {status} {response.reason_phrase}".strip()
                raise PageFetchError(words, transient=transient, outcome="http_5xx" if status >= 500 else "http_4xx")
            content_type = response.headers.get("content-type")
            media_type = (content_type or "").split(";")[0].strip().lower()
            if media_type and not media_type.startswith(_HTML_TYPES):
                raise PageFetchError(f"not an HTML page ({media_type})", transient=False, outcome="not_html")
            body = await read_limited(response, self._max_bytes)
            return FetchedPage(
                str(response.url), status, _decode(body, response.charset_encoding), content_type, len(body)
            )

"""The one guarded HTTP client for outgoing requests (feeds, article pages, webhooks).

It refuses targets in private, loopback, link-local, multicast, reserved and cloud-metadata ranges unless the
address is allowlisted, checks every redirect hop (httpx sends each hop through the transport), bounds every
request in time, and lets callers read bodies with a size limit.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpx

from ._errors import ResponseTooLargeError, UnsafeURLError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def parse_allowlist(entries: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Parse ``127.0.0.1`` or ``10.0.0.0/8`` style entries into networks."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def is_public_address(address: IPAddress) -> bool:
    """True when the address is routable on the public internet (not private, loopback, metadata, ...)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class GuardedTransport(httpx.AsyncBaseTransport):
    """Resolves each request's host and refuses it unless every address is public or allowlisted."""

    def __init__(self, allowlist: tuple[IPNetwork, ...] = (), **transport_options: Any) -> None:
        self._allowlist = allowlist
        self._inner = httpx.AsyncHTTPTransport(**transport_options)

    def _allowed(self, address: IPAddress) -> bool:
        return is_public_address(address) or any(address in net for net in self._allowlist)

    async def _check(self, url: httpx.URL) -> None:
        if url.scheme not in {"http", "https"}:
            raise UnsafeURLError(f"scheme {url.scheme!r} is not allowed")
        host = url.host
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(host, url.port or 443, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from exc
            addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        refused = [str(a) for a in addresses if not self._allowed(a)]
        if refused:
            raise UnsafeURLError(f"{host} resolves to a non-public address ({', '.join(refused)}) not allowlisted")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._check(request.url)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def guarded_client(
    *,
    allowlist: Iterable[str] = (),
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    max_redirects: int = 5,
    follow_redirects: bool = False,
    user_agent: str = "wirewatch/0.1 (+https://github.com/wirewatch)",
    max_connections: int = 100,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` whose every request (and redirect hop) passes the address guard."""
    transport = GuardedTransport(
        parse_allowlist(allowlist),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=20),
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        headers={"User-Agent": user_agent},
    )


async def read_limited(response: httpx.Response, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a streamed response body, failing as soon as it grows past ``max_bytes``."""
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(f"body of {declared} bytes exceeds the limit of {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(f"body exceeds the limit of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

"""A small HTTP/1.1 client for webhook POSTs: keep-alive connections per origin, on asyncio streams and h11.

Why not httpx (which the rest of wirewatch uses through ``wirewatch.runtime.guarded_client``): a webhook is one
POST and a short answer, and httpx's layers cost about 1.7 ms of CPU per request here, which capped notify near
600 webhooks/s with nothing else running. This does the same with one write per request and h11's parser.

It applies the same address policy as the guarded client (``is_public_address`` + allowlist) and connects to the
very address it checked, so a DNS answer that changes between the check and the connection cannot slip through.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

from wirewatch.runtime import UnsafeURLError, is_public_address, parse_allowlist

_READ_CHUNK = 65_536


class WebhookHTTPError(Exception):
    """The request could not be made or its answer could not be read (connection refused, reset, bad HTTP)."""


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    headers: dict[str, str]
    body_start: bytes


@dataclass(frozen=True, slots=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> tuple[Origin, str]:
        """The origin and the request target (path and query) of an http(s) URL."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in {"http", "https"}:
            raise UnsafeURLError(f"scheme {scheme!r} is not allowed")
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:
            raise UnsafeURLError(f"not a valid URL: {exc}") from exc
        if not host:
            raise UnsafeURLError("URL has no host")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(scheme, host, port or (443 if scheme == "https" else 80)), target

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(our_role=h11.CLIENT)
        self.used = False  # it has carried a request before: the server may since have closed it

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class AddressPolicy:
    """Which addresses webhooks may reach: public ones, and the allowlisted private ones."""

    def __init__(self, allowlist: Iterable[str]) -> None:
        self._allowlist = parse_allowlist(allowlist)

    async def resolve(self, host: str, port: int) -> str:
        """An address of ``host`` to connect to; UnsafeURLError when any of its addresses is not allowed."""
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as exc:
                raise WebhookHTTPError(f"cannot resolve {host}: {exc}") from exc
            addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
        refused = [str(a) for a in addresses if not is_public_address(a) and not any(a in n for n in self._allowlist)]
        if refused:
            raise UnsafeURLError(f"{host} resolves to a non-public address ({', '.join(refused)}) not allowlisted")
        return str(addresses[0])


class OriginPool:
    """Keep-alive connections to one origin; at most ``max_idle`` are kept between requests."""

    def __init__(self, origin: Origin, policy: AddressPolicy, *, connect_timeout: float, max_idle: int) -> None:
        self.origin = origin
        self._policy = policy
        self._connect_timeout = connect_timeout
        self._max_idle = max_idle
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if origin.scheme == "https" else None

    async def post(self, target: str, headers: dict[str, str], body: bytes, *, max_body: int) -> Answer:
        """POST and read the answer (its body up to ``max_body`` bytes). A kept-alive connection that turns out
        to be closed by the other side is replaced once, before anything was read from it."""
        while self._idle:
            connection = self._idle.pop()
            try:
                return await self._exchange(connection, target, headers, body, max_body)
            except _StaleConnectionError:
                connection.close()
        return await self._exchange(await self._connect(), target, headers, body, max_body)

    async def _connect(self) -> _Connection:
        address = await self._policy.resolve(self.origin.host, self.origin.port)
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    address,
                    self.origin.port,
                    ssl=self._ssl,
                    server_hostname=self.origin.host if self._ssl else None,
                    limit=_READ_CHUNK,
                ),
                self._connect_timeout,
            )
        except TimeoutError as exc:
            raise WebhookHTTPError(f"ConnectTimeout: no connection within {self._connect_timeout:g}s") from exc
        except OSError as exc:
            raise WebhookHTTPError(f"ConnectError: {exc}") from exc
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Connection(reader, writer)

    async def _exchange(
        self, connection: _Connection, target: str, headers: dict[str, str], body: bytes, max_body: int
    ) -> Answer:
        reused = connection.used
        request = h11.Request(
            method="POST",
            target=target,
            headers=[("host", self.origin.host_header), ("content-length", str(len(body))), *headers.items()],
        )
        data = connection.h11.send(request) or b""
        data += connection.h11.send(h11.Data(data=body)) or b""
        data += connection.h11.send(h11.EndOfMessage()) or b""
        try:
            connection.writer.write(data)
            await connection.writer.drain()
            answer, complete = await self._read(connection, max_body, reused)
        except (_StaleConnectionError, WebhookHTTPError):
            connection.close()
            raise
        except (OSError, h11.ProtocolError) as exc:
            connection.close()
            raise WebhookHTTPError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            connection.close()  # cancelled or timed out mid-request: the connection's state is unknown
            raise
        self._release(connection, complete)
        return answer

    async def _read(self, connection: _Connection, max_body: int, reused: bool) -> tuple[Answer, bool]:
        status, answer_headers, body = 0, {}, b""
        received_any = False
        while True:
            event = connection.h11.next_event()
            if event is h11.NEED_DATA:
                chunk = await connection.reader.read(_READ_CHUNK)
                if not chunk and reused and not received_any:
                    raise _StaleConnectionError
                received_any = received_any or bool(chunk)
                connection.h11.receive_data(chunk)
                continue
            if isinstance(event, h11.Response):
                status = event.status_code
                answer_headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in event.headers}
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) >= max_body:  # enough to show what it said; the rest is not read
                    return Answer(status, answer_headers, body[:max_body]), False
            elif isinstance(event, h11.EndOfMessage):
                return Answer(status, answer_headers, body), True
            elif isinstance(event, h11.ConnectionClosed):
                if reused and not received_any:
                    raise _StaleConnectionError
                raise WebhookHTTPError("RemoteProtocolError: the server closed the connection without an answer")

    def _release(self, connection: _Connection, complete: bool) -> None:
        reusable = (
            complete
            and connection.h11.our_state is h11.DONE
            and connection.h11.their_state is h11.DONE
            and len(self._idle) < self._max_idle
        )
        if not reusable:
            connection.close()
            return
        connection.h11.start_next_cycle()
        connection.used = True
        self._idle.append(connection)

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


class _StaleConnectionError(Exception):
    """A kept-alive connection was closed by the server before this request: try a fresh one."""

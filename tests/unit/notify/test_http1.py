"""The webhook HTTP/1.1 client against a local keep-alive server: reuse, stale connections, refusals, snippets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from wirewatch.notify.sender import WebhookSender


class Server:
    """Keep-alive HTTP/1.1 server on 127.0.0.1 that counts connections and can drop them."""

    def __init__(self) -> None:
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.body = b"ok"
        self.status = b"200 OK"
        self.extra = b""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                await reader.readexactly(length)
                writer.write(
                    b"HTTP/1.1 "
                    + self.status
                    + b"\r\ncontent-length: %d\r\n" % len(self.body)
                    + self.extra
                    + b"\r\n"
                    + self.body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[tuple[Server, int]]:
    state = Server()
    srv = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield state, port
    finally:
        for writer in state.writers:
            writer.close()
        srv.close()


def sender(allow: list[str] | None = None) -> WebhookSender:
    return WebhookSender(
        allowlist=["127.0.0.1"] if allow is None else allow, timeout=2.0, connect_timeout=1.0, connections_per_origin=4
    )


async def test_connections_are_kept_alive_and_a_closed_one_is_replaced(server: tuple[Server, int]) -> None:
    state, port = server
    client = sender()
    for _ in range(3):
        result = await client.send(f"http://127.0.0.1:{port}/hook?x=1", {"webhook-id": "msg_1"}, b"{}")
        assert result.ok
        assert result.response_snippet == "ok"
    assert state.connections == 1
    for writer in state.writers:  # the server closes its side while the connection is idle
        writer.close()
    await asyncio.sleep(0.05)
    assert (await client.send(f"http://127.0.0.1:{port}/hook", {}, b"{}")).ok
    assert state.connections == 2
    await client.close()


async def test_status_snippet_and_retry_after(server: tuple[Server, int]) -> None:
    state, port = server
    state.status, state.body, state.extra = b"429 Too Many Requests", b"x" * 5000, b"retry-after: 7\r\n"
    result = await sender().send(f"http://127.0.0.1:{port}/", {}, b"{}")
    assert (result.status_code, result.error, result.retry_after) == (429, "HTTP 429", "7")
    assert result.response_snippet == "x" * 200


async def test_refused_and_unreachable_addresses(server: tuple[Server, int]) -> None:
    _, port = server
    strict = sender(allow=[])
    for url in (f"http://127.0.0.1:{port}/", "http://169.254.169.254/latest", "http://localhost/", "ftp://x.example/"):
        result = await strict.send(url, {}, b"{}")
        assert result.refused, url
        assert result.error is not None
        assert result.error.startswith("refused:")
    with_socket_closed = await sender().send("http://127.0.0.1:1/", {}, b"{}")
    assert not with_socket_closed.refused
    assert with_socket_closed.error is not None
    assert with_socket_closed.error.startswith("ConnectError")

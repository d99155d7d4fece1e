"""The benchmark's webhook receiver: a small HTTP/1.1 server on 127.0.0.1 in a thread with its own event loop.

It answers ``200`` at once and records, once per ``webhook-id`` (notify may deliver a webhook again; the receiver
de-duplicates as a real one should), the arrival time, the path (one per subscription) and the article that caused
the event change. Its own loop keeps arrival times honest while the benchmark's loop is busy submitting articles.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from dataclasses import dataclass

_OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"
_BAD = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"
_MAX_BODY = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Arrival:
    webhook_id: str
    path: str
    article_id: str | None
    change: str
    received_at: float  # time.time()


class BenchReceiver:
    """``start()``, then ``url(path)`` per subscription; ``arrivals`` holds the first arrival of each webhook id."""

    def __init__(self) -> None:
        self.arrivals: dict[str, Arrival] = {}
        self.repeats = 0  # deliveries of a webhook id that had arrived already
        self.rejected = 0  # requests that were not a readable webhook
        self.port = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="bench-webhooks", daemon=True)

    def start(self) -> BenchReceiver:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the webhook receiver did not start")
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is not None and server is not None:
            loop.call_soon_threadsafe(server.close)
            loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def snapshot(self) -> list[Arrival]:
        with self._lock:
            return list(self.arrivals.values())

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024))
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            while True:  # keep-alive: notify sends one request after another on a connection
                head = await reader.readuntil(b"\r\n\r\n")
                arrived = time.time()
                request_line, *lines = head.decode("latin-1").split("\r\n")
                path = request_line.split(" ")[1] if request_line.count(" ") >= 2 else "/"
                headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines) if v}
                length = int(headers.get("content-length", "0") or 0)
                if length > _MAX_BODY:
                    writer.write(_BAD)
                    break
                body = await reader.readexactly(length) if length else b""
                writer.write(_OK if self._record(path, headers.get("webhook-id"), body, arrived) else _BAD)
                await writer.drain()
        writer.close()

    def _record(self, path: str, webhook_id: str | None, body: bytes, arrived: float) -> bool:
        try:
            data = json.loads(body)
            change = str(data["type"])
            article_id = data["data"].get("article_id")
        except (ValueError, KeyError, TypeError, AttributeError):
            data = None
        with self._lock:
            if data is None or not webhook_id:
                self.rejected += 1
                return False
            if webhook_id in self.arrivals:
                self.repeats += 1
            else:
                self.arrivals[webhook_id] = Arrival(webhook_id, path, article_id, change, arrived)
        return True

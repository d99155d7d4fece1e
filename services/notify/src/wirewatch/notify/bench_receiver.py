"""The benchmark's webhook receiver: a small asyncio HTTP/1.1 server in its own process.

It answers ``200 ok`` at once, except on paths starting with ``/slow`` (after ``--slow-seconds``), and records for
each request the time from the event's ``timestamp`` (set when the bench published it) to its arrival.
``GET /stats`` returns ``{path: [seconds, ...]}``; ``POST /reset`` forgets them. Run:
``python -m wirewatch.notify.bench_receiver --port 9000``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
from collections import defaultdict
from datetime import datetime

_OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: text/plain\r\n\r\nok"


class Receiver:
    def __init__(self, slow_seconds: float) -> None:
        self.slow_seconds = slow_seconds
        self.latencies: dict[str, list[float]] = defaultdict(list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while True:  # keep-alive: one request after another on the connection
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ", 2)
                headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
                length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
                body = await reader.readexactly(length) if length else b""
                if path.startswith("/slow"):
                    await asyncio.sleep(self.slow_seconds)
                writer.write(self.answer(method, path, body))
                await writer.drain()
        writer.close()

    def answer(self, method: str, path: str, body: bytes) -> bytes:
        if method == "GET" and path == "/stats":
            data = json.dumps(self.latencies).encode()
            return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\ncontent-type: application/json\r\n\r\n%s" % (
                len(data),
                data,
            )
        if method == "POST" and path == "/reset":
            self.latencies.clear()
            return _OK
        arrived = time.time()
        with contextlib.suppress(ValueError, KeyError, TypeError):
            sent = datetime.fromisoformat(json.loads(body)["timestamp"]).timestamp()
            self.latencies[path].append(arrived - sent)
        return _OK


async def serve(port: int, slow_seconds: float) -> None:
    receiver = Receiver(slow_seconds)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--slow-seconds", type=float, default=10.0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.slow_seconds))


if __name__ == "__main__":
    main()

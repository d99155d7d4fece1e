"""A real local HTTP server that records webhook requests and answers as a test tells it to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float


@dataclass(slots=True)
class Behaviour:
    """How the receiver answers on one path: a status sequence (last one repeats), a delay, extra headers."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    calls: int = 0

    def next_status(self) -> int:
        status = self.statuses[min(self.calls, len(self.statuses) - 1)]
        self.calls += 1
        return status


class WebhookReceiver:
    """Listens on 127.0.0.1; ``url(path)`` gives an endpoint; ``requests`` holds everything received."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.behaviours: dict[str, Behaviour] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(
                        ReceivedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.time())
                    )
                    behaviour = receiver.behaviours.setdefault(self.path, Behaviour())
                    status = behaviour.next_status()
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                self.send_response(status)
                for key, value in behaviour.headers.items():
                    self.send_header(key, value)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def behave(self, path: str, **options: object) -> None:
        self.behaviours[path] = Behaviour(**options)  # type: ignore[arg-type]

    def received(self, path: str | None = None) -> list[ReceivedRequest]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]


async def eventually(
    check: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.1, what: str = "condition"
) -> object:
    """Poll ``check`` (sync or async) until it returns a truthy value; fail with ``what`` after ``timeout``."""
    import asyncio  # noqa: PLC0415 - keeps the module importable without a loop
    import inspect  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = check()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last value: {last!r})")

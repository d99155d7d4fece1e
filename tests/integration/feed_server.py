"""A local HTTP server (127.0.0.1) that serves feeds and misbehaves on request, for the feed poller tests.

Each path has a :class:`Route`: a body with ETag / Last-Modified support (304 when the validators match), or a
misbehaviour (an error status, a stall, an endless body, a redirect). Every request is recorded with its time.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Behaviour = Literal["feed", "status", "stall", "endless", "redirect"]


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    behaviour: Behaviour = "feed"
    status: int = 200
    location: str = ""  # for redirects
    stall_seconds: float = 0.0
    validators: bool = True  # send ETag and Last-Modified, answer 304 when they match
    gzip: bool = False


@dataclass
class Hit:
    path: str
    at: float
    status: int
    conditional: bool


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FeedServer:
        server_ref = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                server_ref._serve(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits_of(self, path: str) -> list[Hit]:
        with self._lock:
            return [hit for hit in self.hits if hit.path == path]

    def _record(self, path: str, status: int, conditional: bool) -> None:
        with self._lock:
            self.hits.append(Hit(path, time.monotonic(), status, conditional))

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        route = self.routes.get(path)
        conditional = bool(handler.headers.get("If-None-Match") or handler.headers.get("If-Modified-Since"))
        if route is None:
            self._record(path, 404, conditional)
            _answer(handler, 404, b"not found", "text/plain")
            return
        if route.behaviour == "stall":
            self._record(path, 0, conditional)
            time.sleep(route.stall_seconds)
            _answer(handler, 200, route.body, route.content_type)
            return
        if route.behaviour == "status":
            self._record(path, route.status, conditional)
            _answer(handler, route.status, b"server error", "text/plain")
            return
        if route.behaviour == "redirect":
            self._record(path, 302, conditional)
            _answer(handler, 302, b"", "text/plain", {"Location": route.location})
            return
        if route.behaviour == "endless":
            self._record(path, 200, conditional)
            _endless(handler)
            return
        etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
        last_modified = "Tue, 24 Nov 2026 10:00:00 GMT"
        if route.validators and (
            handler.headers.get("If-None-Match") == etag or handler.headers.get("If-Modified-Since") == last_modified
        ):
            self._record(path, 304, conditional)
            _answer(handler, 304, b"", route.content_type, {"ETag": etag})
            return
        self._record(path, 200, conditional)
        headers = {"ETag": etag, "Last-Modified": last_modified} if route.validators else {}
        body = route.body
        if route.gzip:
            import gzip  # noqa: PLC0415

            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        _answer(handler, 200, body, route.content_type, headers)


def _answer(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> None:
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _endless(handler: BaseHTTPRequestHandler) -> None:
    """A chunked body that never ends (until the client hangs up, or 30 s as a safety net)."""
    chunk = b"<item><title>" + b"x" * 8000 + b"</title></item>"
    deadline = time.monotonic() + 30
    try:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"%x\r\n<rss><channel>\r\n" % len(b"<rss><channel>"))
        while time.monotonic() < deadline:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            time.sleep(0.001)
    except (BrokenPipeError, ConnectionResetError, OSError):
        pass
    handler.close_connection = True

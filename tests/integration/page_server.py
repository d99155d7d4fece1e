"""A local HTTP server (127.0.0.1) serving article pages, and pages that misbehave, for the page-fetch tests.

Each path maps to a :class:`Page`: a body with a status and content type, a redirect, a huge body, or a body that
never ends. Routes can be replaced while the server runs (a page that changes between two fetches). Every request
is counted by path.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Kind = Literal["body", "redirect", "endless", "drip"]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-page is what several tests do on purpose: not worth a traceback."""


@dataclass(frozen=True)
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    kind: Kind = "body"
    location: str = ""


@dataclass
class PageServer:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> PageServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                owner._serve(self)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def count(self, path: str) -> int:
        with self._lock:
            return self.hits[path]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self.hits[path] += 1
        page = self.pages.get(path, Page(b"not found", 404, "text/plain"))
        try:
            if page.kind in {"endless", "drip"}:
                _stream_forever(handler, page)
                return
            handler.send_response(page.status)
            handler.send_header("Content-Type", page.content_type)
            if page.kind == "redirect":
                handler.send_header("Location", page.location)
            handler.send_header("Content-Length", str(len(page.body)))
            handler.end_headers()
            handler.wfile.write(page.body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _stream_forever(handler: BaseHTTPRequestHandler, page: Page) -> None:
    """A chunked HTML body that never ends: fast (``endless``) or a few bytes a second (``drip``).

    It stops when the client hangs up, or after 30 s as a safety net.
    """
    chunk = b"<p>" + b"lorem ipsum " * (700 if page.kind == "endless" else 1) + b"</p>"
    pause = 0.001 if page.kind == "endless" else 0.2
    deadline = time.monotonic() + 30
    try:
        handler.send_response(200)
        handler.send_header("Content-Type", page.content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        while time.monotonic() < deadline:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.flush()
            time.sleep(pause)
    except OSError:
        pass
    handler.close_connection = True

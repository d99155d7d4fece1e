"""Run :func:`extract_page` in worker processes, each page bounded in time.

Why processes and not threads: extraction is CPU-bound Python (lxml + trafilatura) that would hold the GIL away
from the event loop, and a thread that hangs on a pathological page cannot be stopped. A worker process can be:
when a page takes longer than ``timeout`` its worker is killed and replaced, and the page is reported as failed.
Workers start lazily (``spawn``: no fork of a process with live sockets and threads) and exit on their own when
the service dies, since their pipe then closes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any

from .extraction import ExtractedPage, extract_page

# A worker that cannot import trafilatura within this long is broken, not slow.
_START_TIMEOUT = 60.0

# A worker is replaced after this many pages, so whatever lxml or trafilatura's caches hold on to cannot grow forever.
MAX_PAGES_PER_WORKER = 500

Extract = Callable[[str | bytes, str | None], ExtractedPage]


class ExtractionError(Exception):
    """The page could not be extracted (took too long, crashed its worker, or raised); says why in words."""


def _serve(conn: Connection, extract: Extract) -> None:
    """Worker loop: receive ``(html, url)``, answer ``("ok", page)`` or ``("error", words)``; stop on EOF."""
    conn.send(("ready", None))
    while True:
        try:
            html, url = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("ok", extract(html, url))
        except Exception as exc:  # noqa: BLE001 - any failure is this page's, reported back in words
            answer = ("error", f"{type(exc).__name__}: {exc}")
        conn.send(answer)


class _Worker:
    def __init__(self, extract: Extract) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_serve, args=(child, extract), daemon=True, name="extraction"
        )
        self.process.start()
        child.close()
        self.pages = 0
        try:
            started = self.conn.poll(_START_TIMEOUT) and self.conn.recv()
        except (EOFError, OSError):
            # E.g. the main module of a script without an ``if __name__ == "__main__"`` guard ran again in it.
            started = False
        if not started:
            self.kill()
            raise ExtractionError("extraction worker did not start")

    def run(self, html: str | bytes, url: str | None, timeout: float) -> ExtractedPage:
        """Blocking round trip (called in a thread); kills the worker when the answer is late."""
        self.pages += 1
        try:
            self.conn.send((html, url))
            ready = self.conn.poll(timeout)
            if not ready:
                self.kill()
                raise ExtractionError(f"extraction took longer than {timeout:g} s")
            status, value = self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise ExtractionError(f"extraction worker died ({type(exc).__name__})") from None
        if status != "ok":
            raise ExtractionError(f"extraction failed: {value}")
        return value  # type: ignore[no-any-return]

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class ExtractionWorkers:
    """At most ``workers`` pages extracted at once, each in its own process and within ``timeout`` seconds.

    ``extract`` must be a module-level function (the worker process imports it by name); tests swap in others.
    """

    def __init__(self, *, workers: int, timeout: float, extract: Extract = extract_page) -> None:
        self._timeout = timeout
        self._extract = extract
        self._slots = asyncio.Semaphore(workers)
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._closed = False

    async def extract(self, html: str | bytes, url: str | None) -> tuple[ExtractedPage, float]:
        """The extracted page and the seconds extraction took; raises :class:`ExtractionError`."""
        async with self._slots:
            if self._closed:
                raise ExtractionError("extraction workers are shut down")
            worker = self._idle.pop() if self._idle else await self._start()
            started = time.perf_counter()
            reusable = False
            try:
                page = await asyncio.to_thread(worker.run, html, url, self._timeout)
                reusable = True
            except ExtractionError:
                reusable = True  # the page's fault; a worker that hung or died is no longer alive
                raise
            finally:
                # Not reused: cancelled mid-page (its thread may still be talking to it), closed, or retired
                # after its share of pages.
                if reusable and worker.alive and not self._closed and worker.pages < MAX_PAGES_PER_WORKER:
                    self._idle.append(worker)
                else:
                    self._all.discard(worker)
                    worker.kill()
            return page, time.perf_counter() - started

    async def _start(self) -> _Worker:
        worker = await asyncio.to_thread(_Worker, self._extract)
        self._all.add(worker)
        return worker

    async def aclose(self) -> None:
        self._closed = True
        workers, self._all, self._idle = list(self._all), set(), []
        for worker in workers:
            await asyncio.to_thread(worker.kill)

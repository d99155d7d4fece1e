"""Loads the enricher in a worker thread at startup, so the service answers /healthz while the model loads."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from .batcher import BatchEnricher

log = logging.getLogger("wirewatch.enrich")


class EnricherLoader:
    """Starts the blocking load once; handlers await :meth:`get`. A failed load is retried on the next ``get``."""

    def __init__(self, factory: Callable[[], BatchEnricher]) -> None:
        self._factory = factory
        self._task: asyncio.Future[BatchEnricher] | None = None

    def start(self) -> None:
        if self._task is None or (self._task.done() and self._task.exception() is not None):
            self._task = asyncio.ensure_future(asyncio.to_thread(self._load))

    def _load(self) -> BatchEnricher:
        started = time.perf_counter()
        enricher = self._factory()
        log.info("enrichment model loaded", extra={"seconds": round(time.perf_counter() - started, 2)})
        return enricher

    async def get(self) -> BatchEnricher:
        self.start()
        assert self._task is not None
        # shield: a handler cancelled while waiting must not cancel the load every other handler waits for.
        return await asyncio.shield(self._task)

    @property
    def state(self) -> str:
        """ "ok", "loading", "not started" or "failed: <error type>"."""
        if self._task is None:
            return "not started"
        if not self._task.done():
            return "loading"
        if (exc := self._task.exception()) is not None:
            return f"failed: {type(exc).__name__}"
        return "ok"

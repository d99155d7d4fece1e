"""Coalesces concurrent enrich requests into one ``Enricher.enrich_many`` call (one ``nlp.pipe`` batch).

The pull subscriber fetches up to ``batch_size`` messages at a time and runs their handlers concurrently; each
handler asks the batcher for its article's enrichment and waits. The batcher collects whatever is waiting,
enriches it in one worker-thread call and hands each handler its result, so every message still goes through
``consume()`` on its own: store, publish, and only then ack (at least once, per message). Requests that arrive
while a batch runs form the next batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from wirewatch.contracts import Enrichment

from .enricher import Enricher


@dataclass(slots=True)
class _Request:
    title: str
    text: str
    lang: str | None
    future: asyncio.Future[Enrichment]


class EnrichBatcher:
    """``await batcher.enrich(title, text, lang)``; calls made in the same moment share one NLP batch."""

    def __init__(
        self,
        get_enricher: Callable[[], Awaitable[Enricher]],
        *,
        max_batch: int = 64,
        on_batch: Callable[[int, float], None] | None = None,
    ) -> None:
        self._get_enricher = get_enricher
        self._max_batch = max_batch
        self._on_batch = on_batch
        self._pending: list[_Request] = []
        self._runner: asyncio.Task[None] | None = None

    async def enrich(self, title: str, text: str, lang: str | None) -> Enrichment:
        future: asyncio.Future[Enrichment] = asyncio.get_running_loop().create_future()
        self._pending.append(_Request(title, text, lang, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        await asyncio.sleep(0)  # let the other handlers started by the same fetch add their articles
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            batch = [r for r in batch if not r.future.done()]  # a cancelled handler no longer waits
            if not batch:
                continue
            try:
                enricher = await self._get_enricher()
                started = time.perf_counter()
                # CPU-bound (spaCy, regexes): in a worker thread so the event loop keeps acking and heartbeating.
                results = await asyncio.to_thread(enricher.enrich_many, [(r.title, r.text, r.lang) for r in batch])
            except Exception as exc:  # noqa: BLE001 - every waiting handler gets the failure and retries its message
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(exc)
                continue
            if self._on_batch is not None:
                self._on_batch(len(batch), time.perf_counter() - started)
            for request, result in zip(batch, results, strict=True):
                if not request.future.done():
                    request.future.set_result(result)

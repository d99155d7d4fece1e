"""Coalesces concurrent requests into one batch call: one ``nlp.pipe`` batch, one MongoDB bulk write.

The pull subscriber runs many handlers at once; each asks for its own article's enrichment (and later its
store) and waits. A :class:`Coalescer` collects whatever is waiting, makes one call for all of it and hands each
handler its own result, so every message still goes through ``consume()`` on its own: store, publish, and only
then ack (at least once, per message). Requests that arrive while a batch runs form the next batch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from wirewatch.contracts import Enrichment

from .enricher import ArticleText

T = TypeVar("T")
R = TypeVar("R")

# A batch call answers each item with its result, or with the exception that item alone failed with.
BatchCall = Callable[[list[T]], Awaitable[list[R | Exception]]]


@dataclass(slots=True)
class _Request(Generic[T, R]):
    item: T
    future: asyncio.Future[R]


class Coalescer(Generic[T, R]):
    """``await coalescer.submit(item)``; items submitted in the same moment share one ``call``.

    If ``call`` raises, every request of that batch gets the exception; an exception returned in an item's slot
    reaches only that item's request.
    """

    def __init__(self, call: BatchCall[T, R], *, max_batch: int = 64) -> None:
        self._call = call
        self._max_batch = max_batch
        self._pending: list[_Request[T, R]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append(_Request(item, future))
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        await asyncio.sleep(0)  # let the other handlers started in the same moment add their items
        while self._pending:
            batch, self._pending = self._pending[: self._max_batch], self._pending[self._max_batch :]
            batch = [r for r in batch if not r.future.done()]  # a cancelled handler no longer waits
            if not batch:
                continue
            try:
                results = await self._call([r.item for r in batch])
            except Exception as exc:  # noqa: BLE001 - every waiting handler gets the failure and retries its message
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(exc)
                continue
            for request, result in zip(batch, results, strict=True):
                if request.future.done():
                    continue
                if isinstance(result, Exception):
                    request.future.set_exception(result)
                else:
                    request.future.set_result(result)


class BatchEnricher(Protocol):
    """:class:`~wirewatch.enrich.enricher.Enricher` in this process, or
    :class:`~wirewatch.enrich.nlp_process.EnricherProcess` in a child: blocking, one result per article (an
    exception for an article that alone failed)."""

    def enrich_many(self, items: list[ArticleText], /) -> Sequence[Enrichment | Exception]: ...


class EnrichBatcher:
    """``await batcher.enrich(title, text, lang)``; calls made in the same moment share one NLP batch."""

    def __init__(
        self,
        get_enricher: Callable[[], Awaitable[BatchEnricher]],
        *,
        max_batch: int = 64,
        on_batch: Callable[[int, float], None] | None = None,
    ) -> None:
        self._get_enricher = get_enricher
        self._on_batch = on_batch
        self._coalescer: Coalescer[ArticleText, Enrichment] = Coalescer(self._enrich_many, max_batch=max_batch)

    async def enrich(self, title: str, text: str, lang: str | None) -> Enrichment:
        return await self._coalescer.submit((title, text, lang))

    async def _enrich_many(self, items: list[ArticleText]) -> list[Enrichment | Exception]:
        enricher = await self._get_enricher()
        started = time.perf_counter()
        # Blocking (the NLP itself, or waiting for the NLP process): in a worker thread, so the event loop keeps
        # acking and heartbeating.
        results: list[Enrichment | Exception] = [*await asyncio.to_thread(enricher.enrich_many, items)]
        if self._on_batch is not None:
            self._on_batch(len(items), time.perf_counter() - started)
        return results

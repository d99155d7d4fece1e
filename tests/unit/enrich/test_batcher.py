"""The batcher: concurrent requests share one enrich_many call; a failure reaches every waiting request."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from wirewatch.contracts import Enrichment
from wirewatch.enrich.batcher import Coalescer, EnrichBatcher


class FakeEnricher:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []
        self.fail = fail

    def enrich_many(self, items: list[tuple[str, str, str | None]]) -> list[Enrichment]:
        self.calls.append(len(items))
        if self.fail:
            raise RuntimeError("model exploded")
        return [Enrichment(summary=title) for title, _, _ in items]


def _batcher(enricher: Any, **kwargs: Any) -> EnrichBatcher:
    async def get() -> Any:
        return enricher

    return EnrichBatcher(get, **kwargs)


async def test_concurrent_requests_share_one_batch_and_get_their_own_result() -> None:
    enricher = FakeEnricher()
    batcher = _batcher(enricher)
    results = await asyncio.gather(*(batcher.enrich(f"t{i}", "", None) for i in range(10)))
    assert [r.summary for r in results] == [f"t{i}" for i in range(10)]
    assert enricher.calls == [10]


async def test_batches_are_capped() -> None:
    enricher = FakeEnricher()
    batcher = _batcher(enricher, max_batch=4)
    await asyncio.gather(*(batcher.enrich(f"t{i}", "", None) for i in range(10)))
    assert enricher.calls == [4, 4, 2]


async def test_a_failure_reaches_every_request_and_the_next_batch_still_runs() -> None:
    enricher = FakeEnricher(fail=True)
    batcher = _batcher(enricher)
    results = await asyncio.gather(*(batcher.enrich("t", "", None) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    enricher.fail = False
    assert (await batcher.enrich("again", "", None)).summary == "again"


async def test_a_cancelled_request_does_not_break_the_others() -> None:
    enricher = FakeEnricher()
    batcher = _batcher(enricher)
    doomed = asyncio.ensure_future(batcher.enrich("doomed", "", None))
    kept = asyncio.ensure_future(batcher.enrich("kept", "", None))
    await asyncio.sleep(0)
    doomed.cancel()
    assert (await kept).summary == "kept"
    with pytest.raises(asyncio.CancelledError):
        await doomed


async def test_an_item_failure_reaches_only_that_item() -> None:
    async def call(items: list[int]) -> list[int | Exception]:
        return [ValueError(f"bad {i}") if i == 2 else i * 10 for i in items]

    coalescer: Coalescer[int, int] = Coalescer(call, max_batch=8)
    results = await asyncio.gather(*(coalescer.submit(i) for i in range(4)), return_exceptions=True)
    assert results[:2] == [0, 10]
    assert isinstance(results[2], ValueError)
    assert results[3] == 30

"""Extraction runs in worker processes: a page that hangs costs its worker, never the service."""

from __future__ import annotations

import asyncio
import time

import pytest

from wirewatch.ingest.extraction_workers import ExtractionError, ExtractionWorkers

from .slow_extraction import sleepy_or_quick


async def test_a_hanging_page_is_cut_off_and_the_next_page_gets_a_fresh_worker() -> None:
    workers = ExtractionWorkers(workers=1, timeout=1.0, extract=sleepy_or_quick)
    try:
        page, _ = await workers.extract("hello", "https://a.example/")
        assert (page.title, page.text) == ("https://a.example/", "hello")
        started = time.monotonic()
        with pytest.raises(ExtractionError, match="longer than 1 s"):
            await workers.extract("hang", None)
        assert time.monotonic() - started < 5
        with pytest.raises(ExtractionError, match="RuntimeError: lxml gave up"):
            await workers.extract("raise", None)
        with pytest.raises(ExtractionError, match="worker died"):
            await workers.extract("die", None)
        pages = await asyncio.gather(*(workers.extract(f"page {i}", None) for i in range(3)))
        assert [p.text for p, _ in pages] == ["page 0", "page 1", "page 2"]
    finally:
        await workers.aclose()
    with pytest.raises(ExtractionError, match="shut down"):
        await workers.extract("late", None)


async def test_real_extraction_in_a_worker() -> None:
    workers = ExtractionWorkers(workers=1, timeout=30.0)
    try:
        html = "<html><head><title>T</title></head><body><article>" + "<p>Words of the story here.</p>" * 20
        page, seconds = await workers.extract(html + "</article></body></html>", "https://a.example/s")
    finally:
        await workers.aclose()
    assert "Words of the story" in page.text
    assert seconds > 0

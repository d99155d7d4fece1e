"""Read an article page: download it (``pages``), extract it (``extraction_workers``) and count what happened."""

from __future__ import annotations

import time
from dataclasses import dataclass

from prometheus_client import CollectorRegistry

from wirewatch.runtime.metric_catalogue import counter, histogram

from .extraction import ExtractedPage
from .extraction_workers import ExtractionError, ExtractionWorkers
from .pages import PageFetcher, PageFetchError


class PageUnavailable(Exception):  # noqa: N818 - a verdict on a page, like MessageRejected
    """The page could not be read; ``reason`` in words, ``transient`` when a later try may succeed."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True, slots=True)
class PageRead:
    requested_url: str
    final_url: str  # after redirects
    page: ExtractedPage


class PageMetrics:
    """Page reads by outcome and time per stage; labels are fixed small sets (no URLs, no hosts)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        # counter; outcome: ok, no_article, timeout, connect_error, http_4xx, http_5xx, refused, too_large,
        # not_html, redirects, extraction_failed, error
        self.reads = counter("wirewatch_ingest_page_reads", registry)
        # histogram; stage: fetch (download incl. redirects), extract (worker round trip)
        self.seconds = histogram(
            "wirewatch_ingest_page_seconds", registry, (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
        )
        # counter: bytes of page bodies downloaded
        self.bytes = counter("wirewatch_ingest_page_bytes", registry)


class PageReader:
    def __init__(self, fetcher: PageFetcher, workers: ExtractionWorkers, metrics: PageMetrics) -> None:
        self._fetcher = fetcher
        self._workers = workers
        self._metrics = metrics

    async def read(self, url: str) -> PageRead:
        """The article on the page at ``url``; raises :class:`PageUnavailable` saying why not."""
        started = time.perf_counter()
        try:
            fetched = await self._fetcher.fetch(url)
        except PageFetchError as exc:
            self._metrics.reads.labels(exc.outcome).inc()
            raise PageUnavailable(exc.reason, transient=exc.transient) from None
        finally:
            self._metrics.seconds.labels("fetch").observe(time.perf_counter() - started)
        self._metrics.bytes.inc(fetched.size)
        try:
            page, seconds = await self._workers.extract(fetched.html, fetched.url)
        except ExtractionError as exc:
            self._metrics.reads.labels("extraction_failed").inc()
            raise PageUnavailable(str(exc), transient=False) from None
        self._metrics.seconds.labels("extract").observe(seconds)
        self._metrics.reads.labels("ok" if page.text else "no_article").inc()
        return PageRead(url, fetched.url, page)

    async def aclose(self) -> None:
        await self._fetcher.aclose()
        await self._workers.aclose()

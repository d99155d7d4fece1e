"""The Enricher in a child process of its own, single-threaded, so the NLP runs at the speed the benchmark measures.

Why a process and not a thread: once a process has ever started a second thread, glibc's malloc takes locks and
atomic instructions on every allocation, and spaCy's NER, which allocates for every parser step, costs about 30 %
more CPU (measured: 19.5 -> 26 ms of user CPU per 400-word article after one short-lived thread; the service
process always has threads: the event loop's executor, DNS lookups). The child never starts one. It also keeps the
GIL-heavy NLP away from the event loop, which then acks, publishes and answers health checks without waiting.

The child is started with ``spawn`` (the parent has threads, so ``fork`` is unsafe), loads the model once and
enriches batches sent to it; results come back as JSON. If the child dies (killed, out of memory, a crash in native
code), the batch is retried article by article in a new child, so only an article that kills it again fails.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from wirewatch.contracts import Enrichment

from .enricher import DEFAULT_MAX_CHARS, ArticleText, Enricher

log = logging.getLogger("wirewatch.enrich")

# glibc mallopt parameters: keep freed memory for reuse instead of returning it to the system and faulting it back
# in for the next batch (numpy's layer outputs are a few MB each). Measured: 0.7-1 ms of system CPU per article
# without, ~0 with, for about 40 MiB more resident memory.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MALLOC_SETTINGS = ((_M_MMAP_THRESHOLD, 32 << 20), (_M_TRIM_THRESHOLD, 256 << 20), (_M_TOP_PAD, 64 << 20))

_enricher: Enricher | None = None  # in the child


def keep_freed_memory() -> bool:
    """Apply :data:`_MALLOC_SETTINGS` (glibc only); False when this C library has no ``mallopt``."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return all(mallopt(ctypes.c_int(param), ctypes.c_int(value)) == 1 for param, value in _MALLOC_SETTINGS)


def _load(max_chars: int) -> None:
    global _enricher  # noqa: PLW0603 - the child's one enricher, made by the pool's initializer
    keep_freed_memory()
    _enricher = Enricher.load(max_chars=max_chars)


def _enrich_many(items: list[ArticleText]) -> list[str]:
    assert _enricher is not None, "the initializer loads the enricher"
    return [enrichment.model_dump_json() for enrichment in _enricher.enrich_many(items)]


class NlpProcessDiedError(RuntimeError):
    """The NLP child process died while enriching this article (it is retried, then dead-lettered)."""


class EnricherProcess:
    """``enrich_many`` in a single-threaded child process (blocking: call it from a worker thread).

    :meth:`start` waits until the child has loaded the model. Safe to call from several threads: batches are
    sent one at a time (the child has one core's worth of work anyway).
    """

    def __init__(self, *, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> EnricherProcess:
        with self._lock:
            self._ensure_pool()
        return self

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load,
                initargs=(self.max_chars,),
            )
            pool.submit(_enrich_many, []).result()  # the child is up and its model loaded
            self._pool = pool
        return self._pool

    def _call(self, items: list[ArticleText]) -> list[Enrichment]:
        pool = self._ensure_pool()
        try:
            return [Enrichment.model_validate_json(raw) for raw in pool.submit(_enrich_many, items).result()]
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            raise

    def enrich_many(self, items: list[ArticleText]) -> list[Enrichment | Exception]:
        """Each article's enrichment, or :class:`NlpProcessDiedError` for an article the child died on."""
        with self._lock:
            try:
                return [*self._call(items)]
            except BrokenProcessPool:
                log.exception(
                    "the NLP process died; retrying its batch article by article", extra={"articles": len(items)}
                )
            results: list[Enrichment | Exception] = []
            for item in items:
                try:
                    results.extend(self._call([item]))
                except BrokenProcessPool:
                    log.exception("the NLP process died on one article", extra={"title": str(item[0])[:200]})
                    results.append(NlpProcessDiedError("the NLP process died while enriching this article"))
            return results

    def close(self) -> None:
        """Stop the child (it also exits by itself when this process does)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


@functools.cache
def shared_enricher_process(max_chars: int = DEFAULT_MAX_CHARS) -> EnricherProcess:
    """The process-wide NLP child (started on first use, blocking until its model is loaded), like
    :func:`~wirewatch.enrich.enricher.load_pipeline` for the in-thread enricher: services created one after the
    other in one process (tests) share it."""
    return EnricherProcess(max_chars=max_chars).start()

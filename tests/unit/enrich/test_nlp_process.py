"""The NLP child process gives the in-process Enricher's results and survives its child being killed."""

from __future__ import annotations

import os
import signal

import pytest

from wirewatch.enrich.enricher import ArticleText, Enricher
from wirewatch.enrich.nlp_process import EnricherProcess

pytestmark = pytest.mark.slow  # starts a child that loads the model (5-15 s)


def test_the_child_enriches_like_this_process_and_is_replaced_when_it_dies(
    enricher: Enricher, seed_article: tuple[str, str]
) -> None:
    title, text = seed_article
    items: list[ArticleText] = [(title, text, None), ("Kyiv", "", None)]
    process = EnricherProcess().start()
    try:
        assert process.enrich_many(items) == enricher.enrich_many(items)
        pool = process._pool
        assert pool is not None
        for pid in list(pool._processes):  # the child dies between two batches
            os.kill(pid, signal.SIGKILL)
        assert process.enrich_many(items) == enricher.enrich_many(items)  # retried in a new child
    finally:
        process.close()

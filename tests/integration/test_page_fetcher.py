"""PageFetcher against a local HTTP server: every failure is a PageFetchError saying what and whether to retry."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from wirewatch.ingest.pages import PageFetcher, PageFetchError
from wirewatch.runtime import free_port

from .page_server import Page, PageServer


@pytest.fixture
def server() -> Iterator[PageServer]:
    pages = PageServer().start()
    try:
        yield pages
    finally:
        pages.stop()


def _fetcher(allowlist: tuple[str, ...] = ("127.0.0.1",), timeout: float = 2.0) -> PageFetcher:
    return PageFetcher(allowlist=list(allowlist), timeout=timeout, max_bytes=100_000, max_redirects=2, per_host=2)


async def _failure(fetcher: PageFetcher, url: str) -> PageFetchError:
    try:
        await fetcher.fetch(url)
    except PageFetchError as exc:
        return exc
    finally:
        await fetcher.aclose()
    raise AssertionError("the fetch succeeded")


async def test_a_page_is_fetched_and_decoded_with_the_servers_charset(server: PageServer) -> None:
    server.pages["/fr"] = Page("<p>Élysée</p>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1")
    server.pages["/raw"] = Page(b"<p>bytes</p>", content_type="text/html")
    server.pages["/moved"] = Page(kind="redirect", status=301, location="/fr")
    fetcher = _fetcher()
    try:
        page = await fetcher.fetch(server.url("/moved"))
        assert page.html == "<p>Élysée</p>"
        assert page.url == server.url("/fr")
        assert page.size == len("<p>Élysée</p>")
        assert (await fetcher.fetch(server.url("/raw"))).html == b"<p>bytes</p>"
    finally:
        await fetcher.aclose()


async def test_a_body_that_trickles_forever_hits_the_deadline_and_may_be_retried(server: PageServer) -> None:
    server.pages["/drip"] = Page(kind="drip")
    started = time.monotonic()
    failure = await _failure(_fetcher(timeout=1.0), server.url("/drip"))
    assert time.monotonic() - started < 3
    assert "no complete answer within 1 s" in failure.reason
    assert failure.transient


@pytest.mark.parametrize(
    ("page", "words", "transient"),
    [
        (Page(kind="endless"), "too large", False),
        (Page(b"x" * 200_000), "too large", False),
        (Page(b"%PDF", content_type="application/pdf"), "not an HTML page (application/pdf)", False),
        (Page(b"feed", content_type="application/rss+xml"), "not an HTML page", False),
        (Page(b"no", status=404, content_type="text/plain"), "HTTP 404", False),
        (Page(b"slow down", status=429, content_type="text/plain"), "HTTP 429", True),
        (Page(b"oops", status=503, content_type="text/plain"), "HTTP 503", True),
        (Page(kind="redirect", status=302, location="/loop"), "more than 2 redirects", False),
        (Page(kind="redirect", status=302, location="http://10.0.0.1/"), "refused", False),
    ],
)
async def test_bad_pages(server: PageServer, page: Page, words: str, transient: bool) -> None:
    server.pages["/loop"] = page
    failure = await _failure(_fetcher(), server.url("/loop"))
    assert words in failure.reason
    assert failure.transient is transient


async def test_loopback_is_refused_unless_allowlisted_and_a_dead_port_is_transient(server: PageServer) -> None:
    server.pages["/ok"] = Page(b"<p>ok</p>")
    refused = await _failure(_fetcher(allowlist=()), server.url("/ok"))
    assert "refused" in refused.reason
    assert not refused.transient
    dead = await _failure(_fetcher(), f"http://127.0.0.1:{free_port()}/")
    assert "connection failed" in dead.reason
    assert dead.transient
    for url in ("http://[::1/", "ftp://127.0.0.1/file", "file:///etc/passwd"):
        bad = await _failure(_fetcher(), url)
        assert "not a fetchable URL" in bad.reason or "refused" in bad.reason, url
        assert not bad.transient, url

"""The fetcher's politeness and its reading of answers, over an in-memory transport."""

from __future__ import annotations

import asyncio

import httpx

from wirewatch.ingest.feed_fetch import FeedFetcher, _retry_after


def _fetcher(handler, *, per_host: int = 2, concurrency: int = 8, timeout: float = 5.0) -> FeedFetcher:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True, max_redirects=3)
    return FeedFetcher(client, max_bytes=1000, timeout=timeout, concurrency=concurrency, per_host=per_host)


async def test_at_most_per_host_fetches_to_one_host_and_more_across_hosts():
    running: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        running[host] = running.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), running[host])
        await asyncio.sleep(0.02)
        running[host] -= 1
        return httpx.Response(200, content=b"<rss/>")

    fetcher = _fetcher(handler, per_host=2, concurrency=8)
    urls = [f"https://one.example/{n}" for n in range(10)] + [f"https://h{n}.example/" for n in range(6)]
    results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    await fetcher.aclose()
    assert {r.outcome for r in results} == {"ok"}
    assert peak["one.example"] == 2
    assert sum(running.values()) == 0


async def test_answers_become_outcomes():
    def handler(request: httpx.Request) -> httpx.Response:
        match request.url.path:
            case "/304":
                return httpx.Response(304, headers={"ETag": '"x"'})
            case "/429":
                return httpx.Response(429, headers={"Retry-After": "120"})
            case "/big":
                return httpx.Response(200, content=b"x" * 5000)
            case "/loop":
                return httpx.Response(302, headers={"Location": "/loop"})
            case _:
                return httpx.Response(200, content=b"<rss/>", headers={"ETag": '"v"', "Content-Type": "text/xml"})

    fetcher = _fetcher(handler)
    ok = await fetcher.fetch("https://f.example/feed")
    assert (ok.outcome, ok.etag, ok.content_type, ok.body) == ("ok", '"v"', "text/xml", b"<rss/>")
    not_modified = await fetcher.fetch("https://f.example/304", etag='"x"')
    assert (not_modified.outcome, not_modified.etag) == ("not_modified", '"x"')
    limited = await fetcher.fetch("https://f.example/429")
    assert (limited.outcome, limited.error, limited.retry_after) == ("http_error", "HTTP 429 Too Many Requests", 120)
    big = await fetcher.fetch("https://f.example/big")
    assert big.outcome == "too_large"
    loop = await fetcher.fetch("https://f.example/loop")
    assert loop.outcome == "redirect_error"
    await fetcher.aclose()


async def test_a_stalled_answer_times_out():
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    fetcher = _fetcher(handler, timeout=0.1)
    result = await fetcher.fetch("https://slow.example/")
    await fetcher.aclose()
    assert result.outcome == "timeout"
    assert result.error == "no complete answer within 0.1 s"


def test_retry_after_as_seconds_or_date():
    assert _retry_after("30") == 30
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert _retry_after("soon") is None
    assert _retry_after(None) is None

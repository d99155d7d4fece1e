"""Feeds that misbehave: each is recorded with a clear error, retried later with backoff, others go on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import ArticleSubmitted, FeedStatus

from .feed_harness import Harness, collect_submissions, feed_settings, running_ingest
from .feed_server import FeedServer, Route
from .test_feed_poller import RSS

pytestmark = pytest.mark.connected

INTERVAL = 60
LATIN1_RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
    "<item><title>Café naïve \u2013 résumé</title><link>http://news.test/cafe</link></item></channel></rss>"
).encode("cp1252")
# (path, route, expected outcome, words the error must contain)
BAD = [
    ("/500.xml", Route(behaviour="status", status=500), "http_error", "HTTP 500"),
    ("/slow.xml", Route(RSS.encode(), behaviour="stall", stall_seconds=4), "timeout", "1.5 s"),
    ("/huge.xml", Route(b"<rss>" + b"x" * (10 * 1024 * 1024)), "too_large", "limit"),
    (
        "/garbage.xml",
        Route(b"\x00\x01\x02 this is not xml <<<>>> at all \xff\xfe"),
        "parse_error",
        "not a readable feed",
    ),
    ("/page.html", Route(b"<html><body><p>Hello</p></body></html>", "text/html"), "parse_error", "not a readable feed"),
    ("/endless.xml", Route(behaviour="endless"), "too_large", "limit"),
    ("/loop.xml", Route(behaviour="redirect", location="/loop.xml"), "redirect_error", "redirects"),
    ("/metadata.xml", Route(behaviour="redirect", location="http://169.254.169.254/latest"), "refused", "169.254"),
]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def ingest(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[Harness]:
    async with running_ingest(feed_settings(nats_url, mongo_url, mongo_db_name)) as harness:
        yield harness


def _delay(status: FeedStatus) -> float:
    assert status.health.next_poll_at is not None
    assert status.health.last_fetch_at is not None
    return (status.health.next_poll_at - status.health.last_fetch_at).total_seconds()


async def test_bad_feeds_are_recorded_and_backed_off_while_good_ones_go_on(
    server: FeedServer, ingest: Harness, nats_client: NatsClient
):
    ids = {}
    for path, route, _, _ in BAD:
        server.routes[path] = route
        ids[path] = await ingest.add(server.url(path), interval=INTERVAL)
    server.routes["/good.xml"] = Route(RSS.encode())
    server.routes["/charset.xml"] = Route(LATIN1_RSS, "application/rss+xml; charset=utf-8")
    good = await ingest.add(server.url("/good.xml"), interval=INTERVAL)
    charset = await ingest.add(server.url("/charset.xml"), interval=INTERVAL)
    submitted = await collect_submissions(nats_client)

    started = datetime.now(UTC)
    await ingest.poller.run_once()
    # Every bad feed is bounded by the 1.5 s deadline or the size limit; they ran side by side.
    assert (datetime.now(UTC) - started).total_seconds() < 10

    for path, _, outcome, words in BAD:
        status = await ingest.status(ids[path])
        health = status.health
        assert health.last_outcome == outcome, (path, health)
        assert words in (health.last_error or ""), (path, health.last_error)
        assert health.consecutive_failures == 1
        assert health.last_success_at is None
        assert _delay(status) == pytest.approx(INTERVAL, abs=1), "first retry after one interval"
        assert ingest.metric("wirewatch_feed_fetches_total", outcome=outcome) >= 1

    # The good feed and the wrong-charset feed (decoded anyway, with a warning) are unaffected.
    assert (await ingest.status(good)).health.last_outcome == "ok"
    wrong = (await ingest.status(charset)).health
    assert wrong.last_outcome == "ok"
    assert "windows-1252" in (wrong.last_warning or "")
    titles = {ArticleSubmitted.model_validate_json(m.data).title for m in submitted}
    assert "Café naïve \u2013 résumé" in titles
    assert "Floods hit the river towns" in titles
    assert ingest.metric("wirewatch_feeds", state="failing") == len(BAD)
    assert ingest.metric("wirewatch_feeds", state="healthy") == 2

    # Retried later: the backoff doubles with each consecutive failure; the good feed keeps its interval.
    await ingest.make_due()
    await ingest.poller.run_once()
    for path, _, outcome, _ in BAD:
        status = await ingest.status(ids[path])
        assert status.health.consecutive_failures == 2, path
        assert status.health.last_outcome == outcome
        assert _delay(status) == pytest.approx(2 * INTERVAL, abs=1)
    good_status = await ingest.status(good)
    assert good_status.health.last_outcome == "not_modified"
    assert _delay(good_status) == pytest.approx(INTERVAL, abs=1)

    # A feed that recovers is healthy at once; its last error stays readable.
    server.routes["/500.xml"] = Route(RSS.replace("Floods", "Storms").encode())
    await ingest.make_due()
    await ingest.poller.run_once()
    recovered = (await ingest.status(ids["/500.xml"])).health
    assert (recovered.last_outcome, recovered.consecutive_failures) == ("ok", 0)
    assert recovered.last_error == "HTTP 500 Internal Server Error"

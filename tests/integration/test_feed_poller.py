"""The feed poller inside a real ingest service: local feeds over HTTP, real NATS and SecantusDB."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import HEADER_MSG_ID, ArticleSubmitted
from wirewatch.ingest.feed_items import to_submission
from wirewatch.ingest.feed_parser import FeedParseError, parse_feed
from wirewatch.testing import eventually

from .feed_harness import Harness, collect_submissions, feed_settings, hours_ago, running_ingest
from .feed_server import FeedServer, Route

pytestmark = pytest.mark.connected

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local News</title>
<item><title>Floods hit the river towns</title><link>http://news.test/floods</link>
<guid>urn:news:floods</guid><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate>
<description>Rivers rose overnight.</description></item>
<item><title>Parliament passes budget</title><link>http://news.test/budget</link>
<pubDate>Tue, 24 Nov 2026 07:00:00 GMT</pubDate><description>{long}</description></item>
</channel></rss>
""".replace("{long}", "The vote was close. " * 40)


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


def _expected_items(body: bytes, content_type: str) -> int | None:
    """How many distinct submissions a feed should give (None: not a feed)."""
    try:
        parsed = parse_feed(body, content_type=content_type)
    except FeedParseError:
        return None
    now = datetime.now(UTC)
    keys = {s.key for item in parsed.items if (s := to_submission(item, feed_id="f", source=None, now=now))}
    return len(keys)


async def test_sample_feeds_are_published_and_stored_then_304_publishes_nothing(
    server: FeedServer, ingest: Harness, nats_client: NatsClient, data_dir: Path
):
    samples = sorted((data_dir / "feeds" / "feedjira" / "sample_feeds").iterdir())
    expected: dict[str, int | None] = {}
    ids: dict[str, str] = {}
    for sample in samples:
        content_type = "application/feed+json" if sample.suffix == ".json" else "application/xml"
        path = f"/feedjira/{sample.name}"
        # Every other feed gzip-compressed, as most servers send them.
        server.routes[path] = Route(sample.read_bytes(), content_type, gzip=len(ids) % 2 == 0)
        expected[path] = _expected_items(sample.read_bytes(), content_type)
        ids[path] = await ingest.add(server.url(path))
    submitted = await collect_submissions(nats_client)

    assert await ingest.poller.run_once() == len(samples)

    readable = [p for p, n in expected.items() if n is not None]
    total = sum(n or 0 for n in expected.values())
    assert len(readable) >= 35, "most captured real feeds are readable"
    assert total > 300
    for path, count in expected.items():
        status = await ingest.status(ids[path])
        assert status.health.last_outcome == ("ok" if count is not None else "parse_error"), (path, status.health)
        if count:
            assert status.health.items_seen == count
            assert status.health.last_new_item_at is not None
            assert status.health.etag
    await eventually(lambda: len(submitted) == total, what=f"{total} submissions")
    messages = [ArticleSubmitted.model_validate_json(m.data) for m in submitted]
    assert {m.origin for m in messages} == {"feed"}
    assert all(m.feed_id in ids.values() for m in messages)
    assert len({m.headers[HEADER_MSG_ID] for m in submitted if m.headers}) == total
    assert ingest.metric("wirewatch_feed_items_total", kind="new") == total
    assert ingest.metric("wirewatch_feed_fetches_total", outcome="ok") == len(readable)

    # Ingest stores them (page fetching of teaser items may take a moment, so only a count with origin "feed").
    articles = ingest.service.db["articles"]

    async def stored() -> bool:
        return await articles.count_documents({"origins": "feed"}) >= total * 0.9

    await eventually(stored, timeout=60, what="feed articles stored")

    # Second round: every readable feed answers 304 to its ETag; nothing new is published.
    await ingest.make_due()
    assert await ingest.poller.run_once() == len(samples)
    await asyncio.sleep(0.3)
    assert len(submitted) == total
    for path in readable:
        last = server.hits_of(path)[-1]
        assert (last.conditional, last.status) == (True, 304), path
        status = await ingest.status(ids[path])
        assert status.health.last_outcome == "not_modified"
        assert status.health.consecutive_failures == 0
    assert ingest.metric("wirewatch_feed_fetches_total", outcome="not_modified") == len(readable)


async def test_seen_items_are_not_republished_without_validators_and_edited_items_are(
    server: FeedServer, ingest: Harness, nats_client: NatsClient
):
    route = Route(RSS.encode(), validators=False)  # a server without ETag / Last-Modified: full body every time
    server.routes["/plain.xml"] = route
    feed_id = await ingest.add(server.url("/plain.xml"), source="Local News Desk")
    submitted = await collect_submissions(nats_client)
    await ingest.poller.run_once()
    await eventually(lambda: len(submitted) == 2, what="two items")
    first = {ArticleSubmitted.model_validate_json(m.data).title: m for m in submitted}
    floods = ArticleSubmitted.model_validate_json(first["Floods hit the river towns"].data)
    budget = ArticleSubmitted.model_validate_json(first["Parliament passes budget"].data)
    # A one-line summary asks ingest to fetch the page; a full body does not.
    assert floods.fetch_page
    assert not budget.fetch_page
    assert floods.source == "Local News Desk"
    assert floods.published_at == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

    await ingest.make_due()
    await ingest.poller.run_once()
    await asyncio.sleep(0.3)
    assert len(submitted) == 2, "items already seen are not published again"

    route.body = RSS.replace("Rivers rose overnight.", "Rivers rose overnight; two towns evacuated.").encode()
    await ingest.make_due()
    await ingest.poller.run_once()
    await eventually(lambda: len(submitted) == 3, what="the edited item")
    edited = ArticleSubmitted.model_validate_json(submitted[-1].data)
    assert edited.url == floods.url
    assert "evacuated" in edited.text
    assert (await ingest.status(feed_id)).health.items_seen == 3


async def test_a_feed_without_new_items_for_long_becomes_stale(server: FeedServer, ingest: Harness):
    server.routes["/quiet.xml"] = Route(RSS.encode())
    feed_id = await ingest.add(server.url("/quiet.xml"), interval=60)
    await ingest.poller.run_once()
    assert not (await ingest.status(feed_id)).health.stale
    # Its last new item was 10 hours ago: more than 5 times its 60 s interval.
    await ingest.make_due(**{"health.last_new_item_at": hours_ago(10)})
    await ingest.poller.run_once()
    health = (await ingest.status(feed_id)).health
    assert health.last_outcome == "not_modified"
    assert health.stale
    assert ingest.metric("wirewatch_feeds", state="stale") == 1
    assert ingest.metric("wirewatch_feeds", state="healthy") == 0

"""Two ingest replicas share the feeds: each feed is fetched once per interval, never by both at once."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest

from .feed_harness import feed_settings, running_ingest
from .feed_server import FeedServer, Route
from .test_feed_poller import RSS

pytestmark = [pytest.mark.connected, pytest.mark.slow]

FEEDS = 8
INTERVAL = 2
JITTER = 0.1
RUN_SECONDS = 5.5


@pytest.fixture
def server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()


async def test_two_pollers_fetch_each_feed_once_per_interval(
    server: FeedServer, nats_url: str, mongo_url: str, mongo_db_name: str
):
    settings = feed_settings(nats_url, mongo_url, mongo_db_name, poll_tick_seconds=0.1, feed_jitter=JITTER)
    paths = [f"/feed-{n}.xml" for n in range(FEEDS)]
    for path in paths:
        server.routes[path] = Route(RSS.replace("Floods", f"Floods {path}").encode())
    async with running_ingest(settings) as first, running_ingest(settings) as second:
        for path in paths:
            await first.add(server.url(path), interval=INTERVAL)
        await asyncio.sleep(RUN_SECONDS)
        per_replica = [
            sum(h.metric("wirewatch_feed_fetches_total", outcome=o) for o in ("ok", "not_modified"))
            for h in (first, second)
        ]

    least_gap = INTERVAL * (1 - JITTER) - 0.05
    most = int(RUN_SECONDS / (INTERVAL * (1 - JITTER))) + 1
    for path in paths:
        times = [hit.at for hit in server.hits_of(path)]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert 2 <= len(times) <= most, (path, len(times))
        assert min(gaps) >= least_gap, (path, gaps)
    total = sum(len(server.hits_of(p)) for p in paths)
    # Every fetch was made by one of the two replicas (polls still in flight when counted aside).
    assert total - FEEDS <= sum(per_replica) <= total
    print(f"\nfetches by replica: {per_replica}, total {total} for {FEEDS} feeds over {RUN_SECONDS} s")

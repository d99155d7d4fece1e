"""Benchmark of the feed poller: N feeds on a local server, polled by one poller in this process.

    python -m wirewatch.ingest.feed_bench [--feeds 1000] [--items 20] [--concurrency 32]

Starts an embedded nats-server and SecantusDB (or uses --nats-url / --mongo-url) and a static HTTP server (its own
process, so it does not share this one's CPU) serving N generated RSS feeds; registers them, then polls every feed
twice: round 1 fetches, parses and publishes every item; round 2 is all conditional GETs answered 304. Prints feeds
per second of each round and the peak resident memory of this process as JSON.

All feeds live on one local host, so the per-host limit is raised to the overall concurrency: the local server
stands in for N different sites.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import nats
from prometheus_client import CollectorRegistry

from wirewatch.contracts import ARTICLES_SUBMIT, HEADER_MSG_ID, ArticleSubmitted, Feed, feed_id_for
from wirewatch.runtime import (
    EmbeddedMongo,
    EmbeddedNats,
    free_port,
    make_mongo_client,
    provision_streams,
    wait_for_port,
)

from .feed_metrics import FeedMetrics
from .feed_setup import build_fetcher, poller_options
from .feeds_repository import FeedsRepository
from .poller import FeedPoller
from .settings import IngestSettings


def write_feeds(root: Path, feeds: int, items: int) -> None:
    for n in range(feeds):
        entries = "".join(
            f"<item><title>Feed {n} story {i}: officials report developments in the region</title>"
            f"<link>https://news{n}.example/story/{i}</link><guid>urn:feed{n}:{i}</guid>"
            f"<pubDate>Tue, 24 Nov 2026 {i % 24:02d}:00:00 GMT</pubDate>"
            f"<description>{'A short summary of what happened and who said what. ' * 3}</description></item>"
            for i in range(items)
        )
        (root / f"feed-{n}.xml").write_text(
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"{entries}</channel></rss>",
            encoding="utf-8",
        )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


async def run(args: argparse.Namespace, nats_url: str, mongo_url: str, base_url: str) -> dict[str, Any]:
    settings = IngestSettings(
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=f"feed_bench_{int(time.time())}",
        http_allowlist=["127.0.0.1"],
        feed_concurrency=args.concurrency,
        feed_per_host=args.concurrency,
        feed_jitter=0.0,
    )
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await provision_streams(js)
    mongo = make_mongo_client(mongo_url)
    db = mongo[settings.mongo_db]
    published = 0

    async def publish(article: ArticleSubmitted, msg_id: str) -> None:
        nonlocal published
        await js.publish(ARTICLES_SUBMIT, article.model_dump_json().encode(), headers={HEADER_MSG_ID: msg_id})
        published += 1

    repository = FeedsRepository(db, "bench")
    await repository.ensure_indexes()
    registry = CollectorRegistry()
    metrics = FeedMetrics(registry)
    poller = FeedPoller(repository, build_fetcher(settings), publish, metrics, poller_options(settings))
    now = datetime.now(UTC)
    for n in range(args.feeds):
        url = f"{base_url}/feed-{n}.xml"
        await repository.upsert(Feed(feed_id=feed_id_for(url), url=url, interval_seconds=600, created_at=now), now)
    rss_before = peak_rss_mib()
    rounds = []
    try:
        for _ in range(2):
            await db["feeds"].update_many({}, {"$set": {"health.next_poll_at": datetime.now(UTC) - timedelta(1)}})
            started = time.perf_counter()
            polled = await poller.run_once()
            elapsed = time.perf_counter() - started
            rounds.append({"feeds": polled, "seconds": round(elapsed, 2), "feeds_per_s": round(polled / elapsed, 1)})
        outcomes = {
            o: registry.get_sample_value("wirewatch_feed_fetches_total", {"outcome": o}) or 0.0
            for o in ("ok", "not_modified", "timeout", "error", "http_error", "connect_error")
        }
    finally:
        await poller.stop()
        await mongo.drop_database(settings.mongo_db)
        await mongo.close()
        await nc.close()
    return {
        "feeds": args.feeds,
        "items_per_feed": args.items,
        "concurrency": args.concurrency,
        "round1_full": rounds[0],
        "round2_304": rounds[1],
        "items_published": published,
        "outcomes": {k: int(v) for k, v in outcomes.items() if v},
        "peak_rss_mib_before_polling": round(rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--nats-url")
    parser.add_argument("--mongo-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wirewatch-feed-bench-") as tmp:
        root = Path(tmp)
        (root / "feeds").mkdir()
        write_feeds(root / "feeds", args.feeds, args.items)
        servers: list[Any] = []
        if not args.nats_url:
            servers.append(EmbeddedNats(root / "nats", free_port(), free_port()))
        if not args.mongo_url:
            servers.append(EmbeddedMongo(root / "mongo", free_port()))
        port = free_port()
        http = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root / "feeds")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for server in servers:
                server.start()
            wait_for_port(port, "127.0.0.1", 10, http)
            nats_url = args.nats_url or next(s.url for s in servers if isinstance(s, EmbeddedNats))
            mongo_url = args.mongo_url or next(s.url for s in servers if isinstance(s, EmbeddedMongo))
            result = asyncio.run(run(args, nats_url, mongo_url, f"http://127.0.0.1:{port}"))
        finally:
            http.terminate()
            http.wait(10)
            for server in servers:
                server.stop()
    print(json.dumps(result, indent=2))  # noqa: T201 - the benchmark's output


if __name__ == "__main__":
    main()

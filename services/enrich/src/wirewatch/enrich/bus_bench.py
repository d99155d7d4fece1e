"""The enrich service end to end: ``python -m wirewatch.enrich.bus_bench [--articles N] [--batch-size B]``.

Starts a throwaway nats-server and SecantusDB on free ports, the enrich service in this process (pull consumer,
batcher, MongoDB writes, publishes, acks), waits for its model, then publishes N ``articles.ingested`` messages (the
texts of :mod:`wirewatch.enrich.bench`, whose articles are stored first as ingest would) and times until N
``articles.enriched`` have come out. Both servers run on the same cores, as they do in ``wirewatch dev``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats

from wirewatch.contracts import ARTICLES_ENRICHED, ARTICLES_INGESTED, HEADER_MSG_ID, ArticleIngested
from wirewatch.runtime import EmbeddedMongo, EmbeddedNats, free_port, make_mongo_client, provision_streams

from .bench import _CORPUS, load_articles, memory_mb
from .main import create_service
from .settings import EnrichSettings


async def run_bus_bench(
    articles: list[tuple[str, str]], *, nats_url: str, mongo_url: str, batch: int
) -> dict[str, Any]:
    nc = await nats.connect(nats_url)
    await provision_streams(nc.jetstream())
    mongo = make_mongo_client(mongo_url)
    now = datetime.now(UTC)
    messages = [
        ArticleIngested(
            article_id=f"bench{i:019d}", revision=1, title=title, text=body, content_hash=f"h{i}", ingested_at=now
        )
        for i, (title, body) in enumerate(articles)
    ]
    await mongo["bench"]["articles"].insert_many(
        [{"_id": m.article_id, "title": m.title, "text": m.text, "revision": 1} for m in messages]
    )
    done = asyncio.Event()
    received = 0

    async def on_enriched(_: Any) -> None:
        nonlocal received
        received += 1
        if received >= len(messages):
            done.set()

    await nc.subscribe(ARTICLES_ENRICHED, cb=on_enriched)
    service = create_service(EnrichSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db="bench", batch_size=batch))
    await service.start()
    try:
        await service.loader.get()  # the model load is not part of the throughput
        before = memory_mb()
        started = time.perf_counter()
        js = nc.jetstream()
        for m in messages:
            await js.publish(ARTICLES_INGESTED, m.model_dump_json().encode(), headers={HEADER_MSG_ID: m.article_id})
        await asyncio.wait_for(done.wait(), timeout=600)
        seconds = time.perf_counter() - started
        nlp_seconds = service.registry.get_sample_value("wirewatch_enrich_nlp_seconds_sum") or 0.0
        batches = service.registry.get_sample_value("wirewatch_enrich_batch_size_count") or 0.0
    finally:
        await service.stop()
        await nc.close()
        await mongo.close()
    words = sum(len(f"{m.title}\n\n{m.text}".split()) for m in messages)
    return {
        "articles": len(messages),
        "batch_size": batch,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(messages) / seconds, 1),
        "words_per_s": round(words / seconds),
        # Wall time inside Enricher.enrich_many; the rest is decoding, MongoDB writes, publishes and acks, and the
        # servers' share of the same cores.
        "nlp_share_of_wall": round(nlp_seconds / seconds, 3),
        "nlp_batches": int(batches),
        "memory": {"model_loaded": before, "after": memory_mb()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wirewatch.enrich.bus_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("WIREWATCH_DATA_DIR", "../shared/data")))
    args = parser.parse_args(argv)
    if not (args.data_dir / _CORPUS).is_file():
        print(f"error: {args.data_dir / _CORPUS} not found (set WIREWATCH_DATA_DIR)", file=sys.stderr)  # noqa: T201
        return 2
    articles = load_articles(args.data_dir, args.articles)
    with tempfile.TemporaryDirectory(prefix="wirewatch-enrich-bench-") as tmp:
        bus = EmbeddedNats(Path(tmp) / "nats", free_port(), free_port())
        db = EmbeddedMongo(Path(tmp) / "mongo", free_port())
        bus.start()
        try:
            db.start()
            try:
                report = asyncio.run(run_bus_bench(articles, nats_url=bus.url, mongo_url=db.url, batch=args.batch_size))
            finally:
                db.stop()
        finally:
            bus.stop()
    print(json.dumps(report, indent=2))  # noqa: T201 - the report is the output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

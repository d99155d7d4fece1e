"""The limits of this machine without wirewatch around them, measured in the benchmark's run for its ratios.

- JetStream: nats-py publishing (acks awaited, pipelined) and pull-consuming (fetch + ack) on a throwaway stream of
  the same nats-server the pipeline uses, with messages the size of a median article.
- MongoDB: single-document inserts and upserts from a few concurrent tasks on a throwaway collection of the same
  database server, with article-sized documents.
- Enrichment: the enrich service's own :class:`~wirewatch.enrich.Enricher` on the benchmark's corpus, through
  ``wirewatch.enrich.bench.run_bench`` in a fresh process (as the service runs it: one process, one core).

Each is bounded in time (``seconds``) or, for enrichment, in articles; the throwaway stream and collection are
deleted afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from typing import Any

from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError
from pymongo import UpdateOne

from wirewatch.runtime import make_mongo_client

from .bench_corpus import BenchArticle
from .bench_phases import BenchError
from .bus import connect

BARE_STREAM = "BENCH_BARE"
BARE_SUBJECT = "bench.bare"
BARE_COLLECTION = "bench_bare"
_CONCURRENCY = 8
_ENRICH_BATCH = 16  # the services' pull batch size (ServiceSettings.batch_size)
_ENRICH_TIMEOUT = 300.0


def _payload(articles: list[BenchArticle]) -> bytes:
    """A body the size of the corpus's median article, as the pipeline's messages are."""
    sizes = sorted(len(a.text.encode()) for a in articles) or [2500]
    return b"x" * sizes[len(sizes) // 2]


async def jetstream_rates(nats_url: str, articles: list[BenchArticle], seconds: float) -> dict[str, Any]:
    payload = _payload(articles)
    nc = await connect(nats_url, name="bench-bare")
    js = nc.jetstream()
    try:
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(BARE_STREAM)
        await js.add_stream(StreamConfig(name=BARE_STREAM, subjects=[BARE_SUBJECT], storage=StorageType.FILE))
        published = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            futures = [await js.publish_async(BARE_SUBJECT, payload) for _ in range(256)]
            await asyncio.gather(*futures)
            published += len(futures)
        publish_seconds = time.perf_counter() - started

        consumed = 0
        subscription = await js.pull_subscribe(BARE_SUBJECT, durable="bench-bare", stream=BARE_STREAM)
        started = time.perf_counter()
        while consumed < published and time.perf_counter() - started < seconds:
            for msg in await subscription.fetch(256, timeout=2):
                await msg.ack()
                consumed += 1
        consume_seconds = time.perf_counter() - started
        await subscription.unsubscribe()
        await js.delete_stream(BARE_STREAM)
    finally:
        await nc.close()
    return {
        "message_bytes": len(payload),
        "publish_per_s": round(published / publish_seconds),
        "published": published,
        "consume_per_s": round(consumed / consume_seconds),
        "consumed": consumed,
    }


async def mongo_rates(mongo_url: str, db_name: str, articles: list[BenchArticle], seconds: float) -> dict[str, Any]:
    text = _payload(articles).decode()
    client = make_mongo_client(mongo_url)
    collection = client[db_name][BARE_COLLECTION]
    try:
        await collection.drop()

        async def timed(write: Any) -> tuple[int, float]:
            done = 0
            started = time.perf_counter()

            async def worker(number: int) -> None:
                nonlocal done
                i = 0
                while time.perf_counter() - started < seconds:
                    await write(f"{number}-{i}", i)
                    i += 1
                    done += 1

            await asyncio.gather(*(worker(n) for n in range(_CONCURRENCY)))
            return done, time.perf_counter() - started

        async def insert(key: str, i: int) -> None:
            await collection.insert_one({"_id": key, "title": f"article {i}", "text": text, "n": i})

        async def upsert(key: str, i: int) -> None:
            # Half the upserts update a document written by the insert phase, half create one.
            target = key if i % 2 else f"u-{key}"
            await collection.update_one({"_id": target}, {"$set": {"text": text, "n": i}}, upsert=True)

        inserted, insert_seconds = await timed(insert)
        upserted, upsert_seconds = await timed(upsert)
        batch = [UpdateOne({"_id": f"b-{i}"}, {"$set": {"text": text}}, upsert=True) for i in range(500)]
        started = time.perf_counter()
        await collection.bulk_write(batch, ordered=False)
        bulk_seconds = time.perf_counter() - started
        await collection.drop()
    finally:
        await client.close()
    return {
        "document_bytes": len(text),
        "concurrency": _CONCURRENCY,
        "insert_per_s": round(inserted / insert_seconds),
        "upsert_per_s": round(upserted / upsert_seconds),
        "bulk_upsert_per_s": round(len(batch) / bulk_seconds),
    }


class EnrichmentWorker:
    """``run_bench`` of wirewatch.enrich.bench in a fresh process (its own core, as the service runs it).

    Started early, it loads spaCy and the gazetteer while the stack starts; ``measure`` then hands it the articles.
    """

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> EnrichmentWorker:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "wirewatch.cli.bench_bare",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return self

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    async def measure(self, articles: list[BenchArticle]) -> dict[str, Any]:
        if self.process is None:
            await self.start()
        assert self.process is not None
        items = json.dumps([(a.title, a.text) for a in articles]).encode()
        try:
            out, err = await asyncio.wait_for(self.process.communicate(items), timeout=_ENRICH_TIMEOUT)
        except TimeoutError:
            await self.stop()
            raise BenchError(f"bare enrichment took longer than {_ENRICH_TIMEOUT:.0f}s") from None
        if self.process.returncode != 0:
            raise BenchError(f"bare enrichment failed: {err.decode(errors='replace')[-2000:]}")
        report: dict[str, Any] = json.loads(out)
        return {
            "articles": report["articles"],
            "words_per_article": report["words_per_article"],
            "articles_per_s": report["service_path"]["articles_per_s"],
            "articles_per_cpu_s": report["service_path"]["articles_per_cpu_s"],
            "bare_ner_articles_per_s": report["bare_ner"]["articles_per_s"],
        }


async def measure(
    nats_url: str,
    mongo_url: str,
    db_name: str,
    articles: list[BenchArticle],
    *,
    seconds: float,
    enrich_articles: int,
    worker: EnrichmentWorker | None = None,
) -> dict[str, Any]:
    """Every bare limit, one after another so they do not compete for the cores."""
    result: dict[str, Any] = {"seconds_each": seconds}
    result["jetstream"] = await jetstream_rates(nats_url, articles, seconds)
    result["mongo"] = await mongo_rates(mongo_url, db_name, articles, seconds)
    if enrich_articles > 0:
        result["enrichment"] = await (worker or EnrichmentWorker()).measure(articles[:enrich_articles])
    return result


def _enrich_main() -> None:
    """The worker: (title, text) pairs as JSON on stdin, ``run_bench``'s report as JSON on stdout."""
    from wirewatch.enrich.bench import run_bench  # noqa: PLC0415
    from wirewatch.enrich.enricher import Enricher  # noqa: PLC0415 - loads spaCy; only in the worker process

    Enricher.load()  # before reading the articles: loading overlaps the stack's start (run_bench reuses it)
    items = [(str(title), str(text)) for title, text in json.load(sys.stdin)]
    json.dump(run_bench(items, rounds=1, batch_size=_ENRICH_BATCH), sys.stdout)


if __name__ == "__main__":
    _enrich_main()

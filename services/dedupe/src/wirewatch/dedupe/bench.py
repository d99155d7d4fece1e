"""Speed of the clustering step with many stored events.

    python -m wirewatch.dedupe.bench [--events 10000 100000] [--articles 2000] [--store memory|mongo]
                                     [--stories N] [--concurrency 8] [--mongo-url URL]

Synthetic stories (Zipf-distributed words, a few names and a country each) are stored as events first; then
``--articles`` new articles are decided, half about stored stories (they join) and half new. ``memory`` times the
decision itself (bounded-postings retrieval + :func:`choose_event` + the event update) through
:class:`OfflineClusterer`; ``mongo`` times :meth:`ArticleClusterer.cluster_article` (every read and write of the
service, no bus) against SecantusDB (embedded unless ``--mongo-url``) with ``--concurrency`` articles in flight,
as the consumer's batch does. Prints one JSON line per size.

``--stories N`` (memory store) builds at most N distinct stories and stores the rest of the events as copies of
them (their own id, founder and time; the word, name and count tables shared with their story's first event), so
that 1M events fit in ~1.5 GiB and fill in minutes: each distinct event costs ~3.7 KB and ~1-3 ms of feature
extraction, which would be ~4 GiB and most of an hour at 1M. The copies fill the posting lists as distinct stories
do (the lists are full at 64 either way past ~100k events); only which events tie as candidates differs.
Reported besides articles/s: CPU ms per article (robust to other load on the machine), peak RSS, load average.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from wirewatch.contracts import ArticleEnriched, ArticleIngested, Enrichment, content_hash
from wirewatch.runtime import RetryLater

from .clusterer import ArticleClusterer
from .events import EventState, applied_key, event_id_for
from .features import ArticleFeatures, features_from_enriched
from .offline import OfflineClusterer
from .repository import DedupeRepository
from .retrieval import add_posting

T0 = datetime(2026, 1, 1, tzinfo=UTC)
_COUNTRIES = ("US", "GB", "FR", "DE", "UA", "RU", "CN", "IN", "BR", "NG", "AZ", "AM", "IL", "IR", "JP")


def _letters(n: int) -> str:
    """A pronounceable made-up word per number ("badoke"): names without digits, like real ones."""
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    out = ""
    while True:
        n, c = divmod(n, len(consonants))
        n, v = divmod(n, len(vowels))
        out += consonants[c] + vowels[v]
        if n == 0:
            return out + "n"


class Stories:
    """A reproducible supply of story headlines and texts."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
        self.words = [f"w{n}" for n in range(50_000)]
        self.names = [f"{_letters(n).title()} {_letters(n * 7919 + 13).title()}" for n in range(40_000)]
        # Common words follow Zipf's law; the top few hundred are stop words and never reach a term vector.
        self.common = self.words[300:]
        self.cumulative = list(accumulate(1 / (rank + 1) for rank in range(len(self.common))))

    def _common(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.common, cum_weights=self.cumulative, k=k)

    def story(self, n: int) -> tuple[list[str], list[str], str]:
        rng = random.Random(n)  # noqa: S311 - reproducible test data, not secrets
        # What a story is about: a few rare words (uniform over the vocabulary) among common ones (Zipf).
        words = rng.sample(self.words, 8) + self._common(rng, 4)
        return words, rng.sample(self.names, 2), rng.choice(_COUNTRIES)

    def article(self, article_id: str, story: int, at: datetime) -> ArticleEnriched:
        words, names, country = self.story(story)
        mine = self.rng.sample(words[:8], 6) + words[8:10] + self._common(self.rng, 2)
        self.rng.shuffle(mine)
        title = f"{names[0]} {' '.join(mine[:6])}"
        text = f"{names[0]} and {names[1]} {' '.join(mine)} in {country}."
        return ArticleEnriched(
            article=ArticleIngested(
                article_id=article_id,
                revision=1,
                title=title,
                text=text,
                published_at=at,
                source=f"outlet{self.rng.randrange(50)}",
                content_hash=content_hash(title, text),
                ingested_at=at,
            ),
            enrichment=Enrichment(countries=[country]),
            enriched_at=at,
        )

    def stored(self, events: int) -> Iterator[ArticleFeatures]:
        """One founding article per stored event, spread over the last few days before T0."""
        for n in range(events):
            at = T0 - timedelta(seconds=(events - n) * 3)
            yield features_from_enriched(self.article(f"seed-{n}", n, at))

    def stored_events(self, events: int, stories: int) -> Iterator[tuple[EventState, list[str]]]:
        """``events`` stored events over at most ``stories`` distinct stories (see the module doc), with their
        lookup keys (a copy's are its story's: computing them again is most of a copy's fill time)."""
        firsts: list[tuple[EventState, list[str]]] = []
        for n in range(events):
            at = T0 - timedelta(seconds=(events - n) * 3)
            if n < stories:
                event = EventState.found(features_from_enriched(self.article(f"seed-{n}", n, at)))
                firsts.append((event, event.keys))
                yield firsts[-1]
                continue
            (first, keys), article_id = firsts[n % stories], f"seed-{n}"
            copy = replace(
                first,
                event_id=event_id_for(article_id),
                founder=article_id,
                first_seen=at,
                last_seen=at,
                article_ids=(article_id,),
                members=(article_id,),
                applied=(applied_key(article_id, 1),),
            )
            yield copy, keys

    def incoming(self, events: int, articles: int, stories: int | None = None) -> list[ArticleEnriched]:
        known = min(events, stories or events)
        out = []
        for n in range(articles):
            story = self.rng.randrange(known) if n % 2 == 0 else events + n  # half known stories, half new
            out.append(self.article(f"new-{n}", story, T0 + timedelta(seconds=n)))
        return out


def _machine() -> dict[str, Any]:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"max_rss_mib": round(rss / 1024), "load_avg_1m": round(os.getloadavg()[0], 2)}


def bench_memory(events: int, articles: int, stories: int = 0) -> dict[str, Any]:
    stories = stories or events
    supply = Stories()
    clusterer = OfflineClusterer(window=timedelta(days=30))
    filled = time.perf_counter()
    gc.disable()  # a million long-lived objects: collections during the fill only rescan them
    postings = clusterer._postings  # filling the store directly is the point (as OfflineClusterer._store does)
    for event, keys in supply.stored_events(events, stories):
        clusterer.events[event.event_id] = event
        for key in keys:
            postings[key] = add_posting(postings.get(key, []), event.event_id)
    fill_seconds = time.perf_counter() - filled
    incoming = [(features_from_enriched(m), m) for m in supply.incoming(events, articles, stories)]
    # The stored events stand in for the database: keep the collector from rescanning them on every cycle.
    gc.collect()
    gc.freeze()
    gc.enable()
    started, cpu_started = time.perf_counter(), time.process_time()
    joined = 0
    for features, message in incoming:
        decision = clusterer.add(features, message.article.content_hash, message.article.text)
        joined += decision.kind == "join"
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    gc.unfreeze()
    return {"store": "memory", "events": events, "stories": min(stories, events), "articles": articles,
            "articles_per_s": round(articles / elapsed), "cpu_ms_per_article": round(cpu * 1000 / articles, 3),
            "joined": joined, "fill_s": round(fill_seconds, 1), **_machine()}  # fmt: skip


async def _fill(repository: DedupeRepository, stories: Stories, events: int) -> None:
    postings: dict[str, list[str]] = {}
    batch: list[dict[str, Any]] = []
    for features in stories.stored(events):
        event = EventState.found(features)
        batch.append(event.to_document())
        for key in event.keys:
            postings[key] = add_posting(postings.get(key, []), event.event_id)
        if len(batch) == 2000:
            await repository.events.insert_many(batch, ordered=False)
            batch = []
    if batch:
        await repository.events.insert_many(batch, ordered=False)
    docs = [{"_id": key, "events": ids} for key, ids in postings.items()]
    for start in range(0, len(docs), 5000):
        await repository.postings.insert_many(docs[start : start + 5000], ordered=False)


class _CommandCounter(CommandListener):
    """Database commands sent while deciding: a cost measure that other load on the machine does not distort."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def started(self, event: CommandStartedEvent) -> None:
        self.counts[event.command_name] += 1

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


async def bench_mongo(mongo_url: str, events: int, articles: int, concurrency: int) -> dict[str, Any]:
    from wirewatch.runtime import make_mongo_client  # noqa: PLC0415 - only this mode needs a database

    commands = _CommandCounter()
    client = make_mongo_client(mongo_url, listeners=[commands])
    db = client[f"dedupe_bench_{events}"]
    await client.drop_database(db.name)
    try:
        repository = DedupeRepository(db)
        await repository.ensure_indexes()
        stories = Stories()
        filled = time.perf_counter()
        await _fill(repository, stories, events)
        fill_seconds = time.perf_counter() - filled
        clusterer = ArticleClusterer(repository, window=timedelta(days=30))
        queue = stories.incoming(events, articles)
        decisions: dict[str, int] = {}

        async def worker(items: list[ArticleEnriched]) -> None:
            for message in items:
                for _ in range(20):  # as the consumer would: a conflict that persists is retried later
                    try:
                        outcome = await clusterer.cluster_article(message)
                        break
                    except RetryLater:
                        decisions["retried"] = decisions.get("retried", 0) + 1
                else:
                    raise RuntimeError(f"{message.article.article_id} kept conflicting")
                kind = outcome.decision if outcome else "stale"
                decisions[kind] = decisions.get(kind, 0) + 1

        commands.counts.clear()
        started = time.perf_counter()
        await asyncio.gather(*(worker(queue[i::concurrency]) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
        return {"store": "mongo", "events": events, "articles": articles, "concurrency": concurrency,
                "articles_per_s": round(articles / elapsed, 1), "fill_s": round(fill_seconds, 1),
                "decisions": decisions, "db_commands_per_article": round(sum(commands.counts.values()) / articles, 2),
                "db_commands": dict(commands.counts.most_common()), **_machine()}  # fmt: skip
    finally:
        await client.drop_database(db.name)
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--store", choices=("memory", "mongo"), default="memory")
    parser.add_argument("--stories", type=int, default=0, help="distinct stories at most (memory; 0: one per event)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--mongo-url")
    args = parser.parse_args()
    if args.store == "memory":
        for events in args.events:
            print(json.dumps(bench_memory(events, args.articles, args.stories)), flush=True)  # noqa: T201 - the command's output
        return
    from wirewatch.runtime import EmbeddedMongo, free_port  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as tmp:
        server = None if args.mongo_url else EmbeddedMongo(Path(tmp) / "mongo", free_port())
        if server is not None:
            server.start()
        try:
            url = args.mongo_url or (server.url if server else "")
            for events in args.events:
                result = asyncio.run(bench_mongo(url, events, args.articles, args.concurrency))
                print(json.dumps(result), flush=True)  # noqa: T201 - the command's output
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()

"""A database worth querying for ``wirewatch loadtest``: synthetic stories stored the way the services store them.

Each article goes through ingest's :class:`ArticleRepository` (the article document) and enrich's
:class:`EnrichmentRepository` (a synthetic enrichment: category, event type, country, place, names; no spaCy, so
thousands seed in seconds rather than minutes); dedupe's decision code and :class:`DedupeRepository` write the
events, postings and each article's decision, so the api reads the documents the pipeline would have written.
Stories have one to six articles each, spread over the last three days, so filters, sorts and event details all
have work to do.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError

from wirewatch.contracts import ArticleEnriched, ArticleSubmitted, Enrichment, Entity, EventType, Place
from wirewatch.dedupe.events import EventState
from wirewatch.dedupe.features import features_from_enriched
from wirewatch.dedupe.offline import OfflineClusterer
from wirewatch.dedupe.repository import DedupeRepository
from wirewatch.dedupe.retrieval import add_posting
from wirewatch.dedupe.scoring import Decision
from wirewatch.enrich.repository import EnrichmentRepository
from wirewatch.ingest.drafts import draft_from_submission
from wirewatch.ingest.identity import identify
from wirewatch.ingest.repository import ArticleRepository

# (category, event type, [(place, country, lat, lon)]) the stories are about.
_KINDS: list[tuple[str, str]] = [
    ("conflict", "battles"), ("conflict", "explosions"), ("unrest", "protests"), ("politics", "elections"),
    ("economy", "markets"), ("disaster", "earthquake"), ("disaster", "flood"), ("health", "outbreak"),
]  # fmt: skip
_PLACES: list[tuple[str, str, float, float]] = [
    ("Kyiv", "UA", 50.45, 30.52), ("Baku", "AZ", 40.41, 49.87), ("Ankara", "TR", 39.93, 32.86),
    ("Lagos", "NG", 6.45, 3.39), ("Lima", "PE", -12.05, -77.04), ("Manila", "PH", 14.6, 120.98),
    ("Berlin", "DE", 52.52, 13.4), ("Delhi", "IN", 28.61, 77.21), ("Jakarta", "ID", -6.21, 106.85),
    ("Quito", "EC", -0.18, -78.47), ("Nairobi", "KE", -1.29, 36.82), ("Dhaka", "BD", 23.81, 90.41),
]  # fmt: skip
_BATCH = 200
_DUPLICATE_KEY = 11000
_SYLLABLES = ("ka", "ro", "mi", "ten", "va", "lor", "su", "den", "bri", "ot", "nas", "el", "fu", "gar", "zi", "pan")


@dataclass(frozen=True, slots=True)
class SeedReport:
    articles: int
    events: int
    seconds: float


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def synthetic_articles(
    count: int, *, seed: int = 7, now: datetime | None = None, site: str = "loadtest.example", source: str = "outlet"
) -> list[tuple[ArticleSubmitted, Enrichment]]:
    """``count`` (submission, enrichment) pairs: stories of one to six articles; URLs on ``site``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    now = now or datetime.now(UTC)
    pairs: list[tuple[ArticleSubmitted, Enrichment]] = []
    story = 0
    while len(pairs) < count:
        story += 1
        category, kind = rng.choice(_KINDS)
        place, country, lat, lon = rng.choice(_PLACES)
        words = [_word(rng) for _ in range(6)]
        person = f"{_word(rng).title()} {_word(rng).title()}"
        started = now - timedelta(minutes=rng.uniform(5, 3 * 24 * 60))
        enrichment = Enrichment(
            lang="en",
            entities=[Entity(text=person, label="PERSON", start=0, end=len(person))],
            places=[Place(name=place, lat=lat, lon=lon, country=country)],
            countries=[country],
            primary_place=Place(name=place, lat=lat, lon=lon, country=country),
            event_type=EventType(category=category, type=kind, confidence=0.8),
            actors=[person],
            keywords=words[:3],
        )
        size = 1 if rng.random() < 0.7 else rng.randint(2, 6)  # most stories are told once
        for n in range(min(size, count - len(pairs))):
            at = min(now, started + timedelta(minutes=20 * n))
            title = f"{person} {' '.join(rng.sample(words, 4))} in {place}"
            text = f"{title}. " + " ".join(rng.choice(words) for _ in range(rng.randint(40, 160))) + "."
            submitted = ArticleSubmitted(
                url=f"https://{site}/{story}/{n}",
                title=title,
                text=text,
                published_at=at,
                source=f"{source} {rng.randrange(40)}",
                lang="en",
                submitted_at=at,
            )
            pairs.append((submitted, enrichment))
    return pairs


async def _store_article(
    pair: tuple[ArticleSubmitted, Enrichment], articles: ArticleRepository, enrichments: EnrichmentRepository
) -> ArticleEnriched:
    submitted, enrichment = pair
    draft = draft_from_submission(submitted)
    stored = (await articles.store(draft, identify(draft))).article
    enriched_at = datetime.now(UTC)
    await enrichments.store(stored, enrichment, enriched_at)
    return ArticleEnriched(article=stored, enrichment=enrichment, enriched_at=enriched_at)


def _decision(decision: Decision, event: EventState, revision: int, at: datetime) -> dict[str, Any]:
    # The shape dedupe's clusterer stores on the article (clusterer._change): the api reads it for event details.
    return {
        "event_id": event.event_id,
        "duplicate_of": decision.duplicate_of,
        "decision": decision.kind,
        "scores": decision.scores_dict(),
        "revision": revision,
        "event_version": event.version,
        "decided_at": at,
    }


async def _store_events(dedupe: DedupeRepository, clusterer: OfflineClusterer, messages: list[ArticleEnriched]) -> None:
    """The clusterer's events, their postings and every article's decision, in bulk (as dedupe's bench fills)."""
    now = datetime.now(UTC)
    events = list(clusterer.events.values())
    postings: dict[str, list[str]] = {}
    for event in events:
        for key in event.keys:
            postings[key] = add_posting(postings.get(key, []), event.event_id)
    docs = [{**event.to_document(), "touched_at": now} for event in events]
    await _insert_all(dedupe.events, docs)
    await _insert_all(dedupe.postings, [{"_id": key, "events": ids} for key, ids in postings.items()])
    updates = []
    for message in messages:
        article = message.article
        decision = clusterer.decisions[article.article_id]
        event = clusterer.events[clusterer.resolve(decision.event_id or "")]
        record = _decision(decision, event, article.revision, now)
        updates.append(UpdateOne({"_id": article.article_id}, {"$set": {"dedupe": record}}))
    for start in range(0, len(updates), _BATCH):
        await dedupe.articles.bulk_write(updates[start : start + _BATCH], ordered=False)


async def _insert_all(collection: AsyncCollection[dict[str, Any]], docs: list[dict[str, Any]]) -> None:
    """Insert in batches; a document already there is fine (a batch pymongo retried after a slow answer)."""
    for start in range(0, len(docs), _BATCH):
        try:
            await collection.insert_many(docs[start : start + _BATCH], ordered=False)
        except BulkWriteError as exc:
            if any(error.get("code") != _DUPLICATE_KEY for error in exc.details.get("writeErrors", [])):
                raise


async def _bounded_gather(jobs: list[Coroutine[Any, Any, Any]], concurrency: int) -> list[Any]:
    slots = asyncio.Semaphore(concurrency)

    async def run(job: Coroutine[Any, Any, Any]) -> Any:
        async with slots:
            return await job

    return await asyncio.gather(*(run(job) for job in jobs))


async def seed_database(db: AsyncDatabase[dict[str, Any]], count: int, *, concurrency: int = 8) -> SeedReport:
    """Store ``count`` synthetic articles and their events in ``db`` through the services' repositories.

    Articles and enrichments are written one by one as ingest and enrich do. Clustering runs dedupe's own decision
    code in memory (:class:`OfflineClusterer`, the calls the service makes) and then writes the resulting events
    (``EventState.to_document``), postings and decisions in bulk into dedupe's collections: the same documents,
    without the service's per-article concurrency control, which costs over a hundred milliseconds an article on
    SecantusDB and would make seeding a few thousand articles take minutes.
    """
    started = time.perf_counter()
    articles, enrichments, dedupe = ArticleRepository(db), EnrichmentRepository(db), DedupeRepository(db)
    await articles.ensure_indexes()
    await dedupe.ensure_indexes()
    pairs = sorted(synthetic_articles(count), key=lambda pair: pair[0].submitted_at)
    messages = await _bounded_gather([_store_article(p, articles, enrichments) for p in pairs], concurrency)
    clusterer = OfflineClusterer(window=timedelta(days=30))
    for message in messages:
        clusterer.add(features_from_enriched(message), message.article.content_hash, message.article.text)
    await _store_events(dedupe, clusterer, messages)
    active = sum(1 for event in clusterer.events.values() if event.merged_into is None)
    return SeedReport(articles=len(messages), events=active, seconds=time.perf_counter() - started)

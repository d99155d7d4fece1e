"""The api's access to MongoDB for articles and events (subscriptions and deliveries: ``subscription_store``).

Lists are keyset pages (``pagination``) read newest first in batches; what the database cannot decide (the exact
distance of ``near``, keywords on articles) is checked per document, and one page never reads more than
``SCAN_LIMIT`` documents: a page cut short by it still gives a cursor, so a client can go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from wirewatch.contracts import EventSnapshot

from .article_filters import ArticleFilter
from .event_filters import EventFilter
from .models import ArticleSummary, ArticleView, EventArticle, EventListItem
from .pagination import Cursor, encode_cursor

log = logging.getLogger("wirewatch.api")

Doc = dict[str, Any]
# Bookkeeping that is ingest's business, and large: the revision history and publish markers.
_ARTICLE_HIDDEN = {"revisions": 0, "published_revision": 0}
_ARTICLE_LISTED = {"title": 1, "url": 1, "source": 1, "lang": 1, "published_at": 1, "first_seen": 1, "dedupe": 1,
                   "enrichment.lang": 1, "enrichment.countries": 1, "enrichment.event_type": 1,
                   "enrichment.keywords": 1, "enrichment.entities.text": 1, "enrichment.actors": 1,
                   "enrichment.places": 1}  # fmt: skip
# Internal clustering state of dedupe's: large, and nobody's business outside it.
_EVENT_HIDDEN = {"term_profile": 0, "members": 0, "applied": 0, "keys": 0, "recent_changes": 0, "place_records": 0}
_MAX_REDIRECTS = 5
SCAN_LIMIT = 5000
MAX_BATCH = 800
# fastest-growing counts the articles that joined in the window; more than this and the counts are a sample.
GROWTH_SCAN_LIMIT = 50_000
EVENT_SORTS = {"newest": "last_seen", "biggest": "article_count"}
_EVENT_INDEXES: list[list[tuple[str, int]]] = [
    [("last_seen", DESCENDING), ("_id", DESCENDING)],
    [("article_count", DESCENDING), ("_id", DESCENDING)],
    [("first_seen", DESCENDING), ("_id", DESCENDING)],
    [("search_terms", 1)],
    [("places.lat", 1), ("places.lon", 1)],
    [("countries", 1)],
]
_ARTICLE_INDEXES: list[list[tuple[str, int]]] = [
    [("first_seen", DESCENDING), ("_id", DESCENDING)],
    [("dedupe.decided_at", DESCENDING)],
]


def event_snapshot(doc: Doc) -> EventSnapshot | None:
    try:
        return EventSnapshot.model_validate({**doc, "event_id": doc["_id"]})
    except ValidationError as exc:
        # One malformed document must not take the whole list down; it is logged for whoever wrote it.
        log.error("invalid event document", extra={"event_id": doc.get("_id"), "errors": exc.error_count()})  # noqa: TRY400 - the traceback adds nothing
        return None


def _listed(doc: Doc, growth: int | None = None) -> EventListItem | None:
    snapshot = event_snapshot(doc)
    return None if snapshot is None else EventListItem(**snapshot.model_dump(), growth=growth)


class ApiRepository:
    def __init__(self, db: AsyncDatabase[Doc]) -> None:
        self.articles = db["articles"]
        self.events = db["events"]
        self.subscriptions = db["subscriptions"]
        self.deliveries = db["deliveries"]

    async def ensure_indexes(self) -> None:
        await self.subscriptions.create_index([("created_at", DESCENDING)])
        # The read paths of collections other services own. Creating an index is idempotent; if the owner made
        # one on the same keys under another name, theirs serves the query just as well, so a clash is not fatal.
        wanted = [
            *((self.events, keys) for keys in _EVENT_INDEXES),
            *((self.articles, keys) for keys in _ARTICLE_INDEXES),
            (self.deliveries, [("subscription_id", 1), ("created_at", DESCENDING)]),
        ]
        for collection, keys in wanted:
            try:
                await collection.create_index(keys)
            except PyMongoError as exc:
                log.warning("index not created", extra={"collection": collection.name, "error": str(exc)})

    # ---- articles ------------------------------------------------------------------------------------------

    async def article(self, article_id: str) -> ArticleView | None:
        doc = await self.articles.find_one({"_id": article_id}, _ARTICLE_HIDDEN)
        return None if doc is None else ArticleView.model_validate({**doc, "id": doc["_id"]})

    async def event_articles(self, event_id: str, limit: int) -> list[EventArticle]:
        cursor = (
            self.articles.find(
                {"dedupe.event_id": event_id},
                {"title": 1, "source": 1, "url": 1, "published_at": 1, "lang": 1, "first_seen": 1, "dedupe": 1},
            )
            # Articles without a date sort last under a descending sort; first_seen breaks ties.
            .sort([("published_at", DESCENDING), ("first_seen", DESCENDING)])
            .limit(limit)
        )
        return [EventArticle.from_document(doc) async for doc in cursor]

    async def article_page(
        self, article_filter: ArticleFilter, *, limit: int, after: Cursor | None
    ) -> tuple[list[ArticleSummary], str | None]:
        docs, next_cursor = await _scan(
            self.articles,
            article_filter.query,
            ("first_seen", "newest"),
            article_filter.accepts,
            limit,
            after,
            projection=_ARTICLE_LISTED,
            windowed=article_filter.windowed,
        )
        return [ArticleSummary.from_document(doc) for doc in docs], next_cursor

    # ---- events --------------------------------------------------------------------------------------------

    async def event_document(self, event_id: str) -> Doc | None:
        doc = await self.events.find_one({"_id": event_id})
        # A merged event is a redirect: answer with the event it became (merges can chain; a few hops at most).
        for _ in range(_MAX_REDIRECTS):
            if doc is None or doc.get("status") != "merged" or not doc.get("merged_into"):
                break
            doc = await self.events.find_one({"_id": doc["merged_into"]}) or doc
        return doc

    async def event(self, event_id: str) -> EventSnapshot | None:
        doc = await self.event_document(event_id)
        return None if doc is None else event_snapshot(doc)

    async def timeline_articles(self, event_id: str, limit: int) -> list[Doc]:
        """The dedupe decisions of the event's articles, oldest first: what its timeline is made of."""
        cursor = (
            self.articles.find({"dedupe.event_id": event_id}, {"title": 1, "source": 1, "first_seen": 1, "dedupe": 1})
            .sort([("dedupe.decided_at", DESCENDING)])
            .limit(limit)
        )
        return list(reversed(await cursor.to_list()))

    async def event_page(
        self, event_filter: EventFilter, *, sort: str, limit: int, after: Cursor | None
    ) -> tuple[list[EventListItem], str | None]:
        field = EVENT_SORTS[sort]
        docs, next_cursor = await _scan(
            self.events,
            event_filter.query,
            (field, sort),
            event_filter.accepts,
            limit,
            after,
            projection=_EVENT_HIDDEN,
            windowed=event_filter.windowed,
        )
        return [e for e in map(_listed, docs) if e is not None], next_cursor

    async def growth(self, since: datetime, until: datetime) -> dict[str, int]:
        """Articles that joined each event in [since, until): one indexed range read of the window's decisions."""
        counts: dict[str, int] = {}
        cursor = self.articles.find({"dedupe.decided_at": {"$gte": since, "$lt": until}}, {"dedupe.event_id": 1}).limit(
            GROWTH_SCAN_LIMIT
        )
        async for doc in cursor:
            event_id = (doc.get("dedupe") or {}).get("event_id")
            if event_id:
                counts[event_id] = counts.get(event_id, 0) + 1
        return counts

    async def fastest_page(
        self, event_filter: EventFilter, *, window: timedelta, as_of: datetime, limit: int, after: Cursor | None
    ) -> tuple[list[EventListItem], str | None]:
        """Events by articles joined in ``window`` before ``as_of``, most first (ties by id); only events that grew.

        ``as_of`` is fixed by the first page and carried in the cursor, so later pages rank by the same counts. The
        events are read in rank order, a chunk of ids at a time (an indexed ``_id`` lookup), until the page is full.
        """
        counts = await self.growth(as_of - window, as_of)
        ranked = sorted(counts, key=lambda i: (counts[i], i), reverse=True)
        if after is not None and isinstance(after.key, list) and after.key:
            mark = (int(after.key[0]), after.item_id or "")
            ranked = [i for i in ranked if (counts[i], i) < mark]
        page: list[Doc] = []
        chunk = max(limit + 1, 50)
        for start in range(0, min(len(ranked), SCAN_LIMIT), chunk):
            ids = ranked[start : start + chunk]
            docs = {
                d["_id"]: d
                for d in await self.events.find(event_filter.query({"_id": {"$in": ids}}), _EVENT_HIDDEN).to_list()
            }
            page += [docs[i] for i in ids if i in docs and event_filter.accepts(docs[i])]
            if len(page) > limit:
                break
        next_cursor = None
        if len(page) > limit:
            last = page[limit - 1]
            next_cursor = encode_cursor("fastest", [counts[last["_id"]]], last["_id"], as_of)
        return [e for e in (_listed(d, counts[d["_id"]]) for d in page[:limit]) if e is not None], next_cursor


# Newest-first lists look at the recent past first: on SecantusDB a range on the indexed time is cheap and a
# sort over the whole collection is not, and the newest page of a live system is nearly always in the last day.
# SecantusDB reads and sorts everything in a window before the limit applies, so the first windows are short: at
# 20 articles/s six hours hold 400k articles, ten minutes 12k; a quiet system pays a few cheap empty reads instead.
_WINDOWS = (
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=2),
    timedelta(days=14),
    timedelta(days=120),
)
_TIME_SORTS = {"last_seen", "first_seen"}


async def _scan(
    collection: AsyncCollection[Doc],
    query: Callable[..., Doc],
    order: tuple[str, str],
    accepts: Callable[[Doc], bool],
    limit: int,
    after: Cursor | None,
    *,
    projection: Doc,
    windowed: bool = True,
) -> tuple[list[Doc], str | None]:
    """Read in (``field``, _id) descending order after ``after`` until ``limit`` + 1 documents pass ``accepts``.

    Each step reads a batch either among the documents sharing the position's key (``field == key, _id < id``,
    an equality) or below it (``field < key``), both index-friendly; time sorts also bound the step from below by a
    widening window. One more than asked tells whether another page exists without counting.
    """
    field, sort = order
    found: list[Doc] = []
    scanned = 0
    position = after
    ties = position is not None and position.item_id is not None
    batch = min(SCAN_LIMIT, max(limit + 1, 50))
    anchor = position.key if position is not None and isinstance(position.key, datetime) else datetime.now(UTC)
    floors: list[Any] = [anchor - w for w in _WINDOWS] if windowed and field in _TIME_SORTS else []
    floors.append(None)
    while scanned < SCAN_LIMIT:
        clauses: list[Doc] = []
        if floors[0] is not None and not ties:
            clauses.append({field: {"$gte": floors[0]}})
        if position is not None:
            clauses.append(
                {field: position.key, "_id": {"$lt": position.item_id}} if ties else {field: {"$lt": position.key}}
            )
        docs = (
            await collection.find(query(*clauses), projection)
            .sort([(field, DESCENDING), ("_id", DESCENDING)])
            .limit(batch)
            .to_list()
        )
        scanned += len(docs)
        for doc in docs:
            if accepts(doc):
                found.append(doc)
                if len(found) > limit:
                    last = found[limit - 1]
                    return found[:limit], encode_cursor(sort, last.get(field), last["_id"])
        if docs:
            position = Cursor(sort, docs[-1].get(field), docs[-1]["_id"])
        if len(docs) == batch:
            ties = True  # go on from the last document: first the rest of its key, then below it
            # Many documents failed the checks made here: read more at a time (each query has a fixed cost).
            batch = min(MAX_BATCH, batch * 2)
        elif ties:
            ties = False  # no more documents share the key: read below it
        elif len(floors) > 1:
            floors.pop(0)  # the window is read out: widen it
        else:
            return found, None
    # The scan bound was reached with room left on the page: continue after the last document read.
    assert position is not None
    return found, encode_cursor(sort, position.key, position.item_id or "")

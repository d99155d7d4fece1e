"""The api's access to MongoDB for articles and events (subscriptions and deliveries: ``subscription_store``)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from wirewatch.contracts import EventSnapshot

from .models import ArticleView, EventArticle
from .pagination import EventCursor, encode_cursor

log = logging.getLogger("wirewatch.api")

# Bookkeeping that is ingest's business, and large: the revision history and publish markers.
_ARTICLE_HIDDEN = {"revisions": 0, "published_revision": 0}
_EVENT_ORDER = [("last_seen", DESCENDING), ("_id", DESCENDING)]
_MAX_REDIRECTS = 5


def _snapshot(doc: dict[str, Any]) -> EventSnapshot | None:
    try:
        return EventSnapshot.model_validate({**doc, "event_id": doc["_id"]})
    except ValidationError as exc:
        # One malformed document must not take the whole list down; it is logged for whoever wrote it.
        log.error("invalid event document", extra={"event_id": doc.get("_id"), "errors": exc.error_count()})  # noqa: TRY400 - the traceback adds nothing
        return None


class ApiRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.articles = db["articles"]
        self.events = db["events"]
        self.subscriptions = db["subscriptions"]
        self.deliveries = db["deliveries"]

    async def ensure_indexes(self) -> None:
        await self.subscriptions.create_index([("created_at", DESCENDING)])
        # The read paths of collections other services own. Creating an index is idempotent; if the owner made
        # one on the same keys under another name, theirs serves the query just as well, so a clash is not fatal.
        for collection, keys in (
            (self.events, _EVENT_ORDER),
            (self.deliveries, [("subscription_id", 1), ("created_at", DESCENDING)]),
        ):
            try:
                await collection.create_index(keys)
            except PyMongoError as exc:
                log.warning("index not created", extra={"collection": collection.name, "error": str(exc)})

    # articles

    async def article(self, article_id: str) -> ArticleView | None:
        doc = await self.articles.find_one({"_id": article_id}, _ARTICLE_HIDDEN)
        return None if doc is None else ArticleView.model_validate({**doc, "id": doc["_id"]})

    async def event_articles(self, event_id: str, limit: int) -> list[EventArticle]:
        cursor = (
            self.articles.find({"dedupe.event_id": event_id}, {"title": 1, "source": 1, "url": 1, "published_at": 1})
            # Articles without a date sort last under a descending sort; first_seen breaks ties.
            .sort([("published_at", DESCENDING), ("first_seen", DESCENDING)])
            .limit(limit)
        )
        return [EventArticle.model_validate({**doc, "id": doc["_id"]}) async for doc in cursor]

    # events

    async def event(self, event_id: str) -> EventSnapshot | None:
        doc = await self.events.find_one({"_id": event_id})
        # A merged event is a redirect: answer with the event it became (merges can chain; a few hops at most).
        for _ in range(_MAX_REDIRECTS):
            if doc is None or doc.get("status") != "merged" or not doc.get("merged_into"):
                break
            doc = await self.events.find_one({"_id": doc["merged_into"]}) or doc
        return None if doc is None else _snapshot(doc)

    async def event_page(
        self, *, country: str | None, category: str | None, limit: int, before: EventCursor | None
    ) -> tuple[list[EventSnapshot], str | None]:
        """Newest first; the cursor is set when there may be older events."""
        clauses: list[dict[str, Any]] = []
        if country:
            clauses.append({"countries": country})  # equality on an array field matches any element
        if category:
            clauses.append({"category": category})
        if before:
            clauses.append(before.query())
        query = {"$and": clauses} if clauses else {}
        # One more than asked tells whether another page exists without counting.
        docs = await self.events.find(query).sort(_EVENT_ORDER).limit(limit + 1).to_list()
        page = docs[:limit]
        next_cursor = encode_cursor(page[-1]["last_seen"], page[-1]["_id"]) if len(docs) > limit else None
        return [s for s in map(_snapshot, page) if s is not None], next_cursor

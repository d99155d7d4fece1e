"""Ingest's access to the ``articles`` collection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import ArticleIngested, ArticleSubmitted

from .identity import ArticleIdentity

# How many past revisions an article keeps (hash and time only; the text is the latest revision's).
MAX_REVISIONS_KEPT = 50


@dataclass(frozen=True, slots=True)
class StoreResult:
    article: ArticleIngested
    outcome: str  # "new" | "revised" | "unchanged"
    needs_publish: bool


class ArticleRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.articles = db["articles"]

    async def ensure_indexes(self) -> None:
        await self.articles.create_index("canonical_url")
        await self.articles.create_index("content_hash")
        await self.articles.create_index([("ingested_at", -1)])

    async def store(self, submitted: ArticleSubmitted, ident: ArticleIdentity) -> StoreResult:
        """Insert a new article, add a revision when its content changed, or do nothing when it did not.

        Idempotent: a redelivered submission finds its own write and only asks to publish again if the
        earlier publish was not recorded (``published_revision``).
        """
        now = datetime.now(UTC)
        fields = {
            "url": submitted.url,
            "canonical_url": ident.canonical_url,
            "title": ident.title,
            "text": ident.text,
            "published_at": submitted.published_at,
            "source": submitted.source,
            "lang": submitted.lang,
            "content_hash": ident.content_hash,
        }
        revision_entry = {"content_hash": ident.content_hash, "seen_at": now, "origin": submitted.origin}
        existing = await self.articles.find_one_and_update(
            {"_id": ident.article_id},
            {
                "$setOnInsert": {
                    **fields,
                    "_id": ident.article_id,
                    "revision": 1,
                    "revisions": [revision_entry],
                    "origin": submitted.origin,
                    "origins": [submitted.origin],
                    "first_seen": now,
                    "ingested_at": now,
                    "published_revision": 0,
                    "truncated": ident.truncated,
                },
            },
            upsert=True,
            return_document=ReturnDocument.BEFORE,
        )
        if existing is None:
            doc = await self._touch(ident.article_id, submitted, now)
            return StoreResult(self._message(doc), "new", needs_publish=True)
        if existing["content_hash"] == ident.content_hash:
            doc = await self._touch(ident.article_id, submitted, now)
            return StoreResult(self._message(doc), "unchanged", doc["published_revision"] < doc["revision"])
        revised = await self.articles.find_one_and_update(
            {"_id": ident.article_id, "revision": existing["revision"]},
            {
                "$set": {**fields, "ingested_at": now, "last_seen": now, "truncated": ident.truncated},
                "$inc": {"revision": 1},
                "$push": {"revisions": {"$each": [revision_entry], "$slice": -MAX_REVISIONS_KEPT}},
                "$addToSet": {"origins": submitted.origin},
            },
            return_document=ReturnDocument.AFTER,
        )
        if revised is None:  # another replica revised it first; its publish covers this content or the next try will
            doc = await self._touch(ident.article_id, submitted, now)
            return StoreResult(self._message(doc), "unchanged", doc["published_revision"] < doc["revision"])
        return StoreResult(self._message(revised), "revised", needs_publish=True)

    async def mark_published(self, article_id: str, revision: int) -> None:
        await self.articles.update_one(
            {"_id": article_id, "published_revision": {"$lt": revision}},
            {"$set": {"published_revision": revision}},
        )

    async def _touch(self, article_id: str, submitted: ArticleSubmitted, now: datetime) -> dict[str, Any]:
        doc = await self.articles.find_one_and_update(
            {"_id": article_id},
            {"$set": {"last_seen": now}, "$addToSet": {"origins": submitted.origin}},
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None  # written just before by the same call
        return doc

    @staticmethod
    def _message(doc: dict[str, Any]) -> ArticleIngested:
        return ArticleIngested(
            article_id=doc["_id"],
            revision=doc["revision"],
            url=doc.get("url"),
            canonical_url=doc.get("canonical_url"),
            title=doc["title"],
            text=doc.get("text") or "",
            published_at=doc.get("published_at"),
            source=doc.get("source"),
            lang=doc.get("lang"),
            content_hash=doc["content_hash"],
            origin=doc.get("origin", "push"),
            ingested_at=doc["ingested_at"],
        )

"""Ingest's access to the ``articles`` collection: one document per article, its revisions and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import ArticleIngested, article_id

from .drafts import ArticleDraft
from .identity import ArticleIdentity

# How many past revisions an article keeps (hash, time and title only; the text is the latest revision's).
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
        # Unique across articles: two replicas racing to create one article under two of its URLs collide here,
        # and the loser's redelivery then finds the winner. Sparse: articles without a URL have no aliases.
        await self.articles.create_index("url_aliases", unique=True, sparse=True)

    async def resolve(self, ident: ArticleIdentity) -> tuple[str, tuple[str, ...]]:
        """The id to store under and the aliases it may take.

        The id is that of the article already known under one of these URLs (the first seen wins), else the new
        one. Aliases another article already holds stay with it: two stored articles are never merged, and adding
        such an alias would only fail on the unique index at every redelivery.
        """
        if not ident.url_aliases:
            return ident.article_id, ()
        # Articles stored before aliases existed are found by the id their URL gives.
        legacy_ids = [article_id(url, ident.content_hash) for url in ident.url_aliases]
        # Two indexed reads, not one `$or`: SecantusDB uses no index for `$or`, so that read scanned every article
        # and storing N articles took O(N^2) (found seeding `wirewatch loadtest`: 1000 articles took minutes).
        projection = {"_id": 1, "url_aliases": 1, "first_seen": 1}
        by_alias = await self.articles.find(
            {"url_aliases": {"$in": list(ident.url_aliases)}}, projection=projection
        ).to_list(length=20)
        by_id = await self.articles.find({"_id": {"$in": legacy_ids}}, projection=projection).to_list(length=20)
        unique = {doc["_id"]: doc for doc in [*by_alias, *by_id]}
        known = sorted(unique.values(), key=_first_seen)
        if not known:
            return ident.article_id, ident.url_aliases
        doc_id = known[0]["_id"]
        taken = {alias for doc in known[1:] for alias in doc.get("url_aliases") or ()}
        return doc_id, tuple(alias for alias in ident.url_aliases if alias not in taken)

    async def store(self, draft: ArticleDraft, ident: ArticleIdentity) -> StoreResult:
        """Insert a new article, add a revision when its content changed, or only record the sighting.

        Idempotent: a redelivered submission finds its own write and only asks to publish again if the
        earlier publish was not recorded (``published_revision``). A fallback draft (its page could not be
        read) never revises an article: it only records the sighting and the page error.
        """
        now = datetime.now(UTC)
        doc_id, aliases = await self.resolve(ident)
        fields = {
            "url": draft.url,
            "canonical_url": ident.canonical_url,
            "title": ident.title,
            "text": ident.text,
            "published_at": draft.published_at,
            "source": draft.source,
            "lang": draft.lang,
            "author": draft.author,
            "content_hash": ident.content_hash,
            "truncated": ident.truncated,
        }
        revision_entry = {
            "content_hash": ident.content_hash,
            "seen_at": now,
            "title": ident.title,
            "origin": draft.origin,
        }
        on_insert: dict[str, Any] = {
            **fields,
            "_id": doc_id,
            "revision": 1,
            "revisions": [revision_entry],
            "origin": draft.origin,
            "first_seen": now,
            "ingested_at": now,
            "published_revision": 0,
        }
        if aliases:  # only when there are some: an empty array would collide in the unique index
            on_insert["url_aliases"] = list(aliases)
        existing = await self.articles.find_one_and_update(
            {"_id": doc_id}, {"$setOnInsert": on_insert}, upsert=True, return_document=ReturnDocument.BEFORE
        )
        if existing is None:
            doc = await self._touch(doc_id, draft, aliases, now)
            return StoreResult(self._message(doc), "new", needs_publish=True)
        if existing["content_hash"] == ident.content_hash or draft.fallback:
            doc = await self._touch(doc_id, draft, aliases, now)
            return StoreResult(self._message(doc), "unchanged", doc["published_revision"] < doc["revision"])
        revised = await self.articles.find_one_and_update(
            {"_id": doc_id, "revision": existing["revision"]},
            {
                "$set": {**fields, "ingested_at": now, **self._sighting(draft, now)},
                "$inc": {"revision": 1},
                "$push": {"revisions": {"$each": [revision_entry], "$slice": -MAX_REVISIONS_KEPT}},
                "$addToSet": self._sources(draft, aliases),
            },
            return_document=ReturnDocument.AFTER,
        )
        if revised is None:  # another replica revised it first; its publish covers this content or the next try will
            doc = await self._touch(doc_id, draft, aliases, now)
            return StoreResult(self._message(doc), "unchanged", doc["published_revision"] < doc["revision"])
        return StoreResult(self._message(revised), "revised", needs_publish=True)

    async def mark_published(self, article_id: str, revision: int) -> None:
        await self.articles.update_one(
            {"_id": article_id, "published_revision": {"$lt": revision}},
            {"$set": {"published_revision": revision}},
        )

    @staticmethod
    def _sighting(draft: ArticleDraft, now: datetime) -> dict[str, Any]:
        """What every sighting records: when, and the outcome of reading the page when it was read."""
        sighting: dict[str, Any] = {"last_seen": now}
        if draft.page_url or draft.page_error:
            sighting |= {"page_error": draft.page_error, "page_url": draft.page_url, "page_read_at": now}
            if draft.page_canonical:
                sighting["page_canonical"] = draft.page_canonical
        return sighting

    @staticmethod
    def _sources(draft: ArticleDraft, aliases: tuple[str, ...]) -> dict[str, Any]:
        sources: dict[str, Any] = {"origins": draft.origin}
        if draft.feed_id:
            sources["feed_ids"] = draft.feed_id
        if aliases:
            sources["url_aliases"] = {"$each": list(aliases)}
        return sources

    async def _touch(self, doc_id: str, draft: ArticleDraft, aliases: tuple[str, ...], now: datetime) -> dict[str, Any]:
        doc = await self.articles.find_one_and_update(
            {"_id": doc_id},
            {"$set": self._sighting(draft, now), "$addToSet": self._sources(draft, aliases)},
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
            author=doc.get("author"),
            content_hash=doc["content_hash"],
            origin=doc.get("origin", "push"),
            ingested_at=doc["ingested_at"],
        )


def _first_seen(doc: dict[str, Any]) -> float:
    """Sort key: oldest first, an article without ``first_seen`` before all (as MongoDB sorts a missing field)."""
    seen = doc.get("first_seen")
    return seen.timestamp() if isinstance(seen, datetime) else float("-inf")

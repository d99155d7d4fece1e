"""Enrich's access to the ``articles`` collection; it writes only the enrichment fields of an article."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import ArticleIngested, Enrichment

StoreOutcome = Literal["stored", "stale", "missing"]


class EnrichmentRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.articles = db["articles"]

    async def store(self, article: ArticleIngested, enrichment: Enrichment, enriched_at: datetime) -> StoreOutcome:
        """Store the enrichment of ``article``'s revision unless a newer revision's is already stored.

        Idempotent: a redelivered message for the same revision overwrites its own earlier write.
        """
        result = await self.articles.update_one(
            {
                "_id": article.article_id,
                "$or": [
                    {"enriched_revision": {"$exists": False}},
                    {"enriched_revision": {"$lte": article.revision}},
                ],
            },
            {
                "$set": {
                    "enrichment": enrichment.model_dump(mode="python"),
                    "enriched_at": enriched_at,
                    "enriched_revision": article.revision,
                }
            },
        )
        if result.matched_count:
            return "stored"
        exists = await self.articles.count_documents({"_id": article.article_id}, limit=1)
        return "stale" if exists else "missing"

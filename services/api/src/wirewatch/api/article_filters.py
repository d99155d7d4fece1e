"""What ``GET /v1/articles`` can filter on: the event filters' style, over the fields ingest, enrich and dedupe
store on an article.

Articles carry no ``search_terms`` (ingest owns the document and writes it before enrichment), so ``q`` is checked
in Python on the folded title, keywords and entity names of each candidate, newest first; the scan is bounded
(see ``repository.SCAN_LIMIT``) and a page that hit the bound still returns a cursor to continue from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from wirewatch.contracts import fold, query_terms, search_terms

from .event_filters import Near
from .query_shape import flatten

ArticleTimeField = Literal["first_seen", "published_at"]


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    since: datetime | None = None
    until: datetime | None = None
    time_field: ArticleTimeField = "first_seen"
    sources: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    event_id: str | None = None
    entities: list[str] = field(default_factory=list)
    keywords: str | None = None
    near: Near | None = None
    decisions: list[str] = field(default_factory=list)

    def query(self, *extra: dict[str, Any]) -> dict[str, Any]:
        found: list[dict[str, Any]] = []
        if self.since is not None:
            found.append({self.time_field: {"$gte": self.since}})
        if self.until is not None:
            found.append({self.time_field: {"$lt": self.until}})
        if self.sources:
            found.append({"source": {"$in": self.sources}})
        if self.languages:
            found.append({"$or": [{"lang": {"$in": self.languages}}, {"enrichment.lang": {"$in": self.languages}}]})
        if self.countries:
            found.append({"enrichment.countries": {"$in": self.countries}})
        if self.categories:
            found.append({"enrichment.event_type.category": {"$in": self.categories}})
        if self.event_types:
            found.append(
                {
                    "$or": [
                        {"enrichment.event_type.type": {"$in": self.event_types}},
                        {"enrichment.event_type.subtype": {"$in": self.event_types}},
                    ]
                }
            )
        if self.event_id:
            found.append({"dedupe.event_id": self.event_id})
        if self.decisions:
            found.append({"dedupe.decision": {"$in": self.decisions}})
        if self.near is not None:
            found.append({"enrichment.places.lat": self.near.latitudes()})
        return flatten([*found, *extra])

    windowed = True  # articles have no search terms: the time index is the one that narrows

    def accepts(self, doc: dict[str, Any]) -> bool:
        enrichment = doc.get("enrichment") or {}
        if self.near is not None and not self.near.contains(enrichment):
            return False
        if not self.entities and not self.keywords:
            return True
        names = [e.get("text", "") for e in enrichment.get("entities") or () if isinstance(e, dict)]
        names += [a for a in enrichment.get("actors") or () if isinstance(a, str)]
        places = [p.get("name", "") for p in enrichment.get("places") or () if isinstance(p, dict)]
        terms = set(search_terms(doc.get("title") or "", enrichment.get("keywords") or (), names, places, limit=10_000))
        if any(fold(e) not in terms for e in self.entities):
            return False
        return not self.keywords or set(query_terms(self.keywords)) <= terms

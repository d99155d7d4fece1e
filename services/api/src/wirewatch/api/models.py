"""What the api accepts and answers: request bodies and response shapes (the bus messages live in contracts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wirewatch.contracts import MAX_TEXT_CHARS, Enrichment, EventSnapshot, Origin

from .submission import clean_title
from .timeline import TimelineEntry


def _http_url(value: str) -> str:
    """Accept only absolute http(s) URLs with a host: anything else cannot be fetched or posted to."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError("must be an http or https URL")
    try:
        host = parts.hostname
    except ValueError as exc:  # e.g. an unbalanced IPv6 bracket
        raise ValueError(f"not a valid URL: {exc}") from exc
    if not host:
        raise ValueError("URL has no host")
    return value


class ArticleIn(BaseModel):
    """One pushed article. Unknown fields are refused so that a misspelt ``publishedAt`` is not silently lost."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "url": "https://news.example/2023/09/19/azerbaijan-operation",
                    "title": "Azerbaijan launches military operation in Nagorno-Karabakh",
                    "text": "Azerbaijan's defence ministry said it had begun 'local anti-terrorist measures'.",
                    "published_at": "2023-09-19T10:00:00+03:30",
                    "source": "Example News",
                    "lang": "en",
                }
            ]
        },
    )

    url: str | None = Field(default=None, max_length=4096)
    title: str = Field(min_length=1, max_length=2000)
    # Ingest would cut a longer body; refusing it here tells the sender instead of storing half an article.
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    published_at: datetime | None = Field(default=None, description="ISO 8601; without an offset it is UTC")
    source: str | None = Field(default=None, max_length=500)
    lang: str | None = Field(default=None, max_length=16)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        return _http_url(value) if value else None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if not clean_title(value):
            raise ValueError("title is blank")
        return value

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("published_at")
    @classmethod
    def _published_at(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ArticleAccepted(BaseModel):
    id: str = Field(description="the id the article is stored under (GET /v1/articles/{id} once ingested)")
    status: Literal["accepted"] = "accepted"


class ArticleView(BaseModel):
    """A stored article without its internal bookkeeping (revision history, publish markers)."""

    id: str
    url: str | None = None
    canonical_url: str | None = None
    title: str
    text: str = ""
    published_at: datetime | None = None
    source: str | None = None
    lang: str | None = None
    content_hash: str | None = None
    revision: int = 1
    origin: Origin | None = None
    origins: list[str] = Field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    ingested_at: datetime | None = None
    truncated: bool = False
    enrichment: Enrichment | None = None
    enriched_at: datetime | None = None
    enriched_revision: int | None = None
    dedupe: dict[str, Any] | None = Field(default=None, description="event_id, duplicate_of, decision, scores, ...")


_EVENT_EXAMPLE: dict[str, Any] = {
    "event_id": "ev_3f1c2a9d0b7e4c5a6d8e9f0",
    "version": 7,
    "title": "Azerbaijan launches military operation in Nagorno-Karabakh",
    "category": "conflict",
    "event_type": {"category": "conflict", "type": "battles", "subtype": "armed_clash", "confidence": 0.82},
    "countries": ["AZ", "AM"],
    "primary_country": "AZ",
    "places": [{"name": "Stepanakert", "geonameid": 174875, "lat": 39.8177, "lon": 46.7528, "country": "AZ"}],
    "actors": ["Azerbaijan's defence ministry"],
    "entities": ["Azerbaijan", "Nagorno-Karabakh", "Armenia"],
    "keywords": ["operation", "anti-terrorist", "shelling"],
    "languages": ["en", "ru"],
    "first_seen": "2023-09-19T06:30:00Z",
    "last_seen": "2023-09-19T11:05:00Z",
    "article_count": 12,
    "source_count": 7,
    "duplicate_count": 3,
    "article_ids": ["a1b2c3d4e5f6a7b8c9d0e1f2"],
    "status": "active",
    "merged_into": None,
}


class EventListItem(EventSnapshot):
    growth: int | None = Field(
        default=None, description="articles that joined in the growth window (sort=fastest only)"
    )


class EventPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"events": [{**_EVENT_EXAMPLE, "growth": None}], "next_cursor": "eyJzIjoi..."}]}
    )

    events: list[EventListItem]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page; null at the end")


class EventArticle(BaseModel):
    id: str
    title: str
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    lang: str | None = None
    joined_at: datetime | None = Field(default=None, description="when dedupe placed it in the event")
    decision: str | None = Field(default=None, description="create, join, revision or duplicate")
    duplicate_of: str | None = None
    scores: dict[str, Any] | None = Field(default=None, description="the clustering scores that placed it")

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> EventArticle:
        decision = doc.get("dedupe") or {}
        return cls(
            id=doc["_id"],
            title=doc.get("title") or "",
            source=doc.get("source"),
            url=doc.get("url"),
            published_at=doc.get("published_at"),
            lang=doc.get("lang"),
            joined_at=decision.get("decided_at"),
            decision=decision.get("decision"),
            duplicate_of=decision.get("duplicate_of"),
            scores=decision.get("scores") if isinstance(decision.get("scores"), dict) else None,
        )


class EventDetail(EventSnapshot):
    model_config = ConfigDict(json_schema_extra={"examples": [{**_EVENT_EXAMPLE, "articles": [], "timeline": []}]})

    articles: list[EventArticle] = Field(default_factory=list, description="its newest articles")
    timeline: list[TimelineEntry] = Field(
        default_factory=list, description="one entry per article decision, oldest first (see timeline_note)"
    )
    timeline_note: str = Field(
        default="derived from the dedupe decision stored on each article; changed_fields only for recent versions"
    )


class ArticleSummary(BaseModel):
    """An article in a list: what it is and where it went, without its text."""

    id: str
    title: str
    url: str | None = None
    source: str | None = None
    lang: str | None = None
    published_at: datetime | None = None
    first_seen: datetime | None = None
    countries: list[str] = Field(default_factory=list)
    category: str | None = None
    event_id: str | None = None
    decision: str | None = None

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> ArticleSummary:
        enrichment = doc.get("enrichment") or {}
        decision = doc.get("dedupe") or {}
        return cls(
            id=doc["_id"],
            title=doc.get("title") or "",
            url=doc.get("url"),
            source=doc.get("source"),
            lang=doc.get("lang") or enrichment.get("lang"),
            published_at=doc.get("published_at"),
            first_seen=doc.get("first_seen"),
            countries=list(enrichment.get("countries") or []),
            category=(enrichment.get("event_type") or {}).get("category"),
            event_id=decision.get("event_id"),
            decision=decision.get("decision"),
        )


class ArticlePage(BaseModel):
    articles: list[ArticleSummary]
    next_cursor: str | None = Field(default=None, description="pass as ?cursor= for the next page; null at the end")

"""What the api accepts and answers: request bodies and response shapes (the bus messages live in contracts)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wirewatch.contracts import MAX_TEXT_CHARS, Enrichment, EventSnapshot, Origin

from .submission import clean_title


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

    model_config = ConfigDict(extra="forbid", frozen=True)

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


class EventPage(BaseModel):
    events: list[EventSnapshot]
    next_cursor: str | None = Field(default=None, description="pass as ?before= for the next (older) page")


class EventArticle(BaseModel):
    id: str
    title: str
    source: str | None = None
    url: str | None = None
    published_at: datetime | None = None


class EventDetail(EventSnapshot):
    articles: list[EventArticle] = Field(default_factory=list, description="its newest articles")

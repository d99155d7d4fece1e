"""Event messages published by dedupe on ``events.<change>.<category>.<country>``."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from ._articles import EventType, Place
from ._base import Message

ChangeKind = Literal["created", "updated", "merged"]


class EventSnapshot(Message):
    """The state of an event after a change."""

    event_id: str
    version: int = Field(ge=1)
    title: str
    category: str
    event_type: EventType | None = None
    countries: list[str] = Field(default_factory=list)
    primary_country: str | None = None
    places: list[Place] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    languages: list[str] = Field(
        default_factory=list, description="ISO 639-1 codes of its articles' languages, most common first"
    )
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    article_count: int = Field(ge=0)
    source_count: int = Field(ge=0)
    duplicate_count: int = Field(default=0, ge=0)
    article_ids: list[str] = Field(default_factory=list, description="the most recent articles, newest last")
    status: Literal["active", "dormant", "merged"] = "active"
    merged_into: str | None = None
    merged_from: list[str] = Field(default_factory=list, description="ids of events merged into this one (redirects)")


class EventChanged(Message):
    """An event was created, updated or merged; carries the snapshot and what changed."""

    schema_version: Literal[1] = 1
    change: ChangeKind
    event: EventSnapshot
    changed_fields: list[str] = Field(default_factory=list)
    article_id: str | None = Field(default=None, description="the article that caused the change")
    ingested_at: AwareDatetime | None = Field(default=None, description="ingest time of that article")
    changed_at: AwareDatetime

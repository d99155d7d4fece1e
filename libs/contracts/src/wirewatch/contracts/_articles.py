"""Article messages: submitted -> ingested -> enriched."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from ._base import Message

Origin = Literal["push", "feed", "file", "nats"]

# Bodies above this are cut by ingest (and rejected by the api) so one huge page cannot stall a hop.
MAX_TEXT_CHARS = 200_000


class ArticleSubmitted(Message):
    """A raw article handed to ingest (api push, JSONL file, feed poller, NATS ``articles.submit``).

    With ``fetch_page`` ingest downloads ``url`` and extracts the article from the page, keeping what the
    submission already says where the page says nothing (a feed item's title and summary survive a dead page).
    A submission without a title must ask for the page, since the page is then the only place a title can come from.
    """

    schema_version: Literal[1] = 1
    url: str | None = Field(default=None, max_length=4096)
    title: str = Field(default="", max_length=2000)
    text: str = Field(default="", max_length=5_000_000)
    published_at: AwareDatetime | None = None
    source: str | None = Field(default=None, max_length=500)
    lang: str | None = Field(default=None, max_length=16)
    author: str | None = Field(default=None, max_length=500)
    origin: Origin = "push"
    feed_id: str | None = Field(default=None, max_length=200, description="the registered feed it came from")
    fetch_page: bool = False
    submitted_at: AwareDatetime

    @model_validator(mode="after")
    def _title_or_page(self) -> ArticleSubmitted:
        if not self.title.strip() and not (self.fetch_page and self.url):
            raise ValueError("an article needs a title, or a url with fetch_page to take the title from its page")
        return self


class ArticleIngested(Message):
    """A stored article revision, ready for enrichment."""

    schema_version: Literal[1] = 1
    article_id: str
    revision: int = Field(ge=1)
    url: str | None = None
    canonical_url: str | None = None
    title: str
    text: str = ""
    published_at: AwareDatetime | None = None
    source: str | None = None
    lang: str | None = None
    author: str | None = None
    content_hash: str
    origin: Origin = "push"
    ingested_at: AwareDatetime


class Entity(Message):
    """A named entity with character offsets into ``title + "\\n\\n" + text``."""

    text: str
    label: Literal["PERSON", "ORG", "GPE", "LOC", "NORP"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Place(Message):
    """A resolved place mention."""

    name: str
    geonameid: int | None = None
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    admin1: str | None = None
    start: int | None = None
    end: int | None = None


class NumberMention(Message):
    """A number written in the text ("2,000", "6.8", "1.500" in German), with offsets like :class:`Entity`."""

    text: str
    value: float
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DateMention(Message):
    """A calendar date written in the text, resolved as far as it says: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

    text: str
    date: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class EventType(Message):
    """ACLED-style event type for conflict and unrest, IPTC media topic otherwise."""

    category: str = Field(description="subject token: conflict, unrest, politics, economy, disaster, ...")
    type: str
    subtype: str | None = None
    confidence: float = Field(ge=0, le=1)


class Enrichment(Message):
    """What enrich learned about an article."""

    lang: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO codes, most salient first")
    primary_place: Place | None = None
    event_type: EventType | None = None
    topics: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    tone: float = Field(default=0.0, ge=-1, le=1)
    summary: str = ""
    numbers: list[NumberMention] = Field(default_factory=list, description="numbers in the text, any language")
    dates: list[DateMention] = Field(default_factory=list, description="calendar dates in the text, any language")
    warnings: list[str] = Field(default_factory=list, description="what could not be extracted, in words")


class ArticleEnriched(Message):
    """An article revision plus its enrichment, ready for dedupe and clustering."""

    schema_version: Literal[1] = 1
    article: ArticleIngested
    enrichment: Enrichment
    enriched_at: datetime

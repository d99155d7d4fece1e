"""``/v1/feeds``: the feed registry ingest polls, with each feed's health.

The api writes a feed's registry fields; ingest's poller writes its ``health`` (and private bookkeeping this module
never shows: the poll lease and the keys of items already seen).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from wirewatch.contracts import DEFAULT_FEED_INTERVAL_SECONDS, FeedHealth, FeedStatus, feed_id_for

from .auth import token_guard
from .settings import ApiSettings

log = logging.getLogger("wirewatch.api")

# What a user may ask for: polling a news feed more than once a minute is impolite, less than daily is not news.
MIN_INTERVAL_SECONDS = 60
MAX_INTERVAL_SECONDS = 24 * 3600
_HIDDEN = {"lease_until": 0, "lease_owner": 0, "seen": 0}

FeedId = Annotated[str, Path(max_length=200)]


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(max_length=2048)
    source_name: str | None = Field(default=None, max_length=500, description="default: the feed's own title")
    interval_seconds: int = Field(
        default=DEFAULT_FEED_INTERVAL_SECONDS, ge=MIN_INTERVAL_SECONDS, le=MAX_INTERVAL_SECONDS
    )
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme.lower() not in {"http", "https"}:
            raise ValueError("must be an http or https URL")
        try:
            host = parts.hostname
        except ValueError as exc:
            raise ValueError(f"not a valid URL: {exc}") from exc
        if not host:
            raise ValueError("URL has no host")
        return value


class FeedList(BaseModel):
    feeds: list[FeedStatus]


def _status(doc: dict[str, Any]) -> FeedStatus:
    doc.pop("_id", None)
    return FeedStatus.model_validate(doc)


def build_feeds_router(db: AsyncDatabase[dict[str, Any]], settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/feeds", tags=["feeds"])
    feeds = db["feeds"]
    guarded = [Depends(token_guard(settings))]

    @router.post(
        "", status_code=status.HTTP_201_CREATED, dependencies=guarded, responses={409: {"description": "known URL"}}
    )
    async def add_feed(request: FeedIn) -> FeedStatus:
        """Register a feed; ingest polls it within a tick. The id is derived from the URL, so a URL is added once."""
        now = datetime.now(UTC)
        feed = FeedStatus(
            feed_id=feed_id_for(request.url),
            url=request.url,
            source_name=request.source_name,
            interval_seconds=request.interval_seconds,
            enabled=request.enabled,
            created_at=now,
            added_by="api",
            health=FeedHealth(next_poll_at=now),
        )
        try:
            await feeds.insert_one({**feed.model_dump(), "_id": feed.feed_id, "seen": []})
        except DuplicateKeyError as exc:
            raise HTTPException(status.HTTP_409_CONFLICT, f"this feed is already registered as {feed.feed_id}") from exc
        log.info("feed added", extra={"feed_id": feed.feed_id})
        return feed

    @router.get("")
    async def list_feeds(limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> FeedList:
        """Feeds with their health, newest first."""
        cursor = feeds.find({}, _HIDDEN).sort([("created_at", DESCENDING), ("_id", DESCENDING)]).limit(limit)
        return FeedList(feeds=[_status(doc) async for doc in cursor])

    @router.get("/{feed_id}", responses={404: {"description": "no such feed"}})
    async def get_feed(feed_id: FeedId) -> FeedStatus:
        doc = await feeds.find_one({"_id": feed_id}, _HIDDEN)
        if doc is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no feed with id {feed_id!r}")
        return _status(doc)

    @router.delete(
        "/{feed_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        dependencies=guarded,
        responses={404: {"description": "no such feed"}},
    )
    async def remove_feed(feed_id: FeedId) -> Response:
        """Stop polling the feed; the articles it brought stay."""
        if (await feeds.delete_one({"_id": feed_id})).deleted_count != 1:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no feed with id {feed_id!r}")
        log.info("feed removed", extra={"feed_id": feed_id})
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router

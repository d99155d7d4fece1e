"""Registered feeds and their health: the ``feeds`` collection.

The api (and the feeds file ingest loads at start) writes the registry fields of :class:`Feed`; ingest's poller
writes :class:`FeedHealth` under the document's ``health`` key, plus its own private bookkeeping (lease, seen item
keys) that no other service reads. Both sides derive a feed's id from its URL the same way, so adding a feed twice,
from the api and from the file, names one feed.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import AwareDatetime, Field

from ._base import Message
from ._identity import canonical_url

# Bounds a feed's polling interval may take anywhere; the api is stricter (see its MIN/MAX) since those are
# what a user may ask for, while tests and the benchmark poll local servers every second.
MIN_FEED_INTERVAL_SECONDS = 1
MAX_FEED_INTERVAL_SECONDS = 7 * 24 * 3600
DEFAULT_FEED_INTERVAL_SECONDS = 600

FetchOutcome = Literal[
    "ok",
    "not_modified",
    "http_error",
    "timeout",
    "too_large",
    "parse_error",
    "refused",
    "connect_error",
    "redirect_error",
    "error",
]
"""How one fetch of a feed ended; also the ``outcome`` label of the fetch counter."""


def feed_id_for(url: str) -> str:
    """The stable id of the feed at ``url`` (trivially different spellings of the URL give the same id)."""
    return "feed_" + hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


class FeedHealth(Message):
    """What the poller knows about a feed: the last fetches' results, the conditional-GET validators, the schedule."""

    last_fetch_at: AwareDatetime | None = None
    last_outcome: FetchOutcome | None = None
    last_success_at: AwareDatetime | None = None
    last_new_item_at: AwareDatetime | None = None
    consecutive_failures: int = Field(default=0, ge=0)
    last_error: str | None = Field(
        default=None,
        description="the last failure in words (kept after a recovery: consecutive_failures says if current)",
    )
    last_error_at: AwareDatetime | None = None
    last_warning: str | None = Field(
        default=None, description="a problem the last successful fetch recovered from, e.g. a wrong charset"
    )
    last_status: int | None = Field(default=None, description="HTTP status of the last answer, if any")
    stale: bool = Field(default=False, description="no new item for several times the feed's usual interval")
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: AwareDatetime | None = None
    items_seen: int = Field(default=0, ge=0, description="new items published since the feed was added")
    item_gap_seconds: float | None = Field(
        default=None, description="smoothed time between new items: the feed's usual rhythm, used for staleness"
    )


class Feed(Message):
    """A registered feed."""

    schema_version: Literal[1] = 1
    feed_id: str = Field(max_length=200)
    url: str = Field(max_length=2048)
    source_name: str | None = Field(default=None, max_length=500, description="the articles' source, e.g. BBC News")
    interval_seconds: int = Field(
        default=DEFAULT_FEED_INTERVAL_SECONDS, ge=MIN_FEED_INTERVAL_SECONDS, le=MAX_FEED_INTERVAL_SECONDS
    )
    enabled: bool = True
    created_at: AwareDatetime
    added_by: Literal["api", "file"] = "api"


class FeedStatus(Feed):
    """A feed with its health, as the api answers ``GET /v1/feeds/{id}`` and ``feeds status`` shows it."""

    health: FeedHealth = Field(default_factory=FeedHealth)

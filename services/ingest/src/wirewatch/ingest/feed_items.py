"""Feed items -> ``ArticleSubmitted``: the item's key (what "already seen" means) and its submission."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from wirewatch.contracts import ArticleSubmitted

from .feed_parser import FeedItem

# A body shorter than this is a teaser (or nothing): ingest is asked to fetch the page for the article itself.
SHORT_TEXT_CHARS = 400
# The limits of ``ArticleSubmitted``: an item over them is cut (or loses its URL), never refused, since one
# refused item would fail the poll of the whole feed (found by tests/fuzz).
_MAX_TITLE_CHARS = 2000
_MAX_SOURCE_CHARS = 500
_MAX_URL_CHARS = 4096


@dataclass(frozen=True, slots=True)
class FeedSubmission:
    key: str  # remembered per feed: an item with this key is not published again
    msg_id: str  # Nats-Msg-Id: JetStream drops a repeat inside its duplicate window
    article: ArticleSubmitted


def _http_url(link: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if len(link) > _MAX_URL_CHARS:
        return None
    parts = urlsplit(link)
    return link if parts.scheme.lower() in {"http", "https"} and parts.netloc else None


def item_key(item: FeedItem, text: str) -> str | None:
    """The item's identity (guid, else link, else title) plus a digest of its content.

    An item whose publisher edits its title or summary gets a new key, so the edit reaches ingest, which stores it
    as a new revision of the same article; an unchanged item keeps its key however often the feed repeats it.
    """
    identity = item.guid or item.link or item.title
    if not identity:
        return None
    digest = hashlib.sha256(f"{identity}\x00{item.title}\x00{text}".encode()).hexdigest()
    return digest[:24]


def to_submission(item: FeedItem, *, feed_id: str, source: str | None, now: datetime) -> FeedSubmission | None:
    """The submission for one item, or None when it has neither a title nor a link (nothing to go on)."""
    url = _http_url(item.link) or _http_url(item.guid)
    text = max(item.content, item.summary, key=len)
    title = item.title[:_MAX_TITLE_CHARS]
    if not title.strip() and not url:
        return None
    key = item_key(item, text)
    if key is None:
        return None
    article = ArticleSubmitted(
        url=url,
        title=title,
        text=text,
        published_at=item.published_at,
        source=source[:_MAX_SOURCE_CHARS] if source else source,
        origin="feed",
        feed_id=feed_id,
        # Without a URL there is no page to fetch; a titled item then stands on what the feed said. An untitled
        # item's title can only come from its page.
        fetch_page=url is not None and (len(text) < SHORT_TEXT_CHARS or not title.strip()),
        submitted_at=now,
    )
    return FeedSubmission(key=key, msg_id=f"feed:{feed_id}:{key}", article=article)

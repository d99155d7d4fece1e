"""Feed bytes -> items: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF through feedparser, JSON Feed by hand.

feedparser recovers what it can from ill-formed XML and wrong charsets (``bozo``): a feed it recovered items from
is a success with a warning, a document it found no feed in is a :class:`FeedParseError`.
"""

from __future__ import annotations

import calendar
import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from .feed_text import html_to_text

JSON_FEED_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


class FeedParseError(ValueError):
    """The document is not a feed we can read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as text."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    content: str
    published_at: datetime | None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    version: str
    items: list[FeedItem] = field(default_factory=list)
    warning: str | None = None


def parse_feed(body: bytes, *, content_type: str | None = None, url: str | None = None) -> ParsedFeed:
    """Parse a feed document; ``content_type`` (with its charset) and ``url`` come from the HTTP answer."""
    if _looks_like_json(body, content_type):
        return parse_json_feed(body)
    # Whitespace before the XML declaration is common in real feeds and makes the strict parser give up.
    if body[:1].isspace() and body.lstrip()[:5] == b"<?xml":
        body = body.lstrip()
    headers = {"content-location": url} if url else {}
    if content_type:
        headers["content-type"] = content_type
    try:
        return _parse_xml(body, headers)
    except FeedParseError as first:
        # A wrong declared charset (utf-16 on an ASCII body, a made-up name) defeats feedparser's own guessing:
        # read the bytes as UTF-8 (else Windows-1252) with the declaration removed, once.
        recoded = _recoded(body)
        if recoded is None:
            raise
        headers.pop("content-type", None)
        try:
            parsed = _parse_xml(recoded, headers)
        except FeedParseError:
            raise first from None
        note = "the declared charset was wrong; read as UTF-8 or Windows-1252"
        return ParsedFeed(parsed.title, parsed.version, parsed.items, f"{note} ({parsed.warning or first})"[:300])


_DECLARED_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?)\sencoding\s*=\s*["'][^"']*["']""")


def _recoded(body: bytes) -> bytes | None:
    if body.lstrip()[:1] != b"<":
        return None  # not markup at all: nothing a charset could fix
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("cp1252", errors="replace")
    recoded = _DECLARED_ENCODING.sub(rb"\1", text.encode("utf-8"), count=1)
    return recoded if recoded != body else None


# A numeric character reference to no character (beyond U+10FFFF, or a surrogate): feedparser's loose parser
# raises on it instead of recovering (found by tests/fuzz), so it becomes U+FFFD first.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _no_such_character(ref: re.Match[bytes]) -> bytes:
    code = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
    return b"&#xFFFD;" if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else ref.group(0)


def _parse_xml(body: bytes, headers: dict[str, str]) -> ParsedFeed:
    body = _CHAR_REF.sub(_no_such_character, body)
    try:
        # A BytesIO, never a str: feedparser would treat a str that looks like a URL or a path as one and open
        # it.
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except (ValueError, LookupError, RecursionError) as exc:  # its loose parser's own failures on broken markup
        raise FeedParseError(f"not a readable feed: {_describe(exc)}") from exc
    problem = _describe(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    entries = parsed.get("entries") or []
    if not entries and (problem or not parsed.get("version")):
        raise FeedParseError(f"not a readable feed: {problem or 'no RSS, Atom or JSON Feed root element'}")
    items = [_item(entry) for entry in entries]
    feed_title = html_to_text(parsed.get("feed", {}).get("title", ""))
    return ParsedFeed(feed_title, parsed.get("version") or "unknown", items, problem)


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in {b"{", b"["}


def _describe(exc: object) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300] if exc is not None else "ill-formed document"


def _text_of(entry: Any, key: str) -> str:
    value = entry.get(key) or ""
    detail = entry.get(f"{key}_detail") or {}
    if detail.get("type") == "text/plain":
        return " ".join(str(value).split())
    return html_to_text(str(value))


def _parsed_time(value: Any) -> datetime | None:
    if not isinstance(value, time.struct_time | tuple):
        return None
    try:
        # feedparser normalises every date to UTC in its *_parsed struct_time.
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _alternate_link(entry: Any) -> str | None:
    """The entry's page: its rel=alternate link; feedparser's ``link`` may be an enclosure listed first."""
    for link in entry.get("links") or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return entry.get("link") or None


def _item(entry: Any) -> FeedItem:
    contents = entry.get("content") or []
    content = "\n\n".join(html_to_text(str(c.get("value", ""))) for c in contents if c.get("value"))
    # dict.get, not entry.get: feedparser's own lookup maps a missing "updated" to "published" with a warning.
    published = _parsed_time(dict.get(entry, "published_parsed")) or _parsed_time(dict.get(entry, "created_parsed"))
    updated = _parsed_time(dict.get(entry, "updated_parsed"))
    link = _alternate_link(entry)
    return FeedItem(
        guid=(entry.get("id") or None),
        link=link,
        title=_text_of(entry, "title"),
        summary=_text_of(entry, "summary"),
        content=content,
        published_at=published or updated,
        updated_at=updated,
    )


# --- JSON Feed (https://jsonfeed.org/version/1.1) ---


def parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedParseError(f"not a readable JSON Feed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(document, dict):
        raise FeedParseError("not a JSON Feed: the document is not a JSON object")
    document = _without_surrogates(document)
    version = str(document.get("version") or "")
    if not version.startswith(JSON_FEED_VERSION_PREFIXES):
        raise FeedParseError(f"not a JSON Feed: version is {version[:80]!r}, expected https://jsonfeed.org/version/…")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedParseError("not a JSON Feed: 'items' is missing or not a list")
    items = [_json_item(raw) for raw in raw_items if isinstance(raw, dict)]
    skipped = len(raw_items) - len(items)
    warning = f"{skipped} item(s) were not JSON objects and were skipped" if skipped else None
    return ParsedFeed(_string(document.get("title")), "json" + version.rsplit("/", 1)[-1], items, warning)


def _without_surrogates(value: Any) -> Any:
    """Every string with lone surrogates (JSON may escape them, ``"\\ud800"``) as U+FFFD: they cannot be encoded,
    so an item holding one failed the whole poll (found by tests/fuzz)."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _string(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _json_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_item(raw: dict[str, Any]) -> FeedItem:
    content = _string(raw.get("content_text")) or html_to_text(str(raw.get("content_html") or ""))
    link = raw.get("url") or raw.get("external_url")
    guid = raw.get("id")
    published = _json_date(raw.get("date_published"))
    updated = _json_date(raw.get("date_modified"))
    return FeedItem(
        guid=str(guid) if guid not in (None, "") else None,
        link=link if isinstance(link, str) and link else None,
        title=_string(raw.get("title")),
        summary=_string(raw.get("summary")),
        content=content,
        published_at=published or updated,
        updated_at=updated,
    )

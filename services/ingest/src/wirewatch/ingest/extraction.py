"""HTML page -> article: body, title, author, publication date, language and the page's own canonical URL.

The body comes from trafilatura with ``favor_precision`` (best body F1 on the zyte benchmark: 0.964 against
0.960 for the defaults, see docs/benchmarks.md), the date from the page's ``article:published_time``-style markup
when it gives a full time, else from htmldate (through trafilatura). This module is pure and synchronous: the
service runs it in worker processes (``extraction_workers``) and ``wirewatch eval extraction`` calls it directly,
so both measure and run the same code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement

# trafilatura and htmldate log every page they find odd; a service cannot act on that, so keep them quiet.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

# Pages with more elements than this are not worth the time (generated listings, endless comment threads).
MAX_TREE_ELEMENTS = 200_000
MAX_TITLE_CHARS = 1000
_CONFIG = trafilatura.settings.use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_ELEMENTS))

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "sailthru.date",
)
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)

_log = logging.getLogger("wirewatch.ingest.extraction")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What a page says about its article; empty strings and ``None`` where it says nothing."""

    title: str = ""
    text: str = ""
    author: str | None = None
    published_at: datetime | None = None
    lang: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    description: str | None = None


def _squash(value: str | None, limit: int = 500) -> str:
    """Whitespace collapsed, cut at ``limit`` characters (a page can put anything in its title or byline)."""
    return " ".join((value or "").split())[:limit]


def _meta(tree: HtmlElement, *names: str) -> list[str]:
    """``content`` of ``<meta property|name|itemprop=...>`` in document order, for any of ``names``."""
    wanted = set(names)
    found: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key in wanted and content and content.strip():
            found.append(content.strip())
    return found


def _absolute_http(href: str, base: str | None) -> str | None:
    """``href`` made absolute against ``base``; ``None`` unless it is an http(s) URL with a host."""
    try:
        resolved = urljoin(base or "", href.strip())
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    return resolved


def declared_canonical(tree: HtmlElement, page_url: str | None) -> str | None:
    """The page's own idea of its URL: ``<link rel=canonical>``, else ``og:url``; absolute http(s) only.

    A relative href is resolved against the page URL as browsers and crawlers do; anything else (another scheme,
    no host, garbage) is ignored rather than trusted.
    """
    for link in tree.iter("link"):
        is_canonical = "canonical" in (link.get("rel") or "").lower().split()
        if is_canonical and (url := _absolute_http(link.get("href") or "", page_url)):
            return url
    for content in _meta(tree, "og:url"):
        if url := _absolute_http(content, page_url):
            return url
    return None


def declared_language(tree: HtmlElement) -> str | None:
    """ISO 639 code from ``<html lang>``, ``content-language`` or ``og:locale`` (``en-GB`` -> ``en``)."""
    candidates = [tree.get("lang") or "", tree.get("xml:lang") or ""]
    candidates += [
        meta.get("content") or ""
        for meta in tree.iter("meta")
        if (meta.get("http-equiv") or "").lower() == "content-language"
    ]
    candidates += _meta(tree, "og:locale", "language", "dc.language")
    for candidate in candidates:
        if match := _LANG.match(candidate.strip().split(",")[0].strip()):
            return match.group(1).lower()
    return None


def _plausible(value: datetime, now: datetime) -> datetime | None:
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return value if _EARLIEST <= value <= now + timedelta(days=1) else None


def declared_published_at(tree: HtmlElement, now: datetime | None = None) -> datetime | None:
    """A full publication time from the page's metadata (``article:published_time`` and friends), if any."""
    now = now or datetime.now(UTC)
    for content in _meta(tree, *_PUBLISHED_META):
        try:
            parsed = datetime.fromisoformat(content.replace("Z", "+00:00"))
        except ValueError:
            continue
        if plausible := _plausible(parsed, now):
            return plausible
    return None


def declared_title(tree: HtmlElement) -> str:
    """``og:title``, else ``<title>``: the fallback when trafilatura finds no article in the page."""
    for content in _meta(tree, "og:title", "twitter:title"):
        return _squash(content, MAX_TITLE_CHARS)
    title = tree.find(".//title")
    return _squash(title.text_content(), MAX_TITLE_CHARS) if title is not None else ""


def _day(value: str | None, now: datetime) -> datetime | None:
    if not value:
        return None
    try:
        return _plausible(datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC), now)
    except ValueError:
        return None


def extract_page(html: bytes | str, url: str | None = None) -> ExtractedPage:
    """Extract the article from one HTML page. Never raises on bad HTML: what cannot be found is left empty."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return ExtractedPage()
    now = datetime.now(UTC)
    # Read the head before trafilatura, which prunes the tree in place while it looks for the body.
    canonical = declared_canonical(tree, url)
    lang = declared_language(tree)
    published = declared_published_at(tree, now)
    title = declared_title(tree)
    try:
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
            config=_CONFIG,
        )
    except Exception:  # noqa: BLE001 - trafilatura/htmldate/lxml assert on some malformed trees (e.g. <svg><foreignObject><html>)
        # What the head declared is still worth keeping; the body is then empty and the caller records why.
        _log.warning("article extraction failed on a malformed page", exc_info=True, extra={"url": url})
        document = None
    if document is None or isinstance(document, dict):
        return ExtractedPage(title=title, lang=lang, canonical_url=canonical, published_at=published)
    return ExtractedPage(
        title=_squash(document.title, MAX_TITLE_CHARS) or title,
        text=(document.text or "").strip(),
        author=_squash(document.author) or None,
        published_at=published or _day(document.date, now),
        lang=lang or (document.language or None),
        canonical_url=canonical,
        site_name=_squash(document.sitename) or None,
        description=_squash(document.description) or None,
    )

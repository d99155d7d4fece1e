"""Fuzzing the feed parser: any bytes, RSS/Atom built from hostile parts, JSON Feeds with any values.

Property: ``parse_feed`` returns items or raises ``FeedParseError`` (the poller records its message as the feed's
error), within a bound; every item it returns becomes no submission or an ``ArticleSubmitted`` that ingest can
decode, so one odd item can neither fail the whole poll nor be dead-lettered downstream.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from wirewatch.contracts import ArticleSubmitted
from wirewatch.ingest.feed_items import to_submission
from wirewatch.ingest.feed_parser import FeedParseError, ParsedFeed, parse_feed

from .campaign import bounded, budget
from .values import json_values, nasty_text

NOW = datetime(2026, 11, 25, tzinfo=UTC)
BOUND = 10.0

_CONTENT_TYPES = st.sampled_from(
    [None, "application/rss+xml", "application/atom+xml; charset=utf-16", "text/xml; charset=bogus",
     "application/feed+json", "text/html; charset=iso-8859-1", "application/json; charset=latin-1", ""]
)  # fmt: skip
_DATES = st.one_of(
    st.sampled_from(
        ["Tue, 19 Sep 2023 10:00:00 GMT", "2023-09-19T10:00:00+03:30", "Mon, 31 Feb 2023 25:61:61 +9999",
         "99999-01-01", "0000-00-00T00:00:00Z", "-1", "1e400", "yesterday", "Sat, 01 Jan 10000 00:00:00 GMT",
         "2023-09-19T10:00:00.9999999999Z", "Thu, 01 Jan 1970 00:00:00 -2400", ""]
    ),
    nasty_text(40),
)  # fmt: skip


def _escaped(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def _xml_feeds(draw: st.DrawFn) -> bytes:
    """An RSS 2.0, RSS 1.0 or Atom document whose fields are hostile text, raw markup or nothing at all."""
    kind = draw(st.sampled_from(["rss", "rdf", "atom"]))
    raw = draw(st.booleans())  # fields as raw markup (may break the document) or escaped text

    def field(tag: str, value: str) -> str:
        return f"<{tag}>{value if raw else _escaped(value)}</{tag}>" if draw(st.booleans()) else ""

    items = []
    for _ in range(draw(st.integers(0, 6))):
        link = draw(st.one_of(st.just("https://news.example/a"), st.just("https://news.example/" + "x" * 5000),
                              st.just("javascript:alert(1)"), nasty_text(60)))  # fmt: skip
        parts = [
            field("title", draw(st.one_of(nasty_text(80), st.just("T" * 3000)))),
            field("link", link) if kind != "atom" else f'<link rel="alternate" href="{_escaped(link)}"/>',
            field("guid" if kind != "atom" else "id", draw(nasty_text(40))),
            field("description" if kind != "atom" else "summary", draw(nasty_text(200))),
            field("pubDate" if kind == "rss" else "dc:date" if kind == "rdf" else "updated", draw(_DATES)),
        ]
        tag = "entry" if kind == "atom" else "item"
        items.append(f"<{tag}>{''.join(parts)}</{tag}>")
    title = field("title", draw(st.one_of(nasty_text(60), st.just("S" * 800))))
    body = "".join(items)
    if kind == "rss":
        doc = f'<rss version="2.0"><channel>{title}{body}</channel></rss>'
    elif kind == "rdf":
        doc = (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>{title}</channel>{body}</rdf:RDF>'
        )
    else:
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom">{title}{body}</feed>'
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "iso-8859-1", "cp1252", "made-up"]))
    prolog = f'<?xml version="1.0" encoding="{encoding}"?>' if draw(st.booleans()) else ""
    codec = encoding if encoding != "made-up" else "utf-8"
    return (prolog + doc).encode(codec, errors="replace")


_ANY_VALUE = st.one_of(json_values(), nasty_text(60))


@st.composite
def _json_feeds(draw: st.DrawFn) -> bytes:
    def value(good: Any) -> Any:
        return good if draw(st.booleans()) else draw(_ANY_VALUE)

    items = [
        {
            key: value(good)
            for key, good in {
                "id": "1",
                "url": "https://news.example/a",
                "title": "A title",
                "content_text": "Some text",
                "content_html": "<p>Some <b>text</b></p>",
                "summary": "short",
                "date_published": "2023-09-19T10:00:00Z",
                "date_modified": "2023-09-19T11:00:00+02:00",
            }.items()
            if draw(st.booleans())
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    document = {"version": value("https://jsonfeed.org/version/1.1"), "title": value("Feed"), "items": value(items)}
    return json.dumps(document, allow_nan=True).encode("utf-8", "surrogatepass")


def _check(body: bytes, content_type: str | None) -> None:
    parsed: ParsedFeed | None = None
    try:
        parsed = parse_feed(body, content_type=content_type, url="https://news.example/feed")
    except FeedParseError as exc:
        error = str(exc)
    else:
        error = ""
    if error:
        assert error.startswith("not a "), f"a parse error must say why: {error!r}"
        return
    assert parsed is not None
    for item in parsed.items:
        assert item.published_at is None or item.published_at.tzinfo is not None
        submission = to_submission(item, feed_id="f" * 24, source=parsed.title or None, now=NOW)
        if submission is not None:
            # What the poller publishes must be what ingest decodes.
            wire = submission.article.model_dump_json()
            assert ArticleSubmitted.model_validate_json(wire) == submission.article


@budget(quick=60, campaign=3000)
@given(st.binary(max_size=3000), _CONTENT_TYPES)
def test_any_bytes_give_a_feed_or_a_parse_error(body: bytes, content_type: str | None) -> None:
    with bounded("feed parser: any bytes", BOUND):
        _check(body, content_type)


@budget(quick=30, campaign=2000)
@given(_xml_feeds(), _CONTENT_TYPES)
@example(b'<rss version="2.0"><channel><title>' + b"S" * 800 + b"</title><item><title>t</title></item></channel></rss>",
         None)  # fmt: skip
def test_hostile_rss_and_atom_give_items_ingest_can_decode(body: bytes, content_type: str | None) -> None:
    with bounded("feed parser: RSS/Atom", BOUND):
        _check(body, content_type)


@budget(quick=40, campaign=2000)
@given(_json_feeds())
def test_json_feeds_with_any_values_give_items_or_a_parse_error(body: bytes) -> None:
    with bounded("feed parser: JSON Feed", BOUND):
        _check(body, "application/feed+json")

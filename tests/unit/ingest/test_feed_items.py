"""Feed items -> submissions, JSON Feed and feed text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from wirewatch.ingest.feed_items import SHORT_TEXT_CHARS, to_submission
from wirewatch.ingest.feed_parser import FeedItem, FeedParseError, parse_feed
from wirewatch.ingest.feed_text import html_to_text

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _item(**fields: object) -> FeedItem:
    values: dict[str, object] = {
        "guid": "urn:1",
        "link": "https://news.example/a",
        "title": "Title",
        "summary": "",
        "content": "",
        "published_at": None,
    }
    values.update(fields)
    return FeedItem(**values)  # type: ignore[arg-type]


def test_teasers_ask_for_the_page_and_full_bodies_do_not():
    teaser = to_submission(_item(summary="One line."), feed_id="f", source="S", now=NOW)
    full = to_submission(_item(content="word " * SHORT_TEXT_CHARS), feed_id="f", source="S", now=NOW)
    assert teaser is not None
    assert full is not None
    assert teaser.article.fetch_page
    assert not full.article.fetch_page
    assert teaser.article.origin == "feed"
    assert teaser.article.feed_id == "f"
    assert teaser.msg_id == f"feed:f:{teaser.key}"


def test_key_is_stable_for_the_same_item_and_changes_with_its_content():
    one = to_submission(_item(summary="A"), feed_id="f", source=None, now=NOW)
    same = to_submission(_item(summary="A"), feed_id="f", source=None, now=datetime.now(UTC))
    edited = to_submission(_item(summary="B"), feed_id="f", source=None, now=NOW)
    assert one is not None
    assert same is not None
    assert edited is not None
    assert one.key == same.key
    assert one.key != edited.key


def test_items_without_title_and_link_are_skipped_and_without_url_stand_alone():
    assert to_submission(_item(title="", link=None, guid=None), feed_id="f", source=None, now=NOW) is None
    untitled = to_submission(_item(title=""), feed_id="f", source=None, now=NOW)
    assert untitled is not None
    assert untitled.article.fetch_page  # the page is the only place its title can come from
    no_url = to_submission(_item(link="javascript:alert(1)", guid="tag:x"), feed_id="f", source=None, now=NOW)
    assert no_url is not None
    assert (no_url.article.url, no_url.article.fetch_page) == (None, False)


def test_json_feed():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON News",
            "items": [
                {
                    "id": 7,
                    "url": "https://json.example/7",
                    "title": "Seven",
                    "content_html": "<p>Hello <b>world</b></p><p>Second</p>",
                    "date_published": "2026-11-24T10:00:00Z",
                },
                {"id": "8", "external_url": "https://elsewhere.example/8", "summary": "Eight", "date_modified": "bad"},
                "not an object",
            ],
        }
    ).encode()
    parsed = parse_feed(body)
    assert parsed.version == "json1.1"
    assert parsed.title == "JSON News"
    first, second = parsed.items
    assert (first.guid, first.link, first.title) == ("7", "https://json.example/7", "Seven")
    assert first.content == "Hello world\n\nSecond"
    assert first.published_at == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert (second.link, second.summary, second.published_at) == ("https://elsewhere.example/8", "Eight", None)
    assert parsed.warning == "1 item(s) were not JSON objects and were skipped"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not a readable JSON Feed"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"version": "1", "items": []}', "version"),
        (b'{"version": "https://jsonfeed.org/version/1"}', "'items'"),
        (b"", "not a readable feed"),
        (b"\xff\xfe\x00garbage", "not a readable feed"),
    ],
)
def test_unreadable_documents_say_why(body: bytes, words: str):
    with pytest.raises(FeedParseError, match=words):
        parse_feed(body)


def test_leading_whitespace_before_the_declaration_is_tolerated():
    body = b'\n\n  <?xml version="1.0"?><rss version="2.0"><channel><item><title>T</title></item></channel></rss>'
    parsed = parse_feed(body)
    assert parsed.warning is None
    assert [i.title for i in parsed.items] == ["T"]


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>a</p><p>b &amp; c</p>", "a\n\nb & c"),
        ("plain   text", "plain text"),
        ("A &lt;b&gt; x", "A <b> x"),
        ("<script>alert(1)</script>safe", "safe"),
        ("Tom &amp; Jerry<br/>again", "Tom & Jerry\nagain"),
        ("", ""),
        ("<", "<"),
    ],
)
def test_html_to_text(markup: str, text: str):
    assert html_to_text(markup) == text


@pytest.mark.parametrize("declared", ["utf-16", "bogus-8"])
def test_a_wrong_declared_charset_is_recovered_with_a_warning(declared: str):
    body = (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel>'
        "<item><title>Caf\u00e9 opens</title><link>http://x.test/a</link></item></channel></rss>"
    ).encode()
    parsed = parse_feed(body, content_type=f"application/rss+xml; charset={declared}")
    assert [i.title for i in parsed.items] == ["Caf\u00e9 opens"]
    assert parsed.warning is not None
    assert "declared" in parsed.warning  # ours (utf-16), or feedparser's own override (an unknown name)

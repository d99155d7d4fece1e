"""HTML -> article: a real page, the head's metadata rules, and fuzzing for crashes and hangs."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml.html import fromstring

from wirewatch.ingest.extraction import (
    ExtractedPage,
    declared_canonical,
    declared_language,
    declared_published_at,
    extract_page,
)

VENTUREBEAT = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85"


def _head(markup: str) -> object:
    return fromstring(f"<html><head>{markup}</head><body><p>x</p></body></html>")


def test_real_page_gives_body_title_author_date_language_and_canonical(data_dir: Path) -> None:
    zyte = data_dir / "extraction" / "zyte"
    truth = json.loads((zyte / "ground-truth.json").read_text(encoding="utf-8"))[VENTUREBEAT]
    page = extract_page(gzip.decompress((zyte / "html" / f"{VENTUREBEAT}.html.gz").read_bytes()), truth["url"])
    assert page.title == "New York State Attorney General investigating WeWork and former CEO"
    assert page.author == "Reuters"
    assert page.published_at == datetime(2019, 11, 19, 7, 3, 25, tzinfo=UTC)
    assert page.lang == "en"
    assert page.canonical_url == truth["url"]
    assert page.site_name == "VentureBeat"
    assert page.text.startswith(truth["articleBody"][:80])


def test_canonical_link_wins_over_og_url_and_relative_hrefs_resolve_against_the_page() -> None:
    tree = _head("<meta property='og:url' content='https://a.example/og'><link rel='canonical' href='/news/1'>")
    assert declared_canonical(tree, "https://a.example/amp/news/1?x=1") == "https://a.example/news/1"
    assert declared_canonical(_head("<meta property='og:url' content='https://a.example/og'>"), None) == (
        "https://a.example/og"
    )


@pytest.mark.parametrize(
    "markup",
    [
        "<link rel='canonical' href='javascript:alert(1)'>",
        "<link rel='canonical' href='mailto:desk@a.example'>",
        "<link rel='canonical' href='http://[broken'>",
        "<link rel='canonical'>",
        "<link rel='alternate' href='https://a.example/feed'>",
        "<meta property='og:url' content='/relative-without-a-page-url'>",
    ],
)
def test_only_absolute_http_canonical_urls_are_taken(markup: str) -> None:
    assert declared_canonical(_head(markup), None) is None


@pytest.mark.parametrize(
    ("html", "lang"),
    [
        ("<html lang='en-GB'><body></body></html>", "en"),
        ("<html><head><meta http-equiv='Content-Language' content='de, en'></head></html>", "de"),
        ("<html><head><meta property='og:locale' content='fr_FR'></head></html>", "fr"),
        ("<html lang='not a language'><body></body></html>", None),
        ("<html><body></body></html>", None),
    ],
)
def test_language_from_the_page_markup(html: str, lang: str | None) -> None:
    assert declared_language(fromstring(html)) == lang


def test_publication_time_from_metadata_keeps_the_time_and_refuses_the_implausible() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    meta = "<meta property='article:published_time' content='{}'>"
    assert declared_published_at(_head(meta.format("2023-09-19T10:15:00+04:00")), now) == datetime(
        2023, 9, 19, 6, 15, tzinfo=UTC
    )
    assert declared_published_at(_head(meta.format("2023-09-19T10:15:00Z")), now) == datetime(
        2023, 9, 19, 10, 15, tzinfo=UTC
    )
    assert declared_published_at(_head(meta.format("2023-09-19 10:15")), now) == datetime(
        2023, 9, 19, 10, 15, tzinfo=UTC
    )
    assert declared_published_at(_head(meta.format("2030-01-01T00:00:00Z")), now) is None
    assert declared_published_at(_head(meta.format("yesterday")), now) is None


def test_a_page_without_an_article_keeps_its_title() -> None:
    page = extract_page("<html><head><title>Only a title</title></head><body><img src=a.png></body></html>")
    assert page.title == "Only a title"
    assert page.text == ""


@pytest.mark.parametrize("html", [b"", "   ", b"\x00\xff\xfe", "<p>x</p>", "<<<>>>", b"%PDF-1.4\n%\xe2\xe3", "\ud800"])
def test_garbage_gives_an_empty_page_not_an_error(html: str | bytes) -> None:
    assert isinstance(extract_page(html), ExtractedPage)


_FRAGMENTS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<body>",
        "<article>",
        "</article>",
        "<p>",
        "</p>",
        "<div class='content'>",
        "</div>",
        "<script>var x = '</p>';</script>",
        "<style>p{}</style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "<table><tr><td>",
        "<meta property='og:url' content='",
        "<link rel=canonical href=",
        "<meta charset='utf-16'>",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "\x00",
        "\ufeff",
        "<title>",
        "</title>",
        "<h1>",
        "A sentence of an article about a quake in the region. ",
        "<?xml version='1.0'?>",
        "<svg><foreignObject>",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=40)), max_size=120), st.booleans())
@example(["<svg><foreignObject>", "<html>"], False)  # made lxml assert inside htmldate
def test_fuzzed_html_never_crashes_or_hangs(parts: list[str], as_bytes: bool) -> None:
    html = "".join(parts)
    started = time.monotonic()
    page = extract_page(html.encode("utf-8", "surrogatepass") if as_bytes else html, "https://a.example/x")
    assert time.monotonic() - started < 5
    assert isinstance(page.text, str)
    assert page.canonical_url is None or page.canonical_url.startswith(("http://", "https://"))


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_fuzzed_bytes_never_crash(data: bytes) -> None:
    assert isinstance(extract_page(data), ExtractedPage)

"""Fuzzing page extraction as ingest runs it: in its worker processes, each page bounded in time.

tests/unit/ingest/test_extraction.py already throws markup fragments and bytes at ``extract_page`` in-process; this
target builds whole pages instead (hostile head metadata, deep nesting, huge attributes, wrong charsets, many
elements) and sends them through :class:`ExtractionWorkers`, whose time limit kills a worker that hangs: a hang
is then an ``ExtractionError`` here rather than a stuck test, and any other exception in the worker comes back as
one too. Property: every page gives an ``ExtractedPage`` whose fields ingest can store and publish.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wirewatch.ingest.extraction import MAX_TITLE_CHARS, ExtractedPage
from wirewatch.ingest.extraction_workers import ExtractionWorkers

from .campaign import bounded, budget
from .values import nasty_text

# Far above what a real page takes (tens of milliseconds), so that only a hang or a blow-up reaches it.
WORKER_TIMEOUT = 30.0

_META_NAMES = ["og:url", "og:title", "og:locale", "article:published_time", "datePublished", "author",
               "og:site_name", "description", "language", "dc.date.issued"]  # fmt: skip
_VALUES = st.one_of(
    nasty_text(60),
    st.sampled_from(["https://a.example/x", "/relative", "//evil.example/x", "javascript:alert(1)", "http://[::1",
                     "2023-09-19T10:15:00+23:59", "9999-12-31T23:59:59Z", "0001-01-01", "en-GB", "x" * 20000]),
)  # fmt: skip


@st.composite
def _pages(draw: st.DrawFn) -> str | bytes:
    head = []
    for _ in range(draw(st.integers(0, 6))):
        name, value = draw(st.sampled_from(_META_NAMES)), draw(_VALUES).replace("'", "&#39;")
        head.append(f"<meta property='{name}' content='{value}'>")
    if draw(st.booleans()):
        head.append(f"<link rel='canonical' href='{draw(_VALUES)}'>")
    head.append(f"<title>{draw(st.one_of(nasty_text(40), st.just('T' * 5000)))}</title>")
    depth = draw(st.sampled_from([0, 1, 50, 300, 3000]))
    paragraphs = "".join(f"<p>{draw(nasty_text(120))}</p>" for _ in range(draw(st.integers(0, 8))))
    filler = "<li>x</li>" * draw(st.sampled_from([0, 10, 20_000]))
    body = (
        "<div>" * depth
        + f"<article><h1>{draw(nasty_text(30))}</h1>{paragraphs}<ul>{filler}</ul></article>"
        + "</div>" * draw(st.sampled_from([0, depth]))
    )
    lang = draw(st.sampled_from(["", " lang='en'", " lang='zz-ZZ-xx'", f" lang='{'e' * 300}'"]))
    html = f"<!DOCTYPE html><html{lang}><head>{''.join(head)}</head><body>{body}</body></html>"
    encoding = draw(st.sampled_from([None, "utf-8", "utf-16", "cp1252", "shift_jis"]))
    if encoding is None:
        return html
    declared = draw(st.sampled_from([encoding, "utf-8", "bogus-charset"]))
    return f"<meta charset='{declared}'>{html}".encode(encoding, errors="replace")


@pytest.fixture(scope="module")
async def workers() -> AsyncIterator[ExtractionWorkers]:
    pool = ExtractionWorkers(workers=1, timeout=WORKER_TIMEOUT)
    try:
        yield pool
    finally:
        await pool.aclose()


def _storable(page: ExtractedPage) -> None:
    assert len(page.title) <= MAX_TITLE_CHARS
    for value in (page.title, page.text, page.author or "", page.site_name or "", page.description or ""):
        value.encode("utf-8")  # BSON and JSON need valid UTF-8: no lone surrogates may come out
    assert page.canonical_url is None or page.canonical_url.startswith(("http://", "https://"))
    assert page.lang is None or page.lang.isalpha()
    if page.published_at is not None:
        assert page.published_at.tzinfo is not None
        assert page.published_at <= datetime.now(UTC) + timedelta(days=2)


@budget(quick=8, campaign=300)
@given(page=_pages(), url=st.sampled_from([None, "https://a.example/news/1", "http://[broken"]))
async def test_whole_hostile_pages_extract_in_the_workers_within_their_time(
    workers: ExtractionWorkers, page: str | bytes, url: str | None
) -> None:
    with bounded("page extraction (worker processes)", WORKER_TIMEOUT + 5):
        extracted, _ = await workers.extract(page, url)
    _storable(extracted)

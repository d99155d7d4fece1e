"""Ingest reads article pages from a local HTTP server, through the real service on real NATS and SecantusDB.

Good pages fill the gaps of the item; bad pages (broken, huge, endless, not HTML, 404, 500, dead port, a redirect to
a refused address) keep the item as submitted with the error in words, or dead-letter a title-less item; a page
that changes becomes a new revision and an unchanged one publishes nothing.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import ARTICLES_INGESTED, ARTICLES_SUBMIT, ArticleIngested, ArticleSubmitted, DeadLetter
from wirewatch.ingest.main import create_service
from wirewatch.ingest.settings import IngestSettings
from wirewatch.runtime import Service, free_port, make_mongo_client
from wirewatch.testing import eventually

from .page_server import Page, PageServer

pytestmark = pytest.mark.connected

ZYTE_NYT = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"
SUMMARY = "The feed's one-line summary of the story."
BROKEN = (
    b"<html><head><title>Broken</title><body><div class=nav><a href=/>Home<a href=/w>World</div><article><h1>Broken"
    + b"".join(b"<p>Paragraph %d of a story whose tags never close <b>bold <i>and \xff\xfe bytes" % i for i in range(6))
    + b"<table><tr><td>cell"
)


def _html(title: str, body: str, head: str = "") -> bytes:
    paragraphs = "".join(
        f"<p>{body} Paragraph {i} adds more words to the story so that it reads as one.</p>" for i in range(6)
    )
    return (
        f"<html lang='en'><head><title>{title}</title>{head}</head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Copyright</footer></body></html>"
    ).encode()


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def ingest(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[Service]:
    settings = IngestSettings(
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=mongo_db_name,
        retry_delays=(0.1,),
        http_allowlist=["127.0.0.1"],
        poller_enabled=False,
        page_fetch_attempts=2,
        page_timeout_seconds=3.0,
        page_max_bytes=2 * 1024 * 1024,
        extraction_workers=1,
    )
    service = create_service(settings)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def articles(mongo_url: str, mongo_db_name: str) -> AsyncIterator[Any]:
    client = make_mongo_client(mongo_url)
    try:
        yield client[mongo_db_name]["articles"]
    finally:
        await client.close()


async def _collect(nc: NatsClient, subject: str) -> list[bytes]:
    received: list[bytes] = []

    async def on_msg(msg: Any) -> None:
        received.append(msg.data)

    await nc.subscribe(subject, cb=on_msg)
    return received


async def _submit(nc: NatsClient, **fields: Any) -> None:
    submitted = ArticleSubmitted.model_validate(
        {"fetch_page": True, "origin": "feed", "submitted_at": datetime.now(UTC), **fields}
    )
    await nc.jetstream().publish(ARTICLES_SUBMIT, submitted.model_dump_json().encode())


async def test_real_page_fills_the_gaps_of_a_title_less_item(
    ingest: Service, pages: PageServer, nats_client: NatsClient, articles: Any, data_dir: Path
) -> None:
    zyte = data_dir / "extraction" / "zyte"
    gold = json.loads((zyte / "ground-truth.json").read_text(encoding="utf-8"))[ZYTE_NYT]["articleBody"]
    pages.pages["/opinion/story"] = Page(gzip.decompress((zyte / "html" / f"{ZYTE_NYT}.html.gz").read_bytes()))
    published = await _collect(nats_client, ARTICLES_INGESTED)
    url = pages.url("/opinion/story?utm_source=feed")
    await _submit(nats_client, url=url, feed_id="feed_nyt")
    await eventually(lambda: len(published) == 1, what="the page's article", timeout=20)
    article = ArticleIngested.model_validate_json(published[0])
    assert article.title == "Opinion | Republicans Are Following Trump to Nowhere"
    assert article.author == "Jamelle Bouie"
    assert article.lang == "en"
    assert article.published_at is not None
    assert article.published_at.date().isoformat() == "2019-11-19"
    assert article.text.startswith(gold[:100])
    assert len(article.text) > 0.9 * len(gold)
    # The page declares nytimes.com as its home: another site than the one it was read from, so not an alias.
    assert article.canonical_url == pages.url("/opinion/story")
    doc = await articles.find_one({"_id": article.article_id})
    assert doc["page_canonical"].startswith("https://www.nytimes.com/2019/11/19/opinion/")
    assert doc["page_error"] is None
    assert doc["origins"] == ["feed"]
    assert doc["feed_ids"] == ["feed_nyt"]
    assert doc["url_aliases"] == [pages.url("/opinion/story")]


async def test_canonical_url_of_the_page_names_the_article_and_both_urls_find_it(
    ingest: Service, pages: PageServer, nats_client: NatsClient, articles: Any
) -> None:
    head = (
        "<link rel='canonical' href='/world/karabakh-offensive'>"
        "<meta property='og:url' content='https://elsewhere.example/ignored'>"
        "<meta property='article:published_time' content='2023-09-19T10:15:00+04:00'>"
        "<meta name='author' content='Jane Reporter'>"
    )
    page = _html(
        "Azerbaijan launches offensive in Karabakh", "Azerbaijan's defence ministry said it began operations.", head
    )
    pages.pages["/amp/karabakh"] = Page(page)
    published = await _collect(nats_client, ARTICLES_INGESTED)
    await _submit(nats_client, url=pages.url("/amp/karabakh?ref=rss"), title="Karabakh: offensive", text=SUMMARY)
    await eventually(lambda: len(published) == 1, what="first article")
    first = ArticleIngested.model_validate_json(published[0])
    canonical = pages.url("/world/karabakh-offensive")
    assert first.canonical_url == canonical
    assert first.title == "Karabakh: offensive"  # the item's own title wins
    assert "defence ministry" in first.text
    assert SUMMARY not in first.text
    assert first.published_at == datetime(2023, 9, 19, 6, 15, tzinfo=UTC)
    assert first.author == "Jane Reporter"
    # A push under the canonical URL with the same content is the same article, unchanged: nothing published.
    await _submit(nats_client, url=canonical, title=first.title, text=first.text, fetch_page=False, origin="push")

    async def pushed_too() -> bool:
        doc = await articles.find_one({"_id": first.article_id})
        return doc is not None and "push" in doc["origins"]

    await eventually(pushed_too, what="push recorded on the same article")
    assert await articles.count_documents({}) == 1
    doc = await articles.find_one({})
    assert sorted(doc["url_aliases"]) == sorted([canonical, pages.url("/amp/karabakh")])
    assert doc["revision"] == 1
    assert len(published) == 1


async def test_bad_pages_keep_the_item_and_record_the_error(
    ingest: Service, pages: PageServer, nats_client: NatsClient, articles: Any
) -> None:
    dead_port = free_port()
    pages.pages.update(
        {
            "/broken": Page(BROKEN, content_type="text/html"),
            "/huge": Page(b"<html><body>" + b"<p>big page</p>" * 700_000),
            "/endless": Page(kind="endless"),
            "/blank": Page(b"<html><head><title>Blank</title></head><body><img src=x.png></body></html>"),
            "/pdf": Page(b"%PDF-1.4 not a page", content_type="application/pdf"),
            "/gone": Page(b"gone", status=404, content_type="text/plain"),
            "/failing": Page(b"oops", status=500, content_type="text/plain"),
            "/to-metadata": Page(kind="redirect", status=302, location="http://169.254.169.254/latest/meta-data/"),
            "/to-loopback": Page(kind="redirect", status=302, location=f"http://127.0.0.2:{dead_port}/x"),
        }
    )
    expected = {
        "/blank": "no article text",
        "/huge": "too large",
        "/endless": "too large",
        "/pdf": "not an HTML page (application/pdf)",
        "/gone": "HTTP 404",
        "/failing": "HTTP 500",
        "/to-metadata": "refused",
        "/to-loopback": "refused",
        "/dead": "connection failed",
    }
    published = await _collect(nats_client, ARTICLES_INGESTED)
    for path in expected:
        url = pages.url(path) if path != "/dead" else f"http://127.0.0.1:{dead_port}/dead"
        await _submit(nats_client, url=url, title=f"Item {path}", text=SUMMARY)
    await _submit(nats_client, url=pages.url("/broken"), title="Item /broken", text=SUMMARY)
    await eventually(lambda: len(published) == len(expected) + 1, what="every item stored", timeout=30)
    for raw in published:
        article = ArticleIngested.model_validate_json(raw)
        path = article.title.removeprefix("Item ")
        if path == "/broken":  # broken markup and stray bytes still give the article
            assert "Paragraph 5" in article.text
            assert "\ufffd" not in article.text
            continue
        assert article.text == SUMMARY, path
        doc = await articles.find_one({"_id": article.article_id})
        assert expected[path] in (doc["page_error"] or ""), (path, doc["page_error"])
    # Transient failures were tried again (page_fetch_attempts=2) before falling back; permanent ones once.
    assert pages.count("/failing") == 2
    assert pages.count("/gone") == 1


async def test_title_less_item_with_an_unreadable_page_is_dead_lettered(
    ingest: Service, pages: PageServer, nats_client: NatsClient, articles: Any
) -> None:
    pages.pages["/gone"] = Page(b"gone", status=404, content_type="text/plain")
    pages.pages["/no-title"] = Page(b"<html><body><div>" + b"<span>x</span>" * 3 + b"</div></body></html>")
    dead = await _collect(nats_client, "dlq.ingest")
    published = await _collect(nats_client, ARTICLES_INGESTED)
    await _submit(nats_client, url=pages.url("/gone"))
    await _submit(nats_client, url=f"http://127.0.0.1:{free_port()}/dead")
    await _submit(nats_client, url=pages.url("/no-title"))
    await eventually(lambda: len(dead) == 3, what="three dead letters", timeout=20)
    errors = sorted(DeadLetter.model_validate_json(raw).error for raw in dead)
    assert any("HTTP 404" in e and "no title" in e for e in errors)
    assert any("connection failed" in e for e in errors)
    assert any("has no title" in e for e in errors)
    assert published == []
    assert await articles.count_documents({}) == 0


async def test_changed_page_is_a_new_revision_and_an_unchanged_one_is_not(
    ingest: Service, pages: PageServer, nats_client: NatsClient, articles: Any
) -> None:
    url = pages.url("/live/quake")
    pages.pages["/live/quake"] = Page(_html("Quake hits the coast", "A strong earthquake struck the coast on Monday."))
    published = await _collect(nats_client, ARTICLES_INGESTED)
    await _submit(nats_client, url=url)
    await eventually(lambda: len(published) == 1, what="revision 1")
    pages.pages["/live/quake"] = Page(
        _html("Quake hits the coast", "Rescuers reached the villages cut off by the quake.")
    )
    await _submit(nats_client, url=url)
    await eventually(lambda: len(published) == 2, what="revision 2")
    first, second = (ArticleIngested.model_validate_json(raw) for raw in published)
    assert first.article_id == second.article_id
    assert (first.revision, second.revision) == (1, 2)
    assert "Rescuers" in second.text
    # Same page again, then the page dies: neither publishes; the dead page does not turn the body into nothing.
    await _submit(nats_client, url=url)
    pages.pages["/live/quake"] = Page(b"gone", status=404, content_type="text/plain")
    await _submit(nats_client, url=url, title="Quake hits the coast", text=SUMMARY)

    async def dead_page_recorded() -> bool:
        doc = await articles.find_one({})
        return doc is not None and "HTTP 404" in (doc.get("page_error") or "")

    await eventually(dead_page_recorded, what="the dead page recorded", timeout=10)
    await asyncio.sleep(0.3)
    assert len(published) == 2
    doc = await articles.find_one({})
    assert doc["revision"] == 2
    assert "Rescuers" in doc["text"]
    assert [r["title"] for r in doc["revisions"]] == ["Quake hits the coast"] * 2
    assert doc["last_seen"] > doc["first_seen"]

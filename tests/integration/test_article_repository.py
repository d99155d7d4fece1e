"""ArticleRepository on real SecantusDB: URL aliases find one article, never merge two, and no-URL articles coexist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from wirewatch.contracts import article_id
from wirewatch.ingest.drafts import ArticleDraft
from wirewatch.ingest.identity import identify
from wirewatch.ingest.repository import ArticleRepository
from wirewatch.runtime import make_mongo_client

pytestmark = pytest.mark.connected

PLAIN = ArticleDraft(
    url=None,
    title="Quake hits the coast",
    text="A strong earthquake struck.",
    published_at=None,
    source=None,
    lang=None,
    author=None,
    origin="push",
    feed_id=None,
)


def _read(url: str, canonical: str, **kw: Any) -> ArticleDraft:
    """A draft whose page was read at ``url`` and declares ``canonical``."""
    return replace(PLAIN, url=url, page_url=url, page_canonical=canonical, page_has_article=True, **kw)


@pytest.fixture
async def repository(mongo_url: str, mongo_db_name: str) -> AsyncIterator[ArticleRepository]:
    client = make_mongo_client(mongo_url)
    repo = ArticleRepository(client[mongo_db_name])
    await repo.ensure_indexes()
    try:
        yield repo
    finally:
        await client.close()


async def test_a_later_url_that_names_a_known_article_joins_it(repository: ArticleRepository) -> None:
    first = await repository.store(
        replace(PLAIN, url="https://n.example/world/quake"),
        identify(replace(PLAIN, url="https://n.example/world/quake")),
    )
    tracking = _read(
        "https://n.example/r/123?utm_source=feed", "https://n.example/world/quake", origin="feed", feed_id="f1"
    )
    second = await repository.store(tracking, identify(tracking))
    assert second.article.article_id == first.article.article_id
    assert second.outcome == "unchanged"
    doc = await repository.articles.find_one({"_id": first.article.article_id})
    assert doc is not None
    assert sorted(doc["url_aliases"]) == ["https://n.example/r/123", "https://n.example/world/quake"]
    assert doc["origins"] == ["push", "feed"]
    assert doc["feed_ids"] == ["f1"]
    # The tracking link alone now finds it too.
    again = replace(PLAIN, url="https://n.example/r/123", text="Updated: the quake killed no one.")
    third = await repository.store(again, identify(again))
    assert (third.article.article_id, third.outcome, third.article.revision) == (first.article.article_id, "revised", 2)
    assert await repository.articles.count_documents({}) == 1


async def test_an_article_stored_before_aliases_existed_is_found_by_its_id(repository: ArticleRepository) -> None:
    legacy_id = article_id("https://n.example/a", "")
    now = datetime.now(UTC)
    await repository.articles.insert_one(
        {"_id": legacy_id, "url": "https://n.example/a", "canonical_url": "https://n.example/a", "title": "Old",
         "text": "", "content_hash": "x", "revision": 1, "revisions": [], "origin": "push", "origins": ["push"],
         "first_seen": now, "ingested_at": now, "published_revision": 1}
    )  # fmt: skip
    draft = replace(PLAIN, url="https://n.example/a/")
    result = await repository.store(draft, identify(draft))
    assert result.article.article_id == legacy_id
    assert result.article.revision == 2


async def test_two_known_articles_are_never_merged(repository: ArticleRepository) -> None:
    a = replace(PLAIN, url="https://n.example/one", title="One")
    b = replace(PLAIN, url="https://n.example/two", title="Two")
    stored_a = await repository.store(a, identify(a))
    stored_b = await repository.store(b, identify(b))
    # A page at /one that claims /two as its canonical URL: it stays article one and /two stays with article two.
    confused = _read("https://n.example/one", "https://n.example/two", title="One")
    result = await repository.store(confused, identify(confused))
    assert result.article.article_id in {stored_a.article.article_id, stored_b.article.article_id}
    assert await repository.articles.count_documents({}) == 2
    owners = [doc async for doc in repository.articles.find({"url_aliases": "https://n.example/two"})]
    assert len(owners) == 1


async def test_articles_without_a_url_do_not_collide_in_the_alias_index(repository: ArticleRepository) -> None:
    for text in ("first body", "second body", "third body"):
        draft = replace(PLAIN, text=text)
        assert (await repository.store(draft, identify(draft))).outcome == "new"
    assert await repository.articles.count_documents({"url_aliases": {"$exists": True}}) == 0

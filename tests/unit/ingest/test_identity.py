from datetime import UTC, datetime

import pytest

from wirewatch.contracts import MAX_TEXT_CHARS, ArticleSubmitted, article_id
from wirewatch.ingest.drafts import ArticleDraft
from wirewatch.ingest.identity import identify, same_site


def _sub(**kw: object) -> ArticleSubmitted:
    return ArticleSubmitted.model_validate({"title": "Title", "submitted_at": datetime.now(UTC), **kw})


def test_same_url_with_tracking_parameters_gets_one_id():
    a = identify(_sub(url="https://x.example/a?utm_source=feed", text="one"))
    b = identify(_sub(url="https://x.example/a", text="two"))
    assert a.article_id == b.article_id
    assert a.content_hash != b.content_hash


def test_article_without_url_is_identified_by_content():
    assert identify(_sub(text="same")).article_id == identify(_sub(text="same ")).article_id
    assert identify(_sub(text="same")).article_id != identify(_sub(text="other")).article_id


def test_control_characters_are_removed_and_huge_bodies_cut():
    ident = identify(_sub(title="A\x00 B\x07", text="x" * (MAX_TEXT_CHARS + 10)))
    assert ident.title == "A B"
    assert ident.truncated
    assert len(ident.text) == MAX_TEXT_CHARS


def _draft(**kw: object) -> ArticleDraft:
    base: dict[str, object] = {
        "url": "https://news.example/amp/story?utm_source=x",
        "title": "T",
        "text": "body",
        "published_at": None,
        "source": None,
        "lang": None,
        "author": None,
        "origin": "feed",
        "feed_id": None,
        "page_url": "https://news.example/amp/story",
        "page_canonical": "https://www.news.example/world/story",
        "page_has_article": True,
    }
    return ArticleDraft(**{**base, **kw})  # type: ignore[arg-type]


def test_the_pages_canonical_url_names_the_article_and_both_urls_are_aliases():
    ident = identify(_draft())
    assert ident.canonical_url == "https://www.news.example/world/story"
    assert ident.url_aliases == ("https://www.news.example/world/story", "https://news.example/amp/story")
    assert ident.article_id == article_id("https://www.news.example/world/story", "any")


@pytest.mark.parametrize(
    "change",
    [
        {"page_canonical": "https://other-site.example/world/story"},  # syndication: another outlet's copy
        {"page_canonical": "https://news.example/"},  # a site's home page: a misconfiguration
        {"page_has_article": False},  # a login or consent page reached by redirect
        {"page_canonical": None},
    ],
)
def test_untrusted_page_canonicals_are_ignored(change: dict[str, object]):
    ident = identify(_draft(**change))
    assert ident.canonical_url == "https://news.example/amp/story"
    assert ident.url_aliases == ("https://news.example/amp/story",)


def test_same_site_ignores_www_and_mobile_labels_and_accepts_subdomains():
    assert same_site("https://www.a.example/x", "https://m.a.example/y")
    assert same_site("https://edition.a.example/x", "https://a.example/y")
    assert not same_site("https://a.example/x", "https://evil-a.example/y")
    assert not same_site("https://a.example/x", "not a url")

"""Merging a submission with its page: the submission's own words win, the page fills the gaps."""

from __future__ import annotations

from datetime import UTC, datetime

from wirewatch.contracts import ArticleSubmitted
from wirewatch.ingest.drafts import NO_ARTICLE_ON_PAGE, fallback_draft, merge_page
from wirewatch.ingest.extraction import ExtractedPage
from wirewatch.ingest.page_reader import PageRead

BODY = "The full story, as the page tells it, in many more words than the feed's summary. " * 4
PAGE = ExtractedPage(
    title="Page title",
    text=BODY,
    author="Page Author",
    published_at=datetime(2023, 9, 19, 6, 0, tzinfo=UTC),
    lang="en",
    canonical_url="https://news.example/story",
    site_name="News Example",
)


def _submitted(**kw: object) -> ArticleSubmitted:
    fields: dict[str, object] = {
        "url": "https://news.example/s?x=1",
        "fetch_page": True,
        "submitted_at": datetime.now(UTC),
    }
    return ArticleSubmitted.model_validate({**fields, **kw})


def _read(page: ExtractedPage = PAGE) -> PageRead:
    return PageRead("https://news.example/s?x=1", "https://news.example/s", page)


def test_the_page_fills_every_gap_of_a_bare_url():
    draft = merge_page(_submitted(), _read())
    assert (draft.title, draft.text, draft.author, draft.lang, draft.source) == (
        "Page title",
        BODY,
        "Page Author",
        "en",
        "News Example",
    )
    assert draft.published_at == PAGE.published_at
    assert (draft.page_url, draft.page_canonical, draft.page_error, draft.fallback) == (
        "https://news.example/s",
        "https://news.example/story",
        None,
        False,
    )


def test_what_the_item_says_wins_except_its_summary_which_the_body_replaces():
    when = datetime(2023, 9, 19, 9, 0, tzinfo=UTC)
    item = _submitted(
        title="Feed title", text="Short summary.", author="Desk", lang="fr", source="Feed", published_at=when
    )
    draft = merge_page(item, _read())
    assert (draft.title, draft.author, draft.lang, draft.source, draft.published_at) == (
        "Feed title",
        "Desk",
        "fr",
        "Feed",
        when,
    )
    assert draft.text == BODY


def test_a_teaser_shorter_than_the_summary_does_not_replace_it():
    summary = "A long feed summary. " * 30
    draft = merge_page(_submitted(title="T", text=summary), _read(ExtractedPage(title="P", text="Subscribe to read.")))
    assert draft.text == summary
    assert draft.page_error is None


def test_a_page_without_an_article_is_recorded():
    draft = merge_page(_submitted(title="T", text="Summary"), _read(ExtractedPage(title="Login")))
    assert draft.text == "Summary"
    assert draft.page_error == NO_ARTICLE_ON_PAGE
    assert not draft.page_has_article


def test_a_dead_page_keeps_the_item_as_it_is_and_marks_the_draft_a_fallback():
    draft = fallback_draft(_submitted(title="T", text="Summary", feed_id="feed_1", origin="feed"), "HTTP 404 Not Found")
    assert (draft.title, draft.text, draft.feed_id, draft.origin) == ("T", "Summary", "feed_1", "feed")
    assert draft.page_error == "HTTP 404 Not Found"
    assert draft.fallback


def test_a_wall_of_a_few_words_is_not_an_article_so_its_canonical_url_names_nothing():
    wall = ExtractedPage(
        title="Sign in", text="Please sign in to continue reading.", canonical_url="https://n.example/login"
    )
    draft = merge_page(_submitted(title="T"), _read(wall))
    assert not draft.page_has_article
    assert merge_page(_submitted(title="T"), _read()).page_has_article

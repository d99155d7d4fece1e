"""What ingest will store for a submission: the submission itself, merged with its page when one was read.

Merge rules (the submission is what a person or a feed said on purpose; the page is what a machine extracted):

- title, date, author, language and source come from the submission; the page fills the gaps;
- the body comes from the page, since asking for the page means the submission carries at most a summary; but a
  page body shorter than the submitted text (a paywall teaser) does not replace it;
- a page that could not be read leaves the submission as it is and records why in ``page_error``; such a draft
  is a ``fallback``: it may create an article but never revise one (a dead page must not turn a stored full body
  back into a feed summary).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from wirewatch.contracts import ArticleSubmitted, Origin

from .page_reader import PageRead

NO_ARTICLE_ON_PAGE = "no article text found on the page"
# Less text than this is a teaser, a login or consent wall, not an article: its canonical URL names no article.
MIN_ARTICLE_CHARS = 250


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    url: str | None
    title: str
    text: str
    published_at: datetime | None
    source: str | None
    lang: str | None
    author: str | None
    origin: Origin
    feed_id: str | None
    page_url: str | None = None  # where the page was found after redirects
    page_canonical: str | None = None  # the URL the page declares as its own (rel=canonical / og:url)
    page_has_article: bool = False  # the page held an article body, not a teaser or a wall
    page_error: str | None = None
    fallback: bool = False


def draft_from_submission(submitted: ArticleSubmitted) -> ArticleDraft:
    """The submission as it stands, no page read."""
    return ArticleDraft(
        url=submitted.url,
        title=submitted.title,
        text=submitted.text,
        published_at=submitted.published_at,
        source=submitted.source,
        lang=submitted.lang,
        author=submitted.author,
        origin=submitted.origin,
        feed_id=submitted.feed_id,
    )


def merge_page(submitted: ArticleSubmitted, read: PageRead) -> ArticleDraft:
    """The submission with the gaps filled from its page (see the module docstring for the rules)."""
    page = read.page
    submitted_text = submitted.text.strip()
    use_page_body = bool(page.text) and len(page.text) >= len(submitted_text)
    return ArticleDraft(
        url=submitted.url,
        title=submitted.title if submitted.title.strip() else page.title,
        text=page.text if use_page_body else submitted.text,
        published_at=submitted.published_at or page.published_at,
        source=submitted.source or page.site_name,
        lang=submitted.lang or page.lang,
        author=submitted.author or page.author,
        origin=submitted.origin,
        feed_id=submitted.feed_id,
        page_url=read.final_url,
        page_canonical=page.canonical_url,
        page_has_article=len(page.text) >= MIN_ARTICLE_CHARS,
        page_error=None if page.text else NO_ARTICLE_ON_PAGE,
    )


def fallback_draft(submitted: ArticleSubmitted, reason: str) -> ArticleDraft:
    """The submission alone, because its page could not be read for ``reason``."""
    return replace(draft_from_submission(submitted), page_error=reason, fallback=True)

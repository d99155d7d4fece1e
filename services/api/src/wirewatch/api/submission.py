"""A pushed article as the bus sees it: its ``ArticleSubmitted`` message, its publish id and its article id.

The id the api answers with must be the one ingest stores the article under. Ingest derives it in
``wirewatch.ingest.identity`` from the contracts' ``canonical_url`` / ``content_hash`` / ``article_id`` after
cleaning title and text; services share no code, so the cleaning is repeated here and a unit test checks the two
stay in step.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING

from wirewatch.contracts import MAX_TEXT_CHARS, ArticleSubmitted, article_id, canonical_url, content_hash

if TYPE_CHECKING:
    from .models import ArticleIn


def _clean(value: str) -> str:
    # As ingest does: C0 controls break tokenisers and some BSON consumers; tabs and newlines stay.
    return "".join(ch for ch in value if ch >= " " or ch in "\n\t\r").strip()


def clean_title(title: str) -> str:
    """The title as ingest stores it: controls removed, whitespace collapsed."""
    return " ".join(_clean(title).split())


def predicted_article_id(article: ArticleIn) -> str:
    """The id ingest will give this article: from its canonical URL, or from its content when it has none."""
    text = _clean(article.text)[:MAX_TEXT_CHARS]
    canonical = canonical_url(article.url) if article.url else None
    return article_id(canonical, content_hash(clean_title(article.title), text))


def submission_msg_id(article: ArticleIn) -> str:
    """``Nats-Msg-Id`` of the submit: equal for an identical re-post, so JetStream drops the repeat."""
    fields = {
        "url": article.url,
        "title": article.title,
        "text": article.text,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "source": article.source,
        "lang": article.lang,
    }
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "submit:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def to_submitted(article: ArticleIn, submitted_at: datetime) -> ArticleSubmitted:
    return ArticleSubmitted(
        url=article.url,
        title=article.title,
        text=article.text,
        published_at=article.published_at,
        source=article.source,
        lang=article.lang,
        origin="push",
        submitted_at=submitted_at,
    )

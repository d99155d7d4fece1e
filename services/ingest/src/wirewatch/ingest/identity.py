"""Turn a submitted article into its stored identity: canonical URL, content hash, id and clean text."""

from __future__ import annotations

from dataclasses import dataclass

from wirewatch.contracts import MAX_TEXT_CHARS, ArticleSubmitted, article_id, canonical_url, content_hash


@dataclass(frozen=True, slots=True)
class ArticleIdentity:
    article_id: str
    canonical_url: str | None
    content_hash: str
    title: str
    text: str
    truncated: bool


def _clean(value: str) -> str:
    # NUL and other C0 controls break downstream tokenisers and some BSON consumers; tabs/newlines stay.
    return "".join(ch for ch in value if ch >= " " or ch in "\n\t\r").strip()


def identify(submitted: ArticleSubmitted) -> ArticleIdentity:
    """Identity of an article: one per canonical URL, or per content hash when it has no URL."""
    title = " ".join(_clean(submitted.title).split())
    text = _clean(submitted.text)
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        text = text[:MAX_TEXT_CHARS]
    canonical = canonical_url(submitted.url) if submitted.url else None
    digest = content_hash(title, text)
    return ArticleIdentity(article_id(canonical, digest), canonical, digest, title, text, truncated)

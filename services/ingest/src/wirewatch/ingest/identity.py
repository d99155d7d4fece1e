"""Turn an article draft into its stored identity: canonical URL, URL aliases, content hash, id and clean text.

One article per canonical URL. When the page declares a canonical URL that differs from the submitted one, the
article is known by both: the id comes from the best URL known when it is first seen (the page's canonical URL
when the page was read and it is trustworthy, else the submitted URL), and every URL it was seen under is kept in
``url_aliases`` (a unique multikey index) so that a later submission under any of them finds the same article.
An article is never re-keyed: downstream events refer to its id, and a page's canonical URL may appear later, change
or vanish with a dead page. Articles without a URL are identified by their content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from wirewatch.contracts import MAX_TEXT_CHARS, ArticleSubmitted, article_id, canonical_url, content_hash

from .drafts import ArticleDraft, draft_from_submission

# Host labels that name a variant of the same site, not another site.
_VARIANT_LABELS = ("www.", "m.", "amp.", "mobile.")


@dataclass(frozen=True, slots=True)
class ArticleIdentity:
    article_id: str
    canonical_url: str | None
    url_aliases: tuple[str, ...]  # canonical forms of every URL this article is known by; empty without a URL
    content_hash: str
    title: str
    text: str
    truncated: bool


def _clean(value: str) -> str:
    # NUL and other C0 controls break downstream tokenisers and some BSON consumers; tabs/newlines stay.
    return "".join(ch for ch in value if ch >= " " or ch in "\n\t\r").strip()


def _site(host: str) -> str:
    for label in _VARIANT_LABELS:
        if host.startswith(label):
            return host[len(label) :]
    return host


def same_site(a: str, b: str) -> bool:
    """True when two URLs are on one site: equal hosts up to www./m./amp., or one a subdomain of the other."""
    try:
        host_a, host_b = _site(urlsplit(a).hostname or ""), _site(urlsplit(b).hostname or "")
    except ValueError:
        return False
    if not host_a or not host_b:
        return False
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)


def trusted_page_canonical(draft: ArticleDraft) -> str | None:
    """The page's declared canonical URL in canonical form, when it can safely name this article.

    Only from a page that held an article (a login, consent or paywall page reached by redirect declares its own
    URL, and taking that as an alias would fold every article that lands there into one), on the same site as the
    page (a cross-site canonical is syndication: another outlet's copy is another article), and not a site's home
    page (a common misconfiguration).
    """
    if not (draft.page_canonical and draft.page_url and draft.page_has_article):
        return None
    if not same_site(draft.page_canonical, draft.page_url):
        return None
    canonical = canonical_url(draft.page_canonical)
    if urlsplit(canonical).path in {"", "/"}:
        return None
    return canonical


def identify(article: ArticleDraft | ArticleSubmitted) -> ArticleIdentity:
    """Identity of an article: one per canonical URL (with aliases), or per content hash when it has no URL."""
    draft = draft_from_submission(article) if isinstance(article, ArticleSubmitted) else article
    title = " ".join(_clean(draft.title).split())
    text = _clean(draft.text)
    truncated = len(text) > MAX_TEXT_CHARS
    if truncated:
        text = text[:MAX_TEXT_CHARS]
    submitted = canonical_url(draft.url) if draft.url else None
    page = trusted_page_canonical(draft) if submitted else None
    canonical = page or submitted
    aliases = tuple(dict.fromkeys(url for url in (canonical, submitted) if url))
    digest = content_hash(title, text)
    return ArticleIdentity(article_id(canonical, digest), canonical, aliases, digest, title, text, truncated)

"""Clustering a file of articles offline (``wirewatch cluster``, ``wirewatch eval cluster``).

Input lines are ``{id, title, text?, lang?, published_at?, source?}``; ECB+-style lines (``doc_id``,
``first_sentence``) are read too. Articles are processed in ``published_at`` order (undated ones keep their file
position), each one through :class:`OfflineClusterer`, i.e. the service's own decision code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from wirewatch.contracts import ArticleEnriched, ArticleIngested, Enrichment, content_hash

from .features import features_from_enriched, features_from_text
from .offline import OfflineClusterer
from .scoring import ClusteringPolicy

# Undated input (ECB+ has no dates): every such article gets this time, so only words and names decide.
UNDATED = datetime(2000, 1, 1, tzinfo=UTC)

# (title, text, lang) -> Enrichment: the enrich service's Enricher when the caller wires it in (the CLI does).
EnrichMany = Callable[[list[tuple[str, str, str | None]]], list[Enrichment]]


class BadArticleLineError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


@dataclass(frozen=True, slots=True)
class BatchArticle:
    line: int
    id: str
    title: str
    text: str
    lang: str | None
    published_at: datetime | None
    source: str | None
    record: dict[str, Any]  # the whole input object, for gold labels and splits


@dataclass(frozen=True, slots=True)
class Assignment:
    id: str
    event_id: str
    duplicate_of: str | None
    decision: str

    def as_json(self) -> dict[str, str]:
        out = {"id": self.id, "event_id": self.event_id}
        if self.duplicate_of is not None:
            out["duplicate_of"] = self.duplicate_of
        return out


def _text_field(value: dict[str, Any], *names: str) -> str:
    for name in names:
        found = value.get(name)
        if isinstance(found, str) and found.strip():
            return found
        if found is not None and not isinstance(found, str):
            raise TypeError(name)
    return ""


def _date(raw: object, line: int) -> datetime | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str):
        raise BadArticleLineError(line, "published_at must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadArticleLineError(line, f"published_at {raw[:40]!r} is not an ISO 8601 date") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_article(line: int, raw: str) -> BatchArticle | None:
    """One input line; None when blank; :class:`BadArticleLineError` when it is not an article."""
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadArticleLineError(line, f"not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise BadArticleLineError(line, "not a JSON object")
    article_id = value.get("id", value.get("doc_id"))
    if not isinstance(article_id, str | int) or isinstance(article_id, bool) or str(article_id) == "":
        raise BadArticleLineError(line, "no id (a string or a number)")
    try:
        title = _text_field(value, "title", "first_sentence")
        text = _text_field(value, "text")
        lang = _text_field(value, "lang") or None
        source = _text_field(value, "source") or None
    except TypeError as exc:
        raise BadArticleLineError(line, f"{exc.args[0]} must be a string") from None
    if not title.strip() and not text.strip():
        raise BadArticleLineError(line, "neither title nor text")
    # ECB+ repeats the first sentence at the start of the text; the body is what follows it.
    text = text.removeprefix(title).lstrip("\n") if title else text
    return BatchArticle(line, str(article_id), title, text, lang, _date(value.get("published_at"), line), source, value)


def read_articles(lines: Iterable[str], errors: list[str]) -> list[BatchArticle]:
    """Every article of ``lines``; bad lines are described in ``errors`` and skipped."""
    articles: list[BatchArticle] = []
    seen: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        try:
            article = parse_article(number, raw)
        except BadArticleLineError as exc:
            errors.append(str(exc))
            continue
        if article is None:
            continue
        if article.id in seen:
            errors.append(f"line {number}: id {article.id!r} repeated; the first one counts")
            continue
        seen.add(article.id)
        articles.append(article)
    return articles


def in_time_order(articles: Sequence[BatchArticle]) -> list[BatchArticle]:
    """Stable sort by ``published_at``; an undated article sorts with the last dated one before it."""
    keyed: list[tuple[datetime, int, BatchArticle]] = []
    last = UNDATED
    for position, article in enumerate(articles):
        last = article.published_at or last
        keyed.append((article.published_at or last, position, article))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [article for _, _, article in keyed]


def cluster_batch(
    articles: Sequence[BatchArticle],
    *,
    titles_only: bool = False,
    policy: ClusteringPolicy | None = None,
    enrich_many: EnrichMany | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[Assignment]:
    """Cluster ``articles`` (already in the order to process) the way the service would, one at a time."""
    clusterer = OfflineClusterer(policy=policy or ClusteringPolicy())
    enrichments: list[Enrichment] | None = None
    if enrich_many is not None:
        enrichments = enrich_many([(a.title, "" if titles_only else a.text, a.lang) for a in articles])
    out: list[Assignment] = []
    for index, article in enumerate(articles):
        text = "" if titles_only else article.text
        at = article.published_at or UNDATED
        digest = content_hash(article.title, text)
        if enrichments is not None:
            message = ArticleEnriched(
                article=ArticleIngested(
                    article_id=article.id,
                    revision=1,
                    title=article.title,
                    text=text,
                    published_at=at,
                    source=article.source,
                    lang=article.lang,
                    content_hash=digest,
                    ingested_at=at,
                ),
                enrichment=enrichments[index],
                enriched_at=at,
            )
            features = features_from_enriched(message)
        else:
            features = features_from_text(
                article.id, article.title, text, at=at, source=article.source, lang=article.lang
            )
        decision = clusterer.add(features, digest, text)
        assert decision.event_id is not None  # add() always decides on an event
        out.append(Assignment(article.id, decision.event_id, decision.duplicate_of, decision.kind))
        if on_progress is not None:
            on_progress(index + 1)
    # Events merged later: every article reports the event its own one ended up in.
    return [replace(a, event_id=clusterer.resolve(a.event_id)) for a in out]

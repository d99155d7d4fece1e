"""``/v1/articles``: push articles into the pipeline and read them back."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request, status
from pydantic import Field, TypeAdapter, ValidationError

from wirewatch.contracts import ARTICLES_STREAM, ARTICLES_SUBMIT, HEADER_MSG_ID, HEADER_TRACEPARENT
from wirewatch.runtime import Service

from . import query_params as qp
from .article_filters import ArticleFilter
from .auth import token_guard
from .errors import invalid_parameter, invalid_request
from .metrics import ApiMetrics
from .models import ArticleAccepted, ArticleIn, ArticlePage, ArticleView
from .repository import ApiRepository
from .settings import ApiSettings
from .submission import predicted_article_id, submission_msg_id, to_submitted

log = logging.getLogger("wirewatch.api")

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_ARTICLE_SCHEMA = ArticleIn.model_json_schema()
# The body is read as plain JSON and validated by hand (one object or a list), so document it here.
_SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"anyOf": [_ARTICLE_SCHEMA, {"type": "array", "items": _ARTICLE_SCHEMA}]},
            }
        },
    }
}


def build_articles_router(
    service: Service, repository: ApiRepository, settings: ApiSettings, metrics: ApiMetrics
) -> APIRouter:
    router = APIRouter(prefix="/v1/articles", tags=["articles"])
    one = TypeAdapter(ArticleIn)
    many = TypeAdapter(Annotated[list[ArticleIn], Field(min_length=1, max_length=settings.max_batch)])

    def parse(payload: Any) -> list[ArticleIn]:
        # Validated here rather than as a ``ArticleIn | list[ArticleIn]`` parameter: a union reports every
        # error twice, once per branch, which hides the one field the client got wrong.
        if not isinstance(payload, dict | list):
            # Also what a body sent without a JSON content type looks like (FastAPI then passes it raw).
            raise invalid_parameter(("body",), "expected a JSON object (one article) or a list of them")
        try:
            if isinstance(payload, list):
                return many.validate_python(payload)
            return [one.validate_python(payload)]
        except ValidationError as exc:
            raise invalid_request(exc, "body") from exc

    async def publish(article: ArticleIn, now: datetime, traceparent: str | None) -> None:
        headers = {HEADER_MSG_ID: submission_msg_id(article)}
        if traceparent:
            headers[HEADER_TRACEPARENT] = traceparent
        await service.broker.publish(
            to_submitted(article, now), ARTICLES_SUBMIT, headers=headers, stream=ARTICLES_STREAM.name
        )

    @router.post(
        "",
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=[Depends(token_guard(settings))],
        openapi_extra=_SUBMIT_BODY,
        responses={413: {"description": "body larger than the limit"}, 503: {"description": "bus unavailable"}},
    )
    async def submit_articles(
        payload: Annotated[Any, Body()], request: Request
    ) -> ArticleAccepted | list[ArticleAccepted]:
        """Queue one article (an object) or a batch (a list) for ingest; answers with the ids they will have."""
        articles = parse(payload)
        traceparent = request.headers.get(HEADER_TRACEPARENT, "").strip().lower()
        now = datetime.now(UTC)
        accepted: list[ArticleAccepted] = []
        for article in articles:
            try:
                await publish(article, now, traceparent if _TRACEPARENT.match(traceparent) else None)
            except (
                Exception
            ) as exc:  # any publish failure (timeout, no stream, disconnected) means the same to the client
                # Retrying the whole batch is safe: the repeats carry the same Nats-Msg-Id and ingest is idempotent.
                log.warning("publish to articles.submit failed", extra={"error": f"{type(exc).__name__}: {exc}"})
                raise HTTPException(
                    status.HTTP_503_SERVICE_UNAVAILABLE, "could not queue the article; retry later"
                ) from exc
            accepted.append(ArticleAccepted(id=predicted_article_id(article)))
            metrics.articles_accepted.inc()
        log.info("articles accepted", extra={"count": len(accepted)})
        return accepted if isinstance(payload, list) else accepted[0]

    @router.get("")
    async def list_articles(
        since: qp.Since = None,
        until: qp.Until = None,
        time_field: Annotated[
            Literal["first_seen", "published_at"], Query(description="which time since/until apply to")
        ] = "first_seen",
        source: Annotated[list[str] | None, Query(description="the source name as stored")] = None,
        language: Annotated[list[str] | None, Query(description="ISO 639-1")] = None,
        country: Annotated[list[str] | None, Query(description="ISO 3166-1 alpha-2 the article is about")] = None,
        category: Annotated[list[str] | None, Query(description="its event category: conflict, ...")] = None,
        event_type: Annotated[list[str] | None, Query(description="ACLED/IPTC type or subtype")] = None,
        event_id: Annotated[str | None, Query(max_length=200, description="articles of this event")] = None,
        decision: Annotated[
            list[str] | None, Query(description="dedupe's decision: create, join, revision, duplicate")
        ] = None,
        near: qp.Near_ = None,
        entity: Annotated[list[str] | None, Query(description="a person, organisation or place it names")] = None,
        q: qp.Keyword = None,
        limit: qp.Limit = 50,
        cursor: qp.CursorParam = None,
    ) -> ArticlePage:
        """Stored articles, newest first (by first seen), without their text; pages follow ``next_cursor``."""
        start, end = qp.time_range(since, until)
        article_filter = ArticleFilter(
            since=start,
            until=end,
            time_field=time_field,
            sources=qp.strings(source, "source", lower=False),
            languages=qp.strings(language, "language"),
            countries=qp.countries(country),
            categories=qp.strings(category, "category"),
            event_types=qp.strings(event_type, "event_type"),
            event_id=event_id.strip() if event_id else None,
            entities=qp.strings(entity, "entity", lower=False),
            keywords=q.strip() if q and q.strip() else None,
            near=qp.near(near),
            decisions=qp.strings(decision, "decision"),
        )
        after = qp.page_cursor(cursor, None, "newest")
        articles, next_cursor = await repository.article_page(article_filter, limit=limit, after=after)
        return ArticlePage(articles=articles, next_cursor=next_cursor)

    @router.get("/{article_id}", responses={404: {"description": "no such article"}})
    async def get_article(article_id: Annotated[str, Path(max_length=200)]) -> ArticleView:
        """A stored article with its enrichment and dedupe decision once those ran."""
        article = await repository.article(article_id)
        if article is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no article with id {article_id!r}")
        return article

    return router

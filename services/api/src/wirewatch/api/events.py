"""``/v1/events``: the deduplicated events, filtered and sorted, and one event with its articles and timeline.

Sorts: ``newest`` (last activity), ``biggest`` (article count), ``fastest`` (fastest-growing: the articles that
joined each event in the last ``growth_window_seconds``, one hour by default). ``fastest`` stays cheap by reading
only that window's article decisions (one range read on the indexed ``dedupe.decided_at``, bounded) and then only
the events that grew; its first page fixes the window's end and the cursor carries it, so paging ranks by the
same counts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, status

from . import query_params as qp
from .event_filters import EventFilter
from .models import EventDetail, EventPage
from .repository import ApiRepository, event_snapshot
from .settings import ApiSettings
from .timeline import build_timeline

Sort = Literal["newest", "biggest", "fastest"]
ListParam = Annotated[list[str] | None, Query()]


def build_events_router(repository: ApiRepository, settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/events", tags=["events"])
    window = timedelta(seconds=settings.growth_window_seconds)

    @router.get("")
    async def list_events(
        since: qp.Since = None,
        until: qp.Until = None,
        time_field: Annotated[
            Literal["last_seen", "first_seen"], Query(description="which time since/until apply to")
        ] = "last_seen",
        category: Annotated[
            list[str] | None, Query(description="conflict, politics, ... (repeat or comma-separate)")
        ] = None,
        event_type: Annotated[list[str] | None, Query(description="ACLED/IPTC type or subtype, e.g. battles")] = None,
        country: Annotated[list[str] | None, Query(description="ISO 3166-1 alpha-2, any of the event's")] = None,
        near: qp.Near_ = None,
        entity: Annotated[
            list[str] | None, Query(description="a person, organisation or place the event names")
        ] = None,
        q: qp.Keyword = None,
        min_articles: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        min_sources: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        language: Annotated[list[str] | None, Query(description="ISO 639-1 code of one of its articles")] = None,
        sort: Annotated[Sort, Query(description="newest, biggest or fastest (growing)")] = "newest",
        limit: qp.Limit = 50,
        cursor: qp.CursorParam = None,
        before: Annotated[
            str | None, Query(max_length=1024, description="older form of cursor; also an ISO time (sort=newest)")
        ] = None,
    ) -> EventPage:
        """Events matching every given filter, sorted; pages follow ``next_cursor``."""
        start, end = qp.time_range(since, until)
        event_filter = EventFilter(
            since=start,
            until=end,
            time_field=time_field,
            categories=qp.strings(category, "category"),
            event_types=qp.strings(event_type, "event_type"),
            countries=qp.countries(country),
            near=qp.near(near),
            entities=qp.strings(entity, "entity", lower=False),
            keywords=q.strip() if q and q.strip() else None,
            min_articles=min_articles,
            min_sources=min_sources,
            languages=qp.strings(language, "language"),
        )
        after = qp.page_cursor(cursor, before, sort)
        if sort == "fastest":
            as_of = after.as_of if after is not None and after.as_of else datetime.now(UTC)
            events, next_cursor = await repository.fastest_page(
                event_filter, window=window, as_of=as_of, limit=limit, after=after
            )
        else:
            events, next_cursor = await repository.event_page(event_filter, sort=sort, limit=limit, after=after)
        return EventPage(events=events, next_cursor=next_cursor)

    @router.get("/{event_id}", responses={404: {"description": "no such event"}})
    async def get_event(event_id: Annotated[str, Path(max_length=200)]) -> EventDetail:
        """The event (a merged one answers with its survivor), its newest articles with why each joined, its
        places and actors, and a timeline of changes."""
        doc = await repository.event_document(event_id)
        snapshot = event_snapshot(doc) if doc is not None else None
        if doc is None or snapshot is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event with id {event_id!r}")
        articles = await repository.event_articles(snapshot.event_id, settings.event_articles_limit)
        decisions = await repository.timeline_articles(snapshot.event_id, settings.event_articles_limit * 2)
        return EventDetail.model_validate(
            {**snapshot.model_dump(), "articles": articles, "timeline": build_timeline(doc, decisions)}
        )

    return router

"""``/v1/events``: the deduplicated events, newest first, and one event with its articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from .errors import invalid_parameter
from .models import EventDetail, EventPage
from .pagination import parse_before
from .repository import ApiRepository
from .settings import ApiSettings


def build_events_router(repository: ApiRepository, settings: ApiSettings) -> APIRouter:
    router = APIRouter(prefix="/v1/events", tags=["events"])

    @router.get("")
    async def list_events(
        country: Annotated[
            str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2, any of the event's")
        ] = None,
        category: Annotated[str | None, Query(max_length=64, description="conflict, politics, ...")] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        before: Annotated[
            str | None, Query(max_length=512, description="an ISO 8601 time or the next_cursor of a page")
        ] = None,
    ) -> EventPage:
        """Events by last activity, newest first."""
        try:
            cursor = parse_before(before) if before else None
        except ValueError as exc:
            raise invalid_parameter(("query", "before"), str(exc)) from exc
        events, next_cursor = await repository.event_page(
            country=country.upper() if country else None,
            category=category.strip().lower() if category else None,
            limit=limit,
            before=cursor,
        )
        return EventPage(events=events, next_cursor=next_cursor)

    @router.get("/{event_id}", responses={404: {"description": "no such event"}})
    async def get_event(event_id: Annotated[str, Path(max_length=200)]) -> EventDetail:
        """The event's snapshot and its newest articles."""
        snapshot = await repository.event(event_id)
        if snapshot is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no event with id {event_id!r}")
        articles = await repository.event_articles(event_id, settings.event_articles_limit)
        return EventDetail.model_validate({**snapshot.model_dump(), "articles": [a.model_dump() for a in articles]})

    return router

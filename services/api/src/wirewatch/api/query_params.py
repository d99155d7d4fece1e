"""Query parameters shared by the list endpoints: lists given repeated or comma-separated, times, countries."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query

from .errors import invalid_parameter
from .event_filters import Near, parse_near
from .pagination import Cursor, decode_cursor, parse_before

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
MAX_LIST_ITEMS = 50

Limit = Annotated[int, Query(ge=1, le=200, description="items per page")]
Since = Annotated[datetime | None, Query(description="ISO 8601, inclusive; without an offset it is UTC")]
Until = Annotated[datetime | None, Query(description="ISO 8601, exclusive; without an offset it is UTC")]
CursorParam = Annotated[str | None, Query(max_length=1024, description="the next_cursor of the previous page (opaque)")]
Near_ = Annotated[
    str | None,
    Query(
        max_length=100,
        description="lat,lon,km: a place of the item within km of the point",
        examples=["39.8,46.75,100"],
    ),
]
Keyword = Annotated[
    str | None,
    Query(max_length=200, description="words that must all occur (accents and case ignored)", examples=["earthquake"]),
]


def strings(values: list[str] | None, name: str, *, lower: bool = True) -> list[str]:
    """``?x=a&x=b`` and ``?x=a,b`` alike; blanks dropped, order kept, bounded."""
    items = [p.strip() for v in values or () for p in v.split(",") if p.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise invalid_parameter(("query", name), f"at most {MAX_LIST_ITEMS} values")
    return list(dict.fromkeys(i.lower() if lower else i for i in items))


def countries(values: list[str] | None, name: str = "country") -> list[str]:
    items = strings(values, name, lower=False)
    bad = [c for c in items if not _COUNTRY.match(c)]
    if bad:
        raise invalid_parameter(("query", name), f"not an ISO 3166-1 alpha-2 code: {', '.join(bad[:5])}")
    return [c.upper() for c in items]


def aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def time_range(since: datetime | None, until: datetime | None) -> tuple[datetime | None, datetime | None]:
    since, until = aware(since), aware(until)
    if since is not None and until is not None and since >= until:
        raise invalid_parameter(("query", "until"), "until must be later than since")
    return since, until


def near(value: str | None) -> Near | None:
    if not value:
        return None
    try:
        return parse_near(value)
    except ValueError as exc:
        raise invalid_parameter(("query", "near"), str(exc)) from exc


def page_cursor(cursor: str | None, before: str | None, sort: str) -> Cursor | None:
    """``cursor`` (a next_cursor) or the older ``before`` (a cursor or an ISO time); not both."""
    if cursor and before:
        raise invalid_parameter(("query", "cursor"), "give cursor or before, not both")
    try:
        if cursor:
            return decode_cursor(cursor, sort)
    except ValueError as exc:
        raise invalid_parameter(("query", "cursor"), str(exc)) from exc
    try:
        return parse_before(before, sort) if before else None
    except ValueError as exc:
        raise invalid_parameter(("query", "before"), str(exc)) from exc

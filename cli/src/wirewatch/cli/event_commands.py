"""``wirewatch events list|show`` and ``wirewatch articles list|show``: the api's queries from the terminal.

Every filter of ``GET /v1/events`` and ``GET /v1/articles`` is an option; ``--limit`` is the number of items
wanted (pages are followed until it is reached), ``--cursor`` continues where an earlier listing stopped (the
listing prints the cursor when there is more). ``--json`` prints the api's answer for scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

import typer
from rich.console import Console

from .api_client import DEFAULT_API_URL, ApiClient, ApiError
from .event_views import article_panel, articles_table, event_panel, event_tables
from .options import EXIT_USAGE, ApiUrl, AsJson, Token, fail_api
from .rendering import events_table, print_json

SORTS = ("newest", "biggest", "fastest")
PAGE_MAX = 200

events_app = typer.Typer(no_args_is_help=True, help="Events, through the api.")
articles_app = typer.Typer(no_args_is_help=True, help="Stored articles, through the api.")

Since = Annotated[str | None, typer.Option("--since", help="ISO 8601 time, inclusive (UTC without an offset).")]
Until = Annotated[str | None, typer.Option("--until", help="ISO 8601 time, exclusive.")]
Countries = Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO country code; repeatable.")]
Categories = Annotated[list[str] | None, typer.Option("--category", help="conflict, disaster, ...; repeatable.")]
Types = Annotated[list[str] | None, typer.Option("--type", help="Event type or subtype, e.g. battles; repeatable.")]
Near = Annotated[str | None, typer.Option("--near", help="lat,lon,km: within km of a point, e.g. 39.8,46.75,100.")]
Entities = Annotated[list[str] | None, typer.Option("--entity", help="A person, organisation or place; repeatable.")]
Query = Annotated[str | None, typer.Option("--query", "-q", help="Words that must all occur (accents ignored).")]
Languages = Annotated[list[str] | None, typer.Option("--language", help="ISO 639-1 code; repeatable.")]
Limit = Annotated[int, typer.Option("--limit", "-n", min=1, max=100_000, help="How many to show (pages followed).")]
CursorOpt = Annotated[str | None, typer.Option("--cursor", help="Continue after an earlier listing (its cursor).")]


def collect(
    fetch: Callable[[Mapping[str, Any]], dict[str, Any]], key: str, params: Mapping[str, Any], limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Follow ``next_cursor`` until ``limit`` items; returns them and the cursor to go on from (None at the end)."""
    items: list[dict[str, Any]] = []
    cursor = params.get("cursor")
    while True:
        page = fetch({**params, "cursor": cursor, "limit": min(PAGE_MAX, limit - len(items))})
        items += [i for i in page.get(key) or [] if isinstance(i, dict)]
        cursor = page.get("next_cursor")
        if not cursor or len(items) >= limit:
            return items[:limit], cursor


def _more(console: Console, cursor: str | None, what: str) -> None:
    if cursor:
        console.print(f"[dim]more {what}: --cursor {cursor}[/]", highlight=False)


@events_app.command("list")
def events_list(
    since: Since = None,
    until: Until = None,
    first_seen: Annotated[
        bool, typer.Option("--first-seen", help="--since/--until apply to first seen (default: last seen).")
    ] = False,
    category: Categories = None,
    event_type: Types = None,
    country: Countries = None,
    near: Near = None,
    entity: Entities = None,
    query: Query = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=0)] = 0,
    min_sources: Annotated[int, typer.Option("--min-sources", min=0)] = 0,
    language: Languages = None,
    sort: Annotated[
        str, typer.Option("--sort", help="newest (last activity), biggest (articles) or fastest (growing now).")
    ] = "newest",
    limit: Limit = 20,
    cursor: CursorOpt = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """List events matching every given filter."""
    if sort not in SORTS:
        Console(stderr=True).print(f"[bold red]error:[/] --sort must be one of {', '.join(SORTS)}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    params = {
        "since": since,
        "until": until,
        "time_field": "first_seen" if first_seen else None,
        "category": category,
        "event_type": event_type,
        "country": country,
        "near": near,
        "entity": entity,
        "q": query,
        "min_articles": min_articles or None,
        "min_sources": min_sources or None,
        "language": language,
        "sort": sort,
        "cursor": cursor,
    }
    try:
        with ApiClient(api_url, token=token) as api:
            events, next_cursor = collect(api.events_page, "events", params, limit)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json({"events": events, "next_cursor": next_cursor})
        return
    console = Console()
    console.print(events_table(events, title=f"Events ({sort})", growth=sort == "fastest"))
    _more(console, next_cursor, "events")


@events_app.command("show")
def events_show(
    event_id: Annotated[str, typer.Argument(help="The event id (a merged event shows its survivor).")],
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """One event: its places, actors, articles (with why each joined) and timeline."""
    try:
        with ApiClient(api_url, token=token) as api:
            event = api.get_event(event_id)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(event)
        return
    console = Console()
    console.print(event_panel(event))
    for table in event_tables(event):
        console.print(table)


@articles_app.command("list")
def articles_list(
    since: Since = None,
    until: Until = None,
    published: Annotated[
        bool, typer.Option("--published", help="--since/--until apply to the publication date (default: first seen).")
    ] = False,
    source: Annotated[list[str] | None, typer.Option("--source", help="Source name; repeatable.")] = None,
    language: Languages = None,
    country: Countries = None,
    category: Categories = None,
    event_type: Types = None,
    event: Annotated[str | None, typer.Option("--event", help="Articles of this event id.")] = None,
    decision: Annotated[
        list[str] | None, typer.Option("--decision", help="create, join, revision or duplicate; repeatable.")
    ] = None,
    near: Near = None,
    entity: Entities = None,
    query: Query = None,
    limit: Limit = 20,
    cursor: CursorOpt = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """List stored articles, newest first, matching every given filter."""
    params = {
        "since": since,
        "until": until,
        "time_field": "published_at" if published else None,
        "source": source,
        "language": language,
        "country": country,
        "category": category,
        "event_type": event_type,
        "event_id": event,
        "decision": decision,
        "near": near,
        "entity": entity,
        "q": query,
        "cursor": cursor,
    }
    try:
        with ApiClient(api_url, token=token) as api:
            articles, next_cursor = collect(api.articles_page, "articles", params, limit)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json({"articles": articles, "next_cursor": next_cursor})
        return
    console = Console()
    console.print(articles_table(articles))
    _more(console, next_cursor, "articles")


@articles_app.command("show")
def articles_show(
    article_id: Annotated[str, typer.Argument(help="The article id.")],
    full: Annotated[bool, typer.Option("--full", help="The whole text, not its start.")] = False,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """One stored article with its enrichment and dedupe decision."""
    try:
        with ApiClient(api_url, token=token) as api:
            article = api.get_article(article_id)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(article)
        return
    Console().print(article_panel(article, full=full))

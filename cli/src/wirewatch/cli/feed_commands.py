"""``wirewatch feeds ...``: the feed registry and each feed's health, through the api."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from .api_client import DEFAULT_API_URL, ApiClient, ApiError
from .options import ApiUrl, AsJson, Token, fail_api
from .rendering import print_json

feeds_app = typer.Typer(no_args_is_help=True, help="News feeds ingest polls, and their health, through the api.")


def feed_state(feed: Mapping[str, Any]) -> str:
    """One word for a feed's health: disabled, failing, stale, new (never polled) or healthy."""
    health = feed.get("health") or {}
    if not feed.get("enabled", True):
        return "disabled"
    if health.get("consecutive_failures"):
        return "failing"
    if health.get("stale"):
        return "stale"
    if not health.get("last_fetch_at"):
        return "new"
    return "healthy"


def _ago(value: Any, now: datetime) -> str:
    """``3m ago`` / ``in 5m`` from an ISO time; empty for none."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (now - when).total_seconds()
    span = round(abs(seconds))
    text = (
        f"{span:.0f}s"
        if span < 120
        else f"{span / 60:.0f}m"
        if span < 7200
        else f"{span / 3600:.0f}h"
        if span < 172800
        else f"{span / 86400:.0f}d"
    )
    return f"{text} ago" if seconds >= 0 else f"in {text}"


_STATE_STYLE = {"healthy": "green", "failing": "red", "stale": "yellow", "new": "cyan", "disabled": "dim"}


def feeds_table(feeds: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title="Feeds", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", overflow="fold", min_width=12)
    table.add_column("source", overflow="fold")
    table.add_column("url", overflow="fold", min_width=20, ratio=1)
    table.add_column("every", no_wrap=True, justify="right")
    table.add_column("enabled", no_wrap=True)
    for feed in feeds:
        table.add_row(
            str(feed.get("feed_id", "")),
            str(feed.get("source_name") or ""),
            str(feed.get("url", "")),
            f"{feed.get('interval_seconds', '')}s",
            "yes" if feed.get("enabled", True) else "no",
        )
    return table


def status_table(feeds: Iterable[Mapping[str, Any]], now: datetime | None = None) -> Table:
    now = now or datetime.now(UTC)
    table = Table(title="Feed health", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", overflow="fold", min_width=12)
    table.add_column("source / url", overflow="fold", min_width=16, ratio=1)
    table.add_column("state", no_wrap=True)
    table.add_column("last ok", no_wrap=True)
    table.add_column("last new item", no_wrap=True)
    table.add_column("fails", no_wrap=True, justify="right")
    table.add_column("last error", overflow="fold", ratio=1)
    table.add_column("next poll", no_wrap=True)
    for feed in feeds:
        health = feed.get("health") or {}
        state = feed_state(feed)
        failing = bool(health.get("consecutive_failures"))
        table.add_row(
            str(feed.get("feed_id", "")),
            str(feed.get("source_name") or feed.get("url", "")),
            f"[{_STATE_STYLE[state]}]{state}[/]",
            _ago(health.get("last_success_at"), now),
            _ago(health.get("last_new_item_at"), now),
            str(health.get("consecutive_failures") or 0),
            # A past error of a feed that has recovered is shown dim: readable, but not the current state.
            (health.get("last_error") or "") if failing else f"[dim]{health.get('last_error') or ''}[/]",
            _ago(health.get("next_poll_at"), now),
        )
    return table


@feeds_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed's URL (RSS, Atom or JSON Feed).")],
    interval: Annotated[
        int | None, typer.Option("--interval", min=60, max=86400, help="Seconds between polls (default 600).")
    ] = None,
    source_name: Annotated[
        str | None, typer.Option("--source-name", help="Source of its articles (default: the feed's title).")
    ] = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Register a feed; ingest polls it within seconds."""
    try:
        with ApiClient(api_url, token=token) as api:
            feed = api.add_feed(url, interval_seconds=interval, source_name=source_name)
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json(feed)
    else:
        Console().print(f"added feed {feed.get('feed_id')} ({feed.get('url')})", highlight=False, soft_wrap=True)


@feeds_app.command("list")
def list_(api_url: ApiUrl = DEFAULT_API_URL, as_json: AsJson = False) -> None:
    """List the registered feeds."""
    try:
        with ApiClient(api_url) as api:
            feeds = api.list_feeds()
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json([{k: v for k, v in feed.items() if k != "health"} for feed in feeds])
    else:
        Console().print(feeds_table(feeds))


@feeds_app.command("remove")
def remove(
    feed_id: Annotated[str, typer.Argument(help="The feed's id (see `feeds list`).")],
    api_url: ApiUrl = DEFAULT_API_URL,
    token: Token = None,
) -> None:
    """Stop polling a feed (the articles it brought stay)."""
    try:
        with ApiClient(api_url, token=token) as api:
            api.remove_feed(feed_id)
    except ApiError as exc:
        fail_api(exc)
    Console().print(f"removed feed {feed_id}", highlight=False)


@feeds_app.command("status")
def status(
    feed_id: Annotated[str | None, typer.Argument(help="Only this feed.", show_default=False)] = None,
    api_url: ApiUrl = DEFAULT_API_URL,
    as_json: AsJson = False,
) -> None:
    """Each feed's health: last success, last new item, failures, last error, stale, next poll."""
    try:
        with ApiClient(api_url) as api:
            feeds = [api.get_feed(feed_id)] if feed_id else api.list_feeds()
    except ApiError as exc:
        fail_api(exc)
    if as_json:
        print_json([{**feed, "state": feed_state(feed)} for feed in feeds])
        return
    Console().print(status_table(feeds))
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[feed_state(feed)] = counts.get(feed_state(feed), 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "no feeds"
    Console().print(summary, highlight=False)

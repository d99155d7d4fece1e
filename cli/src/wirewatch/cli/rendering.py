"""How the CLI shows things: rich lines, tables and panels, and plain JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wirewatch.contracts import EventChanged

CHANGE_STYLES = {"created": "bold green", "updated": "yellow", "merged": "magenta"}


def event_line(changed: EventChanged) -> Text:
    """One line per event change: change, category, country, title, article and source counts."""
    event = changed.event
    country = event.primary_country or (event.countries[0] if event.countries else "--")
    line = Text()
    line.append(f"{changed.change:<8}", style=CHANGE_STYLES.get(changed.change, "bold"))
    line.append(f" {event.category:<10}", style="cyan")
    line.append(f" {country:<2} ", style="bold")
    line.append(event.title)
    line.append(f"  articles={event.article_count} sources={event.source_count}", style="dim")
    return line


def events_table(events: Iterable[Mapping[str, Any]], *, title: str = "Events") -> Table:
    """Events as the api lists them (event snapshots); unknown or missing fields show as blanks."""
    table = Table(title=title, show_lines=False)
    for column in ("id", "category", "country", "title", "articles", "sources", "last seen"):
        table.add_column(column, overflow="fold", justify="right" if column in {"articles", "sources"} else "left")
    for event in events:
        countries = event.get("countries") or []
        table.add_row(
            str(event.get("event_id") or event.get("_id") or ""),
            str(event.get("category") or ""),
            str(event.get("primary_country") or (countries[0] if countries else "")),
            str(event.get("title") or ""),
            str(event.get("article_count", "")),
            str(event.get("source_count", "")),
            str(event.get("last_seen") or ""),
        )
    return table


def subscriptions_table(subscriptions: Iterable[Mapping[str, Any]]) -> Table:
    """Subscriptions without their secrets: a table on a screen is not where a signing key belongs."""
    table = Table(title="Subscriptions")
    for column in ("id", "name", "webhook url", "countries", "categories", "enabled"):
        table.add_column(column, overflow="fold")
    for sub in subscriptions:
        filters = sub.get("filters") or {}
        table.add_row(
            str(sub.get("subscription_id") or sub.get("id") or ""),
            str(sub.get("name") or ""),
            str(sub.get("webhook_url") or sub.get("url") or ""),
            ", ".join(filters.get("countries") or []) or "any",
            ", ".join(filters.get("categories") or []) or "any",
            "yes" if sub.get("enabled", True) else "no",
        )
    return table


def stack_panel(rows: Sequence[tuple[str, str]], *, title: str = "wirewatch dev") -> Panel:
    """A two-column panel of where things are."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return Panel(grid, title=title, expand=False)


def message_text(subject: str, data: bytes) -> Text:
    """A bus message for people: events in words, anything else as (pretty) JSON, raw text as a last resort."""
    if subject.startswith("events."):
        try:
            return event_line(EventChanged.model_validate_json(data))
        except ValueError:
            pass  # not an event after all: show it as it is
    header = Text(subject, style="bold blue")
    try:
        body = json.dumps(json.loads(data), indent=2, ensure_ascii=False)
    except ValueError:
        body = data.decode("utf-8", errors="replace")
    return Text.assemble(header, "\n", body)


def message_json(subject: str, data: bytes) -> str:
    """One compact JSON line: ``{"subject": ..., "data": <the payload as JSON, or as a string>}``."""
    try:
        payload: Any = json.loads(data)
    except ValueError:
        payload = data.decode("utf-8", errors="replace")
    return json.dumps({"subject": subject, "data": payload}, ensure_ascii=False, separators=(",", ":"))


def print_json(value: Any) -> None:
    """Plain JSON on stdout, no colours or wrapping, so scripts can parse it."""
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))

"""How the CLI shows things: rich lines, tables and panels, and plain JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import typer
from rich import box
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
    counts = f"  articles={event.article_count} sources={event.source_count}"
    if event.duplicate_count:
        counts += f" duplicates={event.duplicate_count}"
    line.append(counts, style="dim")
    return line


def events_table(events: Iterable[Mapping[str, Any]], *, title: str = "Events", growth: bool = False) -> Table:
    """Events as the api lists them (event snapshots); unknown or missing fields show as blanks.

    ``growth`` adds the articles that joined in the api's growth window (``sort=fastest``).
    """
    # On a narrow terminal the title keeps a readable width; ids and times fold onto a second line instead.
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", overflow="fold", min_width=10)
    table.add_column("category", no_wrap=True)
    table.add_column("cc", no_wrap=True)
    table.add_column("title", overflow="fold", min_width=24, ratio=1)
    table.add_column("art", justify="right", no_wrap=True)
    table.add_column("src", justify="right", no_wrap=True)
    if growth:
        table.add_column("growth", justify="right", no_wrap=True, style="bold green")
    table.add_column("last seen", overflow="fold", min_width=10)
    for event in events:
        countries = event.get("countries") or []
        extra = [str(event.get("growth") or 0)] if growth else []
        table.add_row(
            str(event.get("event_id") or event.get("_id") or ""),
            str(event.get("category") or ""),
            str(event.get("primary_country") or (countries[0] if countries else "")),
            str(event.get("title") or ""),
            str(event.get("article_count", "")),
            str(event.get("source_count", "")),
            *extra,
            short_time(event.get("last_seen")),
        )
    return table


def short_time(value: Any) -> str:
    """``2023-09-21 18:00`` from an ISO time; anything else as it came."""
    if not isinstance(value, str):
        return "" if value is None else str(value)
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def subscriptions_table(subscriptions: Iterable[Mapping[str, Any]]) -> Table:
    """Subscriptions without their secrets: a table on a screen is not where a signing key belongs."""
    table = Table(title="Subscriptions", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", overflow="fold", min_width=12)
    table.add_column("name", overflow="fold")
    table.add_column("target", overflow="fold", min_width=20, ratio=1)
    table.add_column("countries", overflow="fold", min_width=9)
    table.add_column("categories", overflow="fold", min_width=10)
    table.add_column("enabled", no_wrap=True)
    for sub in subscriptions:
        filters = sub.get("filters") or {}
        table.add_row(
            str(sub.get("subscription_id") or sub.get("id") or ""),
            str(sub.get("name") or ""),
            str(sub.get("webhook_url") or sub.get("nats_subject") or sub.get("url") or ""),
            ", ".join(filters.get("countries") or []) or "any",
            ", ".join(filters.get("categories") or []) or "any",
            "yes" if sub.get("enabled", True) else f"no: {sub.get('disabled_reason') or 'disabled'}",
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

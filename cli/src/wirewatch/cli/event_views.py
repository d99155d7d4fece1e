"""How one event and articles look in the terminal: a summary panel and tables (rich)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .rendering import short_time

TEXT_PREVIEW_CHARS = 600


def _grid(rows: Iterable[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value:
            grid.add_row(label, value)
    return grid


def _event_type(value: Any) -> str:
    if not isinstance(value, Mapping):
        return ""
    parts = [str(value.get(k)) for k in ("category", "type", "subtype") if value.get(k)]
    confidence = value.get("confidence")
    return " / ".join(parts) + (f" ({confidence:.2f})" if isinstance(confidence, int | float) else "")


def event_panel(event: Mapping[str, Any]) -> Panel:
    counts = f"{event.get('article_count', 0)} articles from {event.get('source_count', 0)} sources"
    if event.get("duplicate_count"):
        counts += f", {event['duplicate_count']} duplicates"
    rows = [
        ("id", str(event.get("event_id", ""))),
        ("category", str(event.get("category", ""))),
        ("type", _event_type(event.get("event_type"))),
        ("countries", ", ".join(event.get("countries") or [])),
        ("seen", f"{short_time(event.get('first_seen'))} -> {short_time(event.get('last_seen'))}"),
        ("size", counts),
        ("languages", ", ".join(event.get("languages") or [])),
        ("actors", ", ".join(event.get("actors") or [])),
        ("entities", ", ".join(event.get("entities") or [])),
        ("keywords", ", ".join(event.get("keywords") or [])),
        (
            "status",
            str(event.get("status", "")) + (f" into {event['merged_into']}" if event.get("merged_into") else ""),
        ),
    ]
    return Panel(_grid(rows), title=Text(str(event.get("title", "")), style="bold"), expand=False)


def _score(scores: Any) -> str:
    if not isinstance(scores, Mapping):
        return ""
    total = scores.get("total", scores.get("score"))
    return f"{total:.2f}" if isinstance(total, int | float) else ""


def event_tables(event: Mapping[str, Any]) -> list[Table]:
    """Places, articles (with the decision and score that placed each) and the timeline; empty ones left out."""
    tables: list[Table] = []
    places = [p for p in event.get("places") or [] if isinstance(p, Mapping)]
    if places:
        table = Table(title="Places", box=box.SIMPLE_HEAD, pad_edge=False)
        for column in ("name", "cc", "lat", "lon"):
            table.add_column(column, justify="right" if column in {"lat", "lon"} else "left")
        for p in places:
            table.add_row(
                str(p.get("name", "")), str(p.get("country", "")), f"{p.get('lat', 0):.3f}", f"{p.get('lon', 0):.3f}"
            )
        tables.append(table)
    articles = [a for a in event.get("articles") or [] if isinstance(a, Mapping)]
    if articles:
        table = Table(title="Articles (newest first)", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("id", overflow="fold", min_width=10)
        table.add_column("source", overflow="fold")
        table.add_column("title", overflow="fold", ratio=1, min_width=20)
        table.add_column("decision", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        table.add_column("published", overflow="fold")
        for a in articles:
            decision = str(a.get("decision") or "") + (f" of {a['duplicate_of']}" if a.get("duplicate_of") else "")
            table.add_row(
                str(a.get("id", "")),
                str(a.get("source") or ""),
                str(a.get("title", "")),
                decision,
                _score(a.get("scores")),
                short_time(a.get("published_at")),
            )
        tables.append(table)
    timeline = [t for t in event.get("timeline") or [] if isinstance(t, Mapping)]
    if timeline:
        table = Table(title="Timeline", box=box.SIMPLE_HEAD, pad_edge=False, caption=event.get("timeline_note"))
        for column in ("at", "change", "v", "article", "changed"):
            table.add_column(column, overflow="fold")
        for t in timeline:
            change = str(t.get("change", "")) + (f" (from {t['merged_from']})" if t.get("merged_from") else "")
            table.add_row(
                short_time(t.get("at")),
                change,
                str(t.get("event_version") or ""),
                f"{t.get('article_id', '')} {t.get('title') or ''}".strip(),
                ", ".join(t.get("changed_fields") or []),
            )
        tables.append(table)
    return tables


def articles_table(articles: Iterable[Mapping[str, Any]]) -> Table:
    table = Table(title="Articles", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column("id", overflow="fold", min_width=10)
    table.add_column("first seen", overflow="fold", min_width=10)
    table.add_column("source", overflow="fold")
    table.add_column("lang", no_wrap=True)
    table.add_column("cc", overflow="fold")
    table.add_column("title", overflow="fold", ratio=1, min_width=20)
    table.add_column("event", overflow="fold")
    for a in articles:
        table.add_row(
            str(a.get("id", "")),
            short_time(a.get("first_seen")),
            str(a.get("source") or ""),
            str(a.get("lang") or ""),
            ",".join(a.get("countries") or []),
            str(a.get("title", "")),
            str(a.get("event_id") or ""),
        )
    return table


def article_panel(article: Mapping[str, Any], *, full: bool = False) -> Panel:
    enrichment = article.get("enrichment") or {}
    dedupe = article.get("dedupe") or {}
    places = ", ".join(str(p.get("name")) for p in enrichment.get("places") or [] if isinstance(p, Mapping))
    entities = ", ".join(
        dict.fromkeys(str(e.get("text")) for e in enrichment.get("entities") or [] if isinstance(e, Mapping))
    )
    decision = str(dedupe.get("decision") or "")
    if dedupe.get("event_id"):
        decision += f" -> event {dedupe['event_id']}" + (
            f" (score {_score(dedupe.get('scores'))})" if dedupe.get("scores") else ""
        )
    rows = [
        ("id", str(article.get("id", ""))),
        ("url", str(article.get("url") or "")),
        ("source", str(article.get("source") or "")),
        ("language", str(article.get("lang") or enrichment.get("lang") or "")),
        ("published", short_time(article.get("published_at"))),
        ("first seen", short_time(article.get("first_seen"))),
        ("revision", str(article.get("revision", ""))),
        ("type", _event_type(enrichment.get("event_type"))),
        ("countries", ", ".join(enrichment.get("countries") or [])),
        ("places", places),
        ("entities", entities),
        ("dedupe", decision),
    ]
    text = str(article.get("text") or "")
    if not full and len(text) > TEXT_PREVIEW_CHARS:
        text = text[:TEXT_PREVIEW_CHARS] + " ... (--full for all)"
    body = Group(_grid(rows), Text(""), Text(text)) if text else _grid(rows)
    return Panel(body, title=Text(str(article.get("title", "")), style="bold"), expand=False)

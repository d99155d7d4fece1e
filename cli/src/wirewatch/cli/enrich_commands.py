"""``wirewatch enrich IN.jsonl --out OUT.jsonl``: the enrich service's code over a file, offline.

Input lines: ``{"id", "title", "text", "lang"?, "published_at"?}``. Output lines: the input's ``id`` (and
``published_at`` when given) plus every field of :class:`wirewatch.contracts.Enrichment` (entities, places,
countries, primary_place, event_type, topics, actors, keywords, tone, summary, lang, warnings). Articles are
enriched in batches through :meth:`Enricher.enrich_many`, exactly as the service does. A line that is not a JSON
object with a title or a text is reported on stderr with its line number and skipped; the rest goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_BATCH = 32


@dataclass(frozen=True, slots=True)
class InputArticle:
    line: int
    id: Any
    title: str
    text: str
    lang: str | None
    published_at: Any


class BadLineError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")


def parse_line(number: int, raw: str) -> InputArticle | None:
    """One input line; None for a blank line, :class:`BadLineError` for one that is not an article."""
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadLineError(number, f"not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise BadLineError(number, "not a JSON object")
    title, text, lang = value.get("title") or "", value.get("text") or "", value.get("lang")
    if not isinstance(title, str) or not isinstance(text, str) or not (lang is None or isinstance(lang, str)):
        raise BadLineError(number, "title, text and lang must be strings")
    if not title.strip() and not text.strip():
        raise BadLineError(number, "neither title nor text")
    return InputArticle(number, value.get("id"), title, text, lang, value.get("published_at"))


def _batches(lines: list[str], errors: list[str]) -> Iterator[list[InputArticle]]:
    batch: list[InputArticle] = []
    for number, raw in enumerate(lines, start=1):
        try:
            article = parse_line(number, raw)
        except BadLineError as exc:
            errors.append(str(exc))
            continue
        if article is not None:
            batch.append(article)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def enrich_file(lines: list[str], out: TextIO, enrich_many: Any, progress: Progress | None = None) -> list[str]:
    """Enrich ``lines`` into ``out`` (one JSON object a line); returns the bad-line messages."""
    errors: list[str] = []
    task = progress.add_task("enriching", total=len(lines)) if progress else None
    done = 0
    for batch in _batches(lines, errors):
        enrichments = enrich_many([(a.title, a.text, a.lang) for a in batch])
        for article, enrichment in zip(batch, enrichments, strict=True):
            record: dict[str, Any] = {"id": article.id}
            if article.published_at is not None:
                record["published_at"] = article.published_at
            record.update(enrichment.model_dump(mode="json"))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if progress is not None and task is not None:
            progress.update(task, completed=batch[-1].line)
        done = batch[-1].line
    if progress is not None and task is not None:
        progress.update(task, completed=max(done, len(lines)))
    return errors


def enrich(
    path: Annotated[Path, typer.Argument(help="JSONL with {id, title, text, lang?, published_at?} per line.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output JSONL (default: stdout).")] = None,
) -> None:
    """Enrich articles from a JSONL file with the enrich service's code (entities, places, event type, ...)."""
    from wirewatch.enrich.enricher import Enricher  # noqa: PLC0415 - loads spaCy; keep `wirewatch --help` fast

    err = Console(stderr=True, soft_wrap=True)
    if not path.is_file():
        err.print(f"[bold red]error:[/] no such file: {path}", highlight=False)
        raise typer.Exit(2)
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    enricher = Enricher.load()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        if out is None:
            errors = enrich_file(lines, sys.stdout, enricher.enrich_many, progress)
        else:
            with out.open("w", encoding="utf-8") as sink:
                errors = enrich_file(lines, sink, enricher.enrich_many, progress)
    for message in errors:
        err.print(f"[yellow]skipped[/] {message}", highlight=False)
    if errors:
        raise typer.Exit(1)

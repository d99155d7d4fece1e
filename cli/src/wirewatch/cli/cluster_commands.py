"""``wirewatch cluster IN.jsonl --out OUT.jsonl`` and ``wirewatch eval cluster IN.jsonl --gold-field FIELD``.

Both run the dedupe service's own decision code (:mod:`wirewatch.dedupe.batch`) over a file: input lines
``{id, title, text?, lang?, published_at?, source?}``, processed in ``published_at`` order; output lines
``{id, event_id, duplicate_of?}``. ``--enrich`` runs the enrich service's Enricher first, as the pipeline does
(entities, places, event type); without it clustering sees words and capitalised names only. A bad line is
reported on stderr with its number and skipped; the exit code is then 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wirewatch.dedupe.batch import EnrichMany, cluster_batch, in_time_order, read_articles
from wirewatch.dedupe.evaluate import evaluate_lines

Enrich = Annotated[
    bool, typer.Option("--enrich/--no-enrich", help="Run the enrich service's Enricher first (loads spaCy).")
]
TitlesOnly = Annotated[bool, typer.Option("--titles-only", help="Ignore the text: cluster on titles alone.")]


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True)


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        _err().print(f"[bold red]error:[/] no such file: {path}", highlight=False)
        raise typer.Exit(2)
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


def _enricher(enabled: bool) -> EnrichMany | None:
    if not enabled:
        return None
    from wirewatch.enrich.enricher import Enricher  # noqa: PLC0415 - loads spaCy; keep `wirewatch --help` fast

    return Enricher.load().enrich_many


def _report(errors: list[str]) -> None:
    for message in errors:
        _err().print(f"[yellow]skipped[/] {message}", highlight=False)


def write_assignments(
    lines: list[str],
    out: TextIO,
    *,
    titles_only: bool,
    enrich_many: EnrichMany | None,
    progress: Progress | None = None,
) -> list[str]:
    """Cluster ``lines`` into ``out``; returns the bad-line messages."""
    errors: list[str] = []
    articles = in_time_order(read_articles(lines, errors))
    task = progress.add_task("clustering", total=len(articles)) if progress is not None else None
    for assignment in cluster_batch(articles, titles_only=titles_only, enrich_many=enrich_many):
        out.write(json.dumps(assignment.as_json(), ensure_ascii=False) + "\n")
        if progress is not None and task is not None:
            progress.advance(task)
    return errors


def cluster(
    path: Annotated[Path, typer.Argument(help="JSONL with {id, title, text?, lang?, published_at, source?}.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output JSONL (default: stdout).")] = None,
    titles_only: TitlesOnly = False,
    enrich: Enrich = False,
) -> None:
    """Group articles into events (and copies) with the dedupe service's algorithm; one {id, event_id} a line."""
    lines = _lines(path)
    enrich_many = _enricher(enrich)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # On stderr and transient, so the JSONL on stdout stays clean for the next command in a pipe.
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        if out is None:
            errors = write_assignments(
                lines, sys.stdout, titles_only=titles_only, enrich_many=enrich_many, progress=progress
            )
        else:
            with out.open("w", encoding="utf-8") as sink:
                errors = write_assignments(
                    lines, sink, titles_only=titles_only, enrich_many=enrich_many, progress=progress
                )
    _report(errors)
    if errors:
        raise typer.Exit(1)


def eval_cluster(
    path: Annotated[
        Path, typer.Argument(help="Labelled JSONL, e.g. ../shared/data/clustering/ecbplus_train_dev.jsonl")
    ],
    gold_field: Annotated[
        str, typer.Option("--gold-field", help="The field holding the gold event.")
    ] = "event_cluster",
    split: Annotated[str | None, typer.Option("--split", help="Only lines whose `split` is this (train, dev).")] = None,
    titles_only: TitlesOnly = False,
    enrich: Enrich = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """B-cubed precision/recall/F1 and adjusted Rand index of the clustering against a gold field."""
    lines = _lines(path)
    errors: list[str] = []
    result = evaluate_lines(
        lines, gold_field=gold_field, split=split, titles_only=titles_only, enrich_many=_enricher(enrich), errors=errors
    )
    _report(errors)
    if result.documents == 0:
        _err().print(f"[bold red]error:[/] no article has the gold field {gold_field!r}", highlight=False)
        raise typer.Exit(1)
    record = {
        "documents": result.documents,
        "gold_events": result.gold_events,
        "predicted_events": result.predicted_events,
        "bcubed_precision": round(result.precision, 4),
        "bcubed_recall": round(result.recall, 4),
        "bcubed_f1": round(result.f1, 4),
        "adjusted_rand_index": round(result.ari, 4),
        "mixed_events": result.mixed_events,
        "bad_lines": result.bad_lines,
    }
    print(json.dumps(record))
    if not as_json:
        table = Table("measure", "value", title=f"clustering vs {gold_field}" + (f" ({split})" if split else ""))
        for name, value in record.items():
            table.add_row(name, str(value))
        Console(stderr=True).print(table)

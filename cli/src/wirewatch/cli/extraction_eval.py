"""``wirewatch eval extraction DIR``: article body extraction quality and speed, with the ingest service's own code.

DIR is scrapinghub's article-extraction-benchmark layout (``../shared/data/extraction/zyte``): ``html/<id>.html.gz``
and ``ground-truth.json`` (``{id: {"articleBody", "url"}}``). Each page goes through
``wirewatch.ingest.extraction.extract_page``, given the raw bytes and the page URL as the service gives them after a
download; with ``--workers N`` through the service's extraction worker processes too. Scores are computed as that
benchmark does (``extraction_score``).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .extraction_score import PageCounts, confidence_intervals, corpus_scores, page_counts


@dataclass(frozen=True, slots=True)
class BenchmarkPage:
    page_id: str
    url: str | None
    gold: str
    html: bytes


def read_benchmark(directory: Path, limit: int = 0) -> list[BenchmarkPage]:
    """The pages with a gold body, in id order; raises ``OSError``, ``ValueError`` or ``TypeError`` for a bad dir."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    if not isinstance(truth, dict):
        raise TypeError("ground-truth.json is not an object of pages")
    pages = []
    for page_id in sorted(truth)[: limit or None]:
        entry = truth[page_id]
        html = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(BenchmarkPage(page_id, entry.get("url"), entry.get("articleBody") or "", html))
    return pages


def _extract_here(pages: list[BenchmarkPage]) -> tuple[list[str], float]:
    from wirewatch.ingest.extraction import extract_page  # noqa: PLC0415 - trafilatura loads slowly

    started = time.perf_counter()
    bodies = [extract_page(page.html, page.url).text for page in pages]
    return bodies, time.perf_counter() - started


async def _extract_in_workers(pages: list[BenchmarkPage], workers: int) -> tuple[list[str], float]:
    from wirewatch.ingest.extraction_workers import ExtractionError, ExtractionWorkers  # noqa: PLC0415

    pool = ExtractionWorkers(workers=workers, timeout=60.0)
    try:
        # Start every worker before the clock: a service starts them once, not per page.
        await asyncio.gather(*(pool.extract(b"<html><body><p>warm up</p></body></html>", None) for _ in range(workers)))

        async def one(page: BenchmarkPage) -> str:
            try:
                extracted, _ = await pool.extract(page.html, page.url)
            except ExtractionError:
                return ""
            return extracted.text

        started = time.perf_counter()
        bodies = await asyncio.gather(*(one(page) for page in pages))
        return list(bodies), time.perf_counter() - started
    finally:
        await pool.aclose()


def evaluate(pages: list[BenchmarkPage], workers: int, resamples: int) -> dict[str, Any]:
    """Extract every page and score it; the report as a JSON-ready dict."""
    bodies, seconds = asyncio.run(_extract_in_workers(pages, workers)) if workers else _extract_here(pages)
    counts: list[PageCounts] = [page_counts(page.gold, body) for page, body in zip(pages, bodies, strict=True)]
    scores, intervals = corpus_scores(counts), confidence_intervals(counts, resamples)
    return {
        "pages": len(pages),
        "empty": sum(1 for body in bodies if not body),
        "precision": round(scores.precision, 4),
        "recall": round(scores.recall, 4),
        "f1": round(scores.f1, 4),
        "precision_ci": round(intervals.precision, 4),
        "recall_ci": round(intervals.recall, 4),
        "f1_ci": round(intervals.f1, 4),
        "seconds": round(seconds, 2),
        "pages_per_second": round(len(pages) / seconds, 1) if seconds else None,
        "workers": workers,
    }


def _table(report: dict[str, Any]) -> Table:
    table = Table(title=f"article extraction: {report['pages']} pages ({report['empty']} with no body)")
    for column in ("metric", "value", "± 95 %"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for metric in ("precision", "recall", "f1"):
        table.add_row(metric, f"{report[metric]:.3f}", f"{report[metric + '_ci']:.3f}")
    where = f"{report['workers']} worker processes" if report["workers"] else "this process"
    table.add_row("pages/s", f"{report['pages_per_second']}", where)
    return table


def extraction(
    directory: Annotated[Path, typer.Argument(help="Benchmark dir with html/*.html.gz and ground-truth.json.")],
    workers: Annotated[
        int, typer.Option("--workers", min=0, help="0: extract in this process; N: in N worker processes.")
    ] = 0,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Only the first N pages (0: all).")] = 0,
    resamples: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for the ± column.")] = 1000,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the JSON report.")] = False,
) -> None:
    """Body-text precision/recall/F1 (as scrapinghub's article-extraction-benchmark) and pages/s."""
    err = Console(stderr=True)
    try:
        pages = read_benchmark(directory, limit)
    except (OSError, ValueError, TypeError) as exc:
        err.print(f"[bold red]error:[/] {directory} is not an extraction benchmark: {exc}", highlight=False)
        raise typer.Exit(2) from None
    report = evaluate(pages, workers, resamples)
    print(json.dumps(report))
    if not as_json:
        Console().print(_table(report))

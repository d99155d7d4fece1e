"""``wirewatch ingest``: submit a JSONL file (``ingest_file``) and/or page URLs for ingest to fetch.

A URL becomes ``ArticleSubmitted(url, fetch_page=True)``: ingest downloads the page and extracts the article (title,
body, author, date, language) itself. A URL that is not an absolute http(s) URL is reported and skipped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from wirewatch.contracts import ArticleSubmitted

from .bus import BusUnavailableError, connect
from .ingest_file import IngestReport, LineError, describe_validation_error, publish_article, submit_lines

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def url_submission(url: str, *, submitted_at: datetime) -> ArticleSubmitted:
    """The submission for one page URL; raises ``ValueError`` saying why the URL cannot be fetched."""
    try:
        parts = urlsplit(url.strip())
        has_host = bool(parts.hostname)
    except ValueError as exc:
        raise ValueError(f"not a URL: {exc}") from None
    if parts.scheme.lower() not in {"http", "https"} or not has_host:
        raise ValueError("not an absolute http(s) URL")
    try:
        return ArticleSubmitted(url=url.strip(), fetch_page=True, origin="push", submitted_at=submitted_at)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


async def submit_urls(urls: Iterable[str], nats_url: str, *, report: IngestReport, err: Console) -> None:
    """Publish one fetch-the-page submission per URL; a bad URL is reported (numbered from 1) and skipped."""
    now = datetime.now(UTC)
    parsed: list[ArticleSubmitted] = []
    for number, url in enumerate(urls, start=1):
        try:
            parsed.append(url_submission(url, submitted_at=now))
        except ValueError as exc:
            report.errors.append(LineError(number, f"{url}: {exc}"))
            err.print(f"[red]--url {url}:[/] {exc}", highlight=False)
    if not parsed:
        return
    nc = await connect(nats_url, name="ingest-url")
    try:
        for article in parsed:
            await publish_article(nc, article)
            report.published += 1
    finally:
        await nc.close()


_PROGRESS_COLUMNS = (
    TextColumn("{task.description}"),
    BarColumn(),
    DownloadColumn(),
    TimeElapsedColumn(),
    TimeRemainingColumn(),
)


def _tracked(lines: Iterable[str], progress: Progress, task: TaskID) -> Iterator[str]:
    """The file's lines, advancing the progress bar by the bytes read (the file size is its total)."""
    for line in lines:
        progress.advance(task, len(line.encode("utf-8", errors="replace")))
        yield line


def run_ingest(file: Path | None, urls: Sequence[str], nats_url: str, *, out: Console, err: Console) -> int:
    """The command: returns its exit code (0 done, 1 bad lines or URLs, 2 nothing to ingest, 3 no bus)."""
    if file is None and not urls:
        err.print("[bold red]error:[/] give a JSONL file and/or --url URL", highlight=False)
        return EXIT_USAGE
    report = IngestReport()

    def on_error(error: LineError) -> None:
        err.print(f"[red]{file}:{error.line}:[/] {error.reason}", highlight=False)

    try:
        if file is not None:
            with (
                file.open(encoding="utf-8", errors="replace") as lines,
                Progress(*_PROGRESS_COLUMNS, console=err, transient=True) as progress,
            ):
                task = progress.add_task(f"submitting {file.name}", total=max(1, file.stat().st_size))
                report = asyncio.run(submit_lines(_tracked(lines, progress, task), nats_url, on_error=on_error))
        if urls:
            asyncio.run(submit_urls(urls, nats_url, report=report, err=err))
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot read {file}: {exc.strerror or exc}", highlight=False)
        return EXIT_FAILED
    except BusUnavailableError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        return EXIT_UNAVAILABLE
    what = "skipped {} bad line(s)" if not urls else "skipped {} bad line(s) or URL(s)"
    summary = f"published {report.published} article(s), " + what.format(len(report.errors))
    out.print(("[green]" if report.ok else "[yellow]") + summary + "[/]", highlight=False)
    return 0 if report.ok else EXIT_FAILED

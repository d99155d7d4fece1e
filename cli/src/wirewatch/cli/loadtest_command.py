"""The ``wirewatch loadtest`` command: options, the tables and the exit code; the work is in :mod:`loadtest_run`."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from .loadtest_run import LoadOptions, run_loadtest
from .options import EXIT_FAILED, AsJson, Token


def _table(phase: dict[str, Any]) -> Table:
    title = (
        f"{phase['phase']}: {phase['requests']} requests in {phase['seconds']} s "
        f"({phase['requests_per_s']}/s, concurrency {phase['concurrency']}), {phase['errors']} errors"
    )
    table = Table(title=title)
    table.add_column("endpoint", no_wrap=True)
    for name in ("requests", "req/s", "errors", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(name, justify="right")
    for e in phase["endpoints"]:
        table.add_row(e["name"], str(e["requests"]), str(e["requests_per_s"]), str(e["errors"]),
                      str(e["p50_ms"]), str(e["p95_ms"]), str(e["p99_ms"]))  # fmt: skip
    return table


def _show(report: dict[str, Any], out: Console) -> None:
    if seed := report.get("seed"):
        out.print(f"seeded {seed['articles']} articles, {seed['events']} events in {seed['seconds']} s")
    if costs := report.get("endpoint_costs"):
        table = Table(title="CPU per request, one request at a time (10 each)")
        table.add_column("endpoint", no_wrap=True)
        table.add_column("api ms", justify="right")
        table.add_column("database ms", justify="right")
        for cost in costs:
            table.add_row(cost["name"], str(cost["api_cpu_ms"]), str(cost["db_cpu_ms"]))
        out.print(table)
    for phase in report["phases"]:
        out.print(_table(phase))
        notes = [f"load average {phase['load_average']}"]
        notes += [
            f"{process} CPU {phase[f'{process}_cpu_ms_per_request']} ms/request"
            for process in ("api", "db")
            if f"{process}_cpu_ms_per_request" in phase
        ]
        if pipeline := phase.get("pipeline"):
            fed = f"pipeline: {pipeline['articles_fed']} articles fed at {pipeline['rate']}/s"
            if "articles_through_dedupe" in pipeline:
                fed += f", {pipeline['articles_through_dedupe']} through dedupe"
            notes.append(fed)
        out.print("; ".join(notes), highlight=False)
    verdict = report["verdict"]
    words = "responsive" if verdict["responsive"] else "NOT responsive"
    out.print(
        f"api {words}: {verdict['errors']} errors, worst p99 {verdict['worst_p99_ms']} ms "
        f"(limit {verdict['p99_limit_ms']} ms)",
        highlight=False,
    )


def loadtest(
    api: Annotated[
        str | None, typer.Option("--api", help="Load this running api instead of starting a seeded one.")
    ] = None,
    articles: Annotated[int, typer.Option("--articles", min=10, max=50_000, help="Articles to seed.")] = 3000,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=256, help="Requests in flight.")] = 16,
    duration: Annotated[float, typer.Option("--duration", min=1, max=600, help="Seconds per phase.")] = 20.0,
    with_pipeline: Annotated[
        float | None,
        typer.Option("--with-pipeline", min=0.1, max=1000, help="Also feed this many articles/s through the pipeline."),
    ] = None,
    p99_limit_ms: Annotated[
        float, typer.Option("--p99-limit-ms", min=1, help="Worst endpoint p99 that still counts as responsive.")
    ] = 1000.0,
    nats_url: Annotated[
        str | None, typer.Option("--nats-url", envvar="WIREWATCH_NATS_URL", help="With --api: where to feed.")
    ] = None,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Drive bounded concurrent load at the api's read endpoints on loopback: requests/s and p50/p95/p99 each.

    Without --api: starts its own stack on free ports and seeds it. Exit code 1 when the api was not responsive
    (errors, or a p99 over the limit in the last phase).
    """
    options = LoadOptions(api, articles, concurrency, duration, with_pipeline, p99_limit_ms, nats_url, token)
    report = asyncio.run(run_loadtest(options))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
    else:
        _show(report, Console())
    if not report["verdict"]["responsive"]:
        raise typer.Exit(EXIT_FAILED)

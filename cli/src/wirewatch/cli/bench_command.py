"""``wirewatch bench``: the whole pipeline on the embedded stack under a generated load, with its numbers.

Exit code 0 when the run completed, also when targets are missed (the report says which and why); 1 when the run
itself failed: the stack did not start, the api refused articles, or articles were lost or not clustered in time.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .bench_phases import BenchError
from .bench_report import judge, render
from .bench_run import BenchOptions, BenchRun
from .options import EXIT_FAILED, fail, usage
from .stack import StackError


def run_failures(report: dict[str, Any]) -> list[str]:
    """Why the run itself failed (not a missed target): lost or late articles, no webhook at all."""
    problems = []
    for phase in ("latency", "throughput"):
        part = report.get(phase)
        if part is None:
            problems.append(f"{phase} phase: not run")
            continue
        if not part.get("finished_in_time", False):
            problems.append(f"{phase} phase: not every article was clustered before the timeout")
        for stage, missing in part.get("accounting", {}).get("missing", {}).items():
            problems.append(f"{phase} phase: {missing['count']} article(s) {stage}, e.g. {missing['examples']}")
    if not report.get("webhooks", {}).get("received"):
        problems.append("no webhook arrived")
    return problems


def bench(
    articles: Annotated[int, typer.Option("--articles", min=1, help="Phase B: articles pushed at once.")] = 300,
    rate: Annotated[float, typer.Option("--rate", min=0.1, help="Phase A: articles per second.")] = 20.0,
    latency_seconds: Annotated[
        float, typer.Option("--latency-seconds", min=0.1, help="Phase A: seconds of submitting at --rate.")
    ] = 10.0,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Phase B: posts in flight.")] = 16,
    seed: Annotated[int, typer.Option("--seed", help="Corpus seed: the same seed, the same articles.")] = 8,
    stories: Annotated[int, typer.Option("--stories", min=1, help="Concurrent stories in the corpus.")] = 60,
    bare_seconds: Annotated[
        float, typer.Option("--bare-seconds", min=0.1, help="Length of each bare JetStream/MongoDB measurement.")
    ] = 2.0,
    bare_enrich_articles: Annotated[
        int, typer.Option("--bare-enrich-articles", min=0, help="Articles for the bare enrichment rate (0: skip).")
    ] = 40,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Longest wait, per phase, for every article to be clustered.")
    ] = 120.0,
    json_path: Annotated[
        str | None, typer.Option("--json", help="Also write the report as JSON to this file ('-': stdout).")
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="Keep the stack's data and logs here (default: a temp dir).")
    ] = None,
) -> None:
    """Benchmark the pipeline: latency at a fixed rate, sustained throughput, per-hop times, CPU and memory per
    service, and this machine's bare JetStream, MongoDB and enrichment rates for comparison.

    Starts its own nats-server, SecantusDB and services on free ports; a default run takes 2-5 minutes.
    """
    if json_path not in {None, "-"} and not Path(str(json_path)).resolve().parent.is_dir():
        usage(f"--json {json_path}: the directory does not exist")
    options = BenchOptions(
        articles=articles,
        rate=rate,
        latency_seconds=latency_seconds,
        concurrency=concurrency,
        seed=seed,
        stories=stories,
        bare_seconds=bare_seconds,
        bare_enrich_articles=bare_enrich_articles,
        timeout=timeout,
        state_dir=state_dir,
    )
    # With the JSON on stdout, the tables and progress go to stderr so that stdout stays one JSON document.
    console = Console(stderr=json_path == "-", soft_wrap=True)
    progress = Console(stderr=True)
    started = time.monotonic()

    def say(line: str) -> None:
        progress.print(f"[dim]{time.monotonic() - started:6.1f}s {line}[/]", highlight=False)

    try:
        report = asyncio.run(BenchRun(options, say).run())
    except (StackError, BenchError) as exc:
        fail(str(exc), EXIT_FAILED)
    judge(report)
    problems = run_failures(report)
    report["failures"] = problems
    render(report, console)
    if json_path == "-":
        json.dump(report, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    elif json_path:
        try:
            Path(json_path).write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
        except OSError as exc:
            fail(f"could not write the report to {json_path}: {exc}", EXIT_FAILED)
    if problems:
        fail("; ".join(problems), EXIT_FAILED)

"""The ``wirewatch`` command: wiring of the sub-commands; each one's work lives in its own module.

Exit codes: 0 done, 1 failed (bad input lines, an error answer from the api), 2 wrong usage, 3 NATS or the api
could not be reached, 130 interrupted while starting.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .bench_command import bench as bench_command
from .bus import DEFAULT_NATS_URL, BusUnavailableError
from .cluster_commands import cluster as cluster_command
from .dev import DEMO_PACE, DevOptions, run_dev
from .dev_prometheus import DEFAULT_PORT as PROMETHEUS_PORT
from .enrich_commands import enrich as enrich_command
from .eval_commands import eval_app
from .event_commands import articles_app, events_app
from .feed_commands import feeds_app
from .ingest_command import run_ingest
from .loadtest_command import loadtest as loadtest_command
from .options import EXIT_FAILED, EXIT_UNAVAILABLE, fail
from .rendering import message_json, message_text
from .stack import SERVICES, ports_from_env
from .status import status as status_command
from .subscription_commands import subscriptions_app
from .tail import tail as tail_subject

app = typer.Typer(no_args_is_help=True, help="wirewatch: news articles in, deduplicated and enriched events out.")
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(events_app, name="events")
app.add_typer(articles_app, name="articles")
app.add_typer(eval_app, name="eval")
app.add_typer(feeds_app, name="feeds")
app.command("enrich")(enrich_command)
app.command("cluster")(cluster_command)
app.command("status")(status_command)
app.command("loadtest")(loadtest_command)
app.command("bench")(bench_command)

NatsUrl = Annotated[str, typer.Option("--nats-url", envvar="WIREWATCH_NATS_URL", help="NATS server URL.")]


def _out() -> Console:
    return Console()


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True)


@app.command()
def dev(
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Ingest the demo corpus and show its events.")] = True,
    state_dir: Annotated[
        Path, typer.Option("--state-dir", help="Data and logs of the embedded servers and services.")
    ] = Path(".wirewatch"),
    nats_url: Annotated[
        str | None,
        typer.Option("--nats-url", envvar="WIREWATCH_NATS_URL", help="Use this NATS instead of starting one."),
    ] = None,
    mongo_url: Annotated[
        str | None,
        typer.Option("--mongo-url", envvar="WIREWATCH_MONGO_URL", help="Use this MongoDB instead of starting one."),
    ] = None,
    mongo_db: Annotated[str, typer.Option("--mongo-db", envvar="WIREWATCH_MONGO_DB")] = "wirewatch",
    service: Annotated[
        list[str] | None,
        typer.Option("--service", "-s", help="Run only this service; repeatable. Default: every installed one."),
    ] = None,
    demo_pace: Annotated[float, typer.Option("--demo-pace", min=0, help="Seconds between demo articles.")] = DEMO_PACE,
    prometheus: Annotated[
        bool, typer.Option("--prometheus/--no-prometheus", help="Also run Prometheus when it is installed.")
    ] = True,
    prometheus_port: Annotated[
        int,
        typer.Option(
            "--prometheus-port", envvar="WIREWATCH_PROMETHEUS_PORT", min=0, max=65535, help="0 = any free port."
        ),
    ] = PROMETHEUS_PORT,
) -> None:
    """Run the whole system here until Ctrl-C: nats-server, SecantusDB and every service, each its own process.

    Service ports are 8080 (api) to 8084; set WIREWATCH_<SVC>_PORT to move one (0 = any free port). Prometheus
    (when the binary is installed) scrapes them with the alert rules of deploy/prometheus, on 127.0.0.1:9090.
    """
    unknown = sorted(set(service or []) - set(SERVICES))
    if unknown:
        fail(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(SERVICES)}", 2)
    options = DevOptions(
        state_dir,
        demo,
        nats_url,
        mongo_url,
        mongo_db,
        ports_from_env(),
        tuple(service or ()) or None,
        demo_pace,
        prometheus=prometheus,
        prometheus_port=prometheus_port,
    )
    code = asyncio.run(run_dev(options, _out()))
    raise typer.Exit(code)


@app.command()
def ingest(
    file: Annotated[
        Path | None, typer.Argument(help="JSONL: {url?, title, text?, published_at?, source?, lang?} a line.")
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option("--url", help="A page for ingest to fetch and extract; repeatable.", show_default=False),
    ] = None,
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """Submit articles to ingest (articles.submit): the lines of a JSONL file and/or page URLs to fetch.

    Bad lines and URLs are reported and skipped.
    """
    raise typer.Exit(run_ingest(file, url or [], nats_url, out=_out(), err=_err()))


@app.command()
def tail(
    subject: Annotated[str, typer.Argument(help="Subject, wildcards allowed: 'events.>', 'events.*.conflict.>'.")],
    as_json: Annotated[bool, typer.Option("--json", help='One JSON a line: {"subject": ..., "data": ...}.')] = False,
    count: Annotated[int | None, typer.Option("--count", min=1, help="Stop after this many messages.")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=0, help="Stop after this many seconds.")] = None,
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """Print live messages on a subject until Ctrl-C (or --count / --timeout). Events are shown in words."""
    out = _out()

    def show(msg_subject: str, data: bytes) -> None:
        if as_json:
            typer.echo(message_json(msg_subject, data))
        else:
            out.print(message_text(msg_subject, data))
        sys.stdout.flush()

    async def run() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Only the main thread can take signals (not so when a test runs the command in a worker thread).
        with contextlib.suppress(ValueError, RuntimeError):
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        result = await tail_subject(
            nats_url,
            subject,
            show,
            count=count,
            timeout=timeout,
            stop=stop,
            on_ready=lambda: _err().print(f"[dim]listening on {subject}[/]", highlight=False),
        )
        if result.connection_lost:
            _err().print(f"lost the connection to NATS at {nats_url}", highlight=False)
            return EXIT_UNAVAILABLE
        if count is not None and result.received < count and result.timed_out:
            _err().print(f"timed out after {timeout}s with {result.received} of {count} message(s)", highlight=False)
            return EXIT_FAILED
        return 0

    try:
        code = asyncio.run(run())
    except BusUnavailableError as exc:
        fail(str(exc), EXIT_UNAVAILABLE)
    except Exception as exc:  # noqa: BLE001 - e.g. an invalid subject; say what nats-py said
        fail(f"{type(exc).__name__}: {exc}")
    raise typer.Exit(code)

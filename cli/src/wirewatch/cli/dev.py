"""``wirewatch dev``: the whole system on this machine, the demo corpus flowing through it, events shown live."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from rich.console import Console

from wirewatch.contracts import EVENTS_ALL, EventChanged
from wirewatch.runtime import WirewatchError

from .bus import connect
from .demo import demo_articles
from .dev_prometheus import DEFAULT_PORT as PROMETHEUS_PORT
from .dev_prometheus import DevPrometheus, PrometheusError, banner_line, for_stack
from .ingest_file import publish_article
from .rendering import event_line, stack_panel
from .stack import Stack

# Webhook receivers in the demo run on this machine; notify refuses loopback unless allowlisted.
DEV_ENV = {"WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]'}
# Seconds between demo articles, so events can be watched being created and then updated.
DEMO_PACE = 0.3
# How often the runner checks that every service is still alive.
WATCH_INTERVAL = 2.0


@dataclass(frozen=True, slots=True)
class DevOptions:
    state_dir: Path
    demo: bool
    nats_url: str | None
    mongo_url: str | None
    mongo_db: str
    ports: Mapping[str, int]
    services: tuple[str, ...] | None = None
    demo_pace: float = DEMO_PACE
    prometheus: bool = True
    prometheus_port: int = PROMETHEUS_PORT


def where_things_are(stack: Stack, prometheus: str | None = None) -> list[tuple[str, str]]:
    rows = [("api", stack.api_url or "(not running)")]
    rows += [(f"{name} metrics", endpoint.metrics_url) for name, endpoint in stack.endpoints.items()]
    if prometheus is not None:
        rows.append(("Prometheus", prometheus))
    if stack.missing_services:
        rows.append(("not running", ", ".join(stack.missing_services)))
    nats_note = f"  (monitor {stack.nats.monitor_url})" if stack.nats else "  (external)"
    rows.append(("NATS", stack.nats_url + nats_note))
    rows.append(("MongoDB", f"{stack.mongo_url}  db={stack.mongo_db}" + ("" if stack.mongo else "  (external)")))
    rows.append(("logs", str(stack.log_dir)))
    rows.append(("try", "wirewatch tail 'events.>'   |   wirewatch events list"))
    return rows


async def run_dev(options: DevOptions, console: Console) -> int:
    """Run until Ctrl-C or SIGTERM; every child is stopped before returning. Returns the exit code."""
    stack = Stack(
        options.state_dir,
        services=options.services,
        ports=options.ports,
        nats_url=options.nats_url,
        mongo_url=options.mongo_url,
        mongo_db=options.mongo_db,
        extra_env=DEV_ENV,
    )
    prometheus = for_stack(stack, port=options.prometheus_port) if options.prometheus else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # Stops the stack as soon as a signal comes, also while it is still starting (that interrupts the start).
    stopper = asyncio.create_task(_stop_on(stop, stack, prometheus))
    try:
        try:
            with console.status("starting nats-server, SecantusDB and the services ..."):
                await asyncio.to_thread(stack.start)
        except WirewatchError as exc:
            if stop.is_set():
                console.print("[yellow]interrupted while starting; everything started has been stopped[/]")
                return 130
            console.print(f"[bold red]wirewatch dev could not start:[/] {exc}")
            return 1
        prometheus_line = "off (--no-prometheus)"
        if options.prometheus:
            prometheus_line = await asyncio.to_thread(_start_prometheus, prometheus)
        console.print(stack_panel(where_things_are(stack, prometheus_line)))
        nc = await connect(stack.nats_url, name="dev")
        try:
            if options.demo:
                await nc.subscribe(EVENTS_ALL, cb=_printer(console))
                await nc.flush()
                await _publish_demo(nc, console, stop, options.demo_pace)
            console.print("[dim]running; Ctrl-C to stop[/]")
            await _watch(stack, console, stop)
        finally:
            await nc.close()
        console.print("stopping ...")
    finally:
        stop.set()
        await stopper
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    console.print("stopped")
    return 0


async def _stop_on(stop: asyncio.Event, stack: Stack, prometheus: DevPrometheus | None) -> None:
    await stop.wait()
    if prometheus is not None:
        await asyncio.to_thread(prometheus.stop)
    await asyncio.to_thread(stack.stop)


def _start_prometheus(prometheus: DevPrometheus | None) -> str:
    """Start Prometheus when it is installed; dev runs on without it. Returns the banner line."""
    if prometheus is None:
        return banner_line(None)
    try:
        prometheus.start()
    except PrometheusError as exc:
        return banner_line(prometheus, str(exc))
    return banner_line(prometheus)


def _printer(console: Console) -> Callable[[Msg], Awaitable[None]]:
    async def on_event(msg: Msg) -> None:
        try:
            console.print(event_line(EventChanged.model_validate_json(msg.data)))
        except ValueError:
            console.print(f"[red]undecodable message on {msg.subject}[/]")

    return on_event


async def _publish_demo(nc: NatsClient, console: Console, stop: asyncio.Event, pace: float) -> None:
    articles = sorted(demo_articles(), key=lambda item: item.article.published_at or item.article.submitted_at)
    stories = {item.story for item in articles}
    console.print(f"ingesting the demo corpus: {len(articles)} articles about {len(stories)} events")
    for item in articles:
        if stop.is_set():
            return
        await publish_article(nc, item.article)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pace)


async def _watch(stack: Stack, console: Console, stop: asyncio.Event) -> None:
    """Wait for the stop signal; meanwhile say so when a service dies (its log says why)."""
    reported: set[str] = set()
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), WATCH_INTERVAL)
        for name, code in stack.exited_services().items():
            if name not in reported:
                reported.add(name)
                console.print(f"[bold red]{name} exited with code {code}[/]; see {stack.log_dir / f'{name}.log'}")

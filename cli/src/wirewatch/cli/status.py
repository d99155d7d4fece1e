"""``wirewatch status``: one screen with the health of every service, JetStream consumer lag, feed health and the
newest events.

Each part is asked on its own and concurrently (every service's ``/readyz`` on the ports ``WIREWATCH_<SVC>_PORT``
name, every consumer of every wirewatch stream through nats-py, ``/v1/feeds`` and ``/v1/events`` through the api),
so one part that is down shows as down and the rest still shows. Exit code 0 when everything answered and is
ready, 1 when something is not.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

import httpx
import typer
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from wirewatch.contracts import ALL_STREAMS

from .api_client import DEFAULT_API_URL, ApiClient, ApiError
from .bus import DEFAULT_NATS_URL, BusUnavailableError, connect
from .feed_commands import feed_state
from .rendering import events_table, print_json
from .stack import HOST, SERVICES, ports_from_env

PROBE_TIMEOUT = 3.0
RECENT_EVENTS = 5


@dataclass
class ServiceHealth:
    name: str
    url: str
    state: str  # ready | not ready | unreachable
    detail: str = ""


@dataclass
class ConsumerLag:
    stream: str
    consumer: str
    pending: int  # messages not yet delivered: the lag
    ack_pending: int  # delivered, not yet acknowledged
    redelivered: int


@dataclass
class Status:
    services: list[ServiceHealth] = field(default_factory=list)
    consumers: list[ConsumerLag] = field(default_factory=list)
    bus_error: str | None = None
    feeds: dict[str, int] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    api_error: str | None = None

    @property
    def healthy(self) -> bool:
        return all(s.state == "ready" for s in self.services) and self.bus_error is None and self.api_error is None


async def service_health(name: str, port: int, host: str = HOST) -> ServiceHealth:
    url = f"http://{host}:{port}"
    try:
        async with httpx.AsyncClient(timeout=PROBE_TIMEOUT) as client:
            response = await client.get(f"{url}/readyz")
    except httpx.HTTPError as exc:
        return ServiceHealth(name, url, "unreachable", type(exc).__name__)
    try:
        checks = response.json().get("checks") or {}
    except ValueError:
        checks = {}
    failing = ", ".join(f"{k}: {v}" for k, v in checks.items() if v != "ok")
    if response.status_code == httpx.codes.OK:
        return ServiceHealth(name, url, "ready")
    return ServiceHealth(name, url, "not ready", failing or f"HTTP {response.status_code}")


async def consumer_lag(nats_url: str) -> list[ConsumerLag]:
    """Every durable consumer of every wirewatch stream (missing streams are skipped: nothing consumes them)."""
    nc = await connect(nats_url, name="status")
    try:
        js = nc.jetstream()
        found: list[ConsumerLag] = []
        for stream in ALL_STREAMS:
            try:
                infos = await js.consumers_info(stream.name)
            except Exception:  # noqa: BLE001, S112 - a stream not provisioned yet has no consumers to show
                continue
            found += [
                ConsumerLag(
                    stream.name,
                    info.name,
                    info.num_pending or 0,
                    info.num_ack_pending or 0,
                    info.num_redelivered or 0,
                )
                for info in infos
            ]
        return sorted(found, key=lambda c: (c.stream, c.consumer))
    finally:
        await nc.close()


def _api_part(api_url: str, token: str | None, status: Status) -> None:
    try:
        with ApiClient(api_url, token=token, timeout=PROBE_TIMEOUT) as api:
            status.feeds = dict(Counter(feed_state(f) for f in api.list_feeds()))
            status.events = api.events_page({"limit": RECENT_EVENTS}).get("events") or []
    except ApiError as exc:
        status.api_error = str(exc)


async def gather(nats_url: str, api_url: str, token: str | None, ports: dict[str, int], host: str = HOST) -> Status:
    status = Status()

    async def bus() -> None:
        try:
            status.consumers = await consumer_lag(nats_url)
        except BusUnavailableError as exc:
            status.bus_error = str(exc)

    results = await asyncio.gather(
        *(service_health(name, ports[name], host) for name in SERVICES),
        bus(),
        asyncio.to_thread(_api_part, api_url, token, status),
    )
    status.services = [r for r in results if isinstance(r, ServiceHealth)]
    return status


_STATE_STYLE = {"ready": "green", "not ready": "yellow", "unreachable": "red"}


def render(status: Status) -> Group:
    services = Table(title="Services", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("service", "state", "url", "detail"):
        services.add_column(column, overflow="fold")
    for s in status.services:
        services.add_row(s.name, f"[{_STATE_STYLE.get(s.state, 'bold')}]{s.state}[/]", s.url, s.detail)
    parts: list[Any] = [services]
    if status.bus_error:
        parts.append(Panel(status.bus_error, title="JetStream", style="red", expand=False))
    else:
        lag = Table(title="JetStream consumers", box=box.SIMPLE_HEAD, pad_edge=False)
        for column in ("stream", "consumer", "lag", "unacked", "redelivered"):
            lag.add_column(column, justify="left" if column in {"stream", "consumer"} else "right")
        for c in status.consumers:
            style = "yellow" if c.pending else ""
            lag.add_row(
                c.stream,
                c.consumer,
                f"[{style}]{c.pending}[/]" if style else "0",
                str(c.ack_pending),
                str(c.redelivered),
            )
        parts.append(lag if status.consumers else Panel("no consumers yet", title="JetStream", expand=False))
    if status.api_error:
        parts.append(Panel(status.api_error, title="api", style="red", expand=False))
    else:
        feeds = ", ".join(f"{n} {state}" for state, n in sorted(status.feeds.items())) or "none registered"
        parts.append(Panel(feeds, title="Feeds", expand=False))
        parts.append(events_table(status.events, title="Recent events"))
    return Group(*parts)


def status(
    nats_url: Annotated[str, typer.Option("--nats-url", envvar="WIREWATCH_NATS_URL")] = DEFAULT_NATS_URL,
    api_url: Annotated[str, typer.Option("--api-url", envvar="WIREWATCH_API_URL")] = DEFAULT_API_URL,
    token: Annotated[str | None, typer.Option("--token", envvar="WIREWATCH_API_TOKEN", show_default=False)] = None,
    host: Annotated[str, typer.Option("--host", help="Where the services' health ports are.")] = HOST,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Health of every service (/readyz), consumer lag, feed health and the newest events, on one screen.

    Service ports are WIREWATCH_<SVC>_PORT (api 8080, ingest 8081 ... notify 8084 by default).
    """
    result = asyncio.run(gather(nats_url, api_url, token, ports_from_env(), host))
    if as_json:
        print_json({**asdict(result), "healthy": result.healthy})
    else:
        Console().print(render(result))
    raise typer.Exit(0 if result.healthy else 1)

"""``/v1/stream``: live event changes as server-sent events, filtered like subscriptions.

One core-NATS subscription on ``events.>`` per api process feeds every client (fan-out): each event is decoded
once and offered to each client whose filter :func:`~wirewatch.contracts.matches` it. Each client has a bounded
queue; a client that falls ``stream_queue_size`` events behind is dropped with a final ``event: close`` saying so,
so a slow reader costs memory for at most its queue and never slows anyone else. Live only: what was published
before the connection is not sent (``POST /v1/subscriptions/{id}/replay`` is for history).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import StreamingResponse
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription as NatsSubscription
from prometheus_client import CollectorRegistry
from pydantic import ValidationError

from wirewatch.contracts import EVENTS_ALL, EventChanged, SubscriptionFilter, matches
from wirewatch.runtime.metric_catalogue import counter, gauge

from .errors import invalid_parameter, invalid_request
from .settings import ApiSettings

log = logging.getLogger("wirewatch.api")

_LIST_PARAMETERS = ("countries", "categories", "event_types", "entities", "keywords", "languages", "change_kinds")
_CLOSED = object()  # put on a queue to end that client's stream


@dataclass(eq=False)
class Listener:
    filter: SubscriptionFilter
    queue: asyncio.Queue[object]
    close_reason: str | None = None
    sent: int = field(default=0)
    left: bool = False


class EventHub:
    """Fans ``events.>`` out to the connected stream clients."""

    def __init__(
        self,
        connection: Callable[[], NatsClient],
        *,
        queue_size: int,
        max_clients: int,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._connection = connection
        registry = registry if registry is not None else CollectorRegistry()  # never the process-global one
        # Gauge: stream clients connected now. Counter: clients dropped, by why (slow, shutdown).
        self._clients_gauge = gauge("wirewatch_api_stream_clients", registry)
        self._dropped = counter("wirewatch_api_stream_dropped", registry)
        self._queue_size = queue_size
        self._max_clients = max_clients
        self._listeners: set[Listener] = set()
        self._subscription: NatsSubscription | None = None
        self._lock = asyncio.Lock()

    @property
    def clients(self) -> int:
        return len(self._listeners)

    async def join(self, subscription_filter: SubscriptionFilter) -> Listener:
        if len(self._listeners) >= self._max_clients:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "too many stream clients; try again later")
        async with self._lock:
            if self._subscription is None:
                nc = self._connection()
                self._subscription = await nc.subscribe(EVENTS_ALL, cb=self._on_message)
                await nc.flush()  # the server has the subscription: anything published from now on is seen
        listener = Listener(subscription_filter, asyncio.Queue(self._queue_size))
        self._listeners.add(listener)
        self._clients_gauge.inc()
        return listener

    def leave(self, listener: Listener) -> None:
        """The client's stream ended (it went away, or was dropped and told why)."""
        self._listeners.discard(listener)
        if not listener.left:
            listener.left = True
            self._clients_gauge.dec()

    async def close(self) -> None:
        for listener in list(self._listeners):
            self._drop(listener, "the server is shutting down")
            self._dropped.labels("shutdown").inc()
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()
            self._subscription = None

    async def _on_message(self, msg: Msg) -> None:
        if not self._listeners:
            return
        try:
            changed = EventChanged.model_validate_json(msg.data)
        except ValidationError as exc:
            log.warning("unreadable event not streamed", extra={"subject": msg.subject, "errors": exc.error_count()})
            return
        frame: str | None = None
        for listener in list(self._listeners):
            if listener.close_reason is not None or not matches(listener.filter, changed):
                continue
            frame = frame or sse_frame(changed)
            try:
                listener.queue.put_nowait(frame)
            except asyncio.QueueFull:
                self._drop(listener, f"client too slow: {self._queue_size} events waiting")
                self._dropped.labels("slow").inc()

    def _drop(self, listener: Listener, reason: str) -> None:
        """End a client's stream: its waiting events make room for the close message that says why."""
        listener.close_reason = reason
        self._listeners.discard(listener)
        while not listener.queue.empty():
            listener.queue.get_nowait()
        listener.queue.put_nowait(_CLOSED)
        log.info("stream client dropped", extra={"reason": reason, "sent": listener.sent})


def sse_frame(changed: EventChanged) -> str:
    """``id`` = event id and version (what a client saw last), ``event`` = ``event.<change>``, ``data`` = JSON."""
    return (
        f"id: {changed.event.event_id}:{changed.event.version}\n"
        f"event: event.{changed.change}\n"
        f"data: {changed.model_dump_json()}\n\n"
    )


def stream_filter(request: Request) -> SubscriptionFilter:
    """The subscription filter from query parameters: lists repeated or comma-separated, ``near=lat,lon,km``."""
    params = request.query_params
    unknown = sorted(set(params) - {*_LIST_PARAMETERS, "near", "min_articles", "min_sources"})
    if unknown:
        raise invalid_parameter(
            ("query", unknown[0]), f"unknown filter; known: {', '.join(SubscriptionFilter.model_fields)}"
        )
    data: dict[str, Any] = {}
    for name in _LIST_PARAMETERS:
        values = [part for value in params.getlist(name) for part in value.split(",")]
        if values:
            data[name] = values
    for name in ("min_articles", "min_sources"):
        if name in params:
            data[name] = params[name]
    if "near" in params:
        parts = params["near"].split(",")
        if len(parts) != 3:
            raise invalid_parameter(("query", "near"), "near must be lat,lon,radius_km (e.g. 39.8,46.75,100)")
        data["near"] = dict(zip(("lat", "lon", "radius_km"), parts, strict=True))
    try:
        return SubscriptionFilter.model_validate(data)
    except ValidationError as exc:
        raise invalid_request(exc, "query") from exc


def build_stream_router(hub: EventHub, settings: ApiSettings) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get(
        "/v1/stream",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}, 422: {"description": "a bad filter"}},
    )
    async def stream_events(request: Request) -> StreamingResponse:
        """Live event changes as server-sent events, filtered as subscriptions are, by query parameters.

        ``countries``, ``categories``, ``event_types``, ``entities``, ``keywords``, ``languages`` and
        ``change_kinds`` (repeated or comma-separated), ``min_articles``, ``min_sources``, and
        ``near=lat,lon,radius_km``. Each message: ``id: <event_id>:<version>``, ``event: event.<change>``,
        ``data: <EventChanged JSON>``; a dropped client gets ``event: close`` with the reason.
        """
        subscription_filter = stream_filter(request)
        listener = await hub.join(subscription_filter)
        return StreamingResponse(
            _frames(hub, listener, settings.stream_heartbeat),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    return router


async def _frames(hub: EventHub, listener: Listener, heartbeat: float) -> AsyncIterator[str]:
    try:
        yield "retry: 5000\n: connected\n\n"
        while True:
            try:
                item = await asyncio.wait_for(listener.queue.get(), heartbeat)
            except TimeoutError:
                yield ": keep-alive\n\n"  # a comment: keeps proxies from closing an idle connection
                continue
            if item is _CLOSED:
                yield f"event: close\ndata: {json.dumps({'reason': listener.close_reason})}\n\n"
                return
            listener.sent += 1
            yield str(item)
    finally:
        hub.leave(listener)

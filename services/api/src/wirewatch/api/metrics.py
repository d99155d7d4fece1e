"""The api's own metrics, besides the runtime's (it consumes nothing, so HopMetrics stay at zero).

Labels are the route template (``/v1/events/{event_id}``), the method and the status code: never a raw path.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wirewatch.runtime.metric_catalogue import counter, histogram


class ApiMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        # Counter: HTTP requests answered, by route template, method and status code.
        self.requests = counter("wirewatch_api_requests", registry)
        # Histogram: seconds from request to the start of the response, by route template.
        self.latency = histogram("wirewatch_api_request_seconds", registry)
        # Counter: articles accepted by POST /v1/articles and published to articles.submit.
        self.articles_accepted = counter("wirewatch_api_articles_accepted", registry)


class RequestMetricsMiddleware:
    """Counts and times every HTTP request (pure ASGI, so streaming responses pass through untouched)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client sees if the app raises before answering

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            # Unmatched paths share one label so that scanning random URLs cannot grow the series.
            template = route.path if isinstance(route, BaseRoute) and hasattr(route, "path") else "unmatched"
            self.metrics.requests.labels(template, scope["method"], str(status)).inc()
            self.metrics.latency.labels(template).observe(time.perf_counter() - started)

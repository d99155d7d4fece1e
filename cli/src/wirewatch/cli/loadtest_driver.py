"""Bounded concurrent load on the api's read endpoints, measured per endpoint.

``concurrency`` workers share one keep-alive client; each sends its next request as soon as the previous one
answered (a closed loop: the offered load adapts to the server, so an overloaded api shows up as latency rather
than as an unbounded queue in the client). Each request's latency is recorded; an answer other than 2xx, a
timeout or a connection error counts as an error for its endpoint, with one example kept.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One kind of request; ``path`` picks the concrete path (e.g. a random event id) each time."""

    name: str
    path: Callable[[random.Random], str]


@dataclass
class EndpointResult:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds, of the successful requests
    errors: int = 0
    error_example: str | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies) + self.errors

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the successful requests' latencies, in seconds (0 when there are none)."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    endpoints: list[EndpointResult]

    @property
    def requests(self) -> int:
        return sum(e.requests for e in self.endpoints)

    @property
    def errors(self) -> int:
        return sum(e.errors for e in self.endpoints)

    def as_dict(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "requests_per_s": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "errors": self.errors,
            "endpoints": [
                {
                    "name": e.name,
                    "requests": e.requests,
                    "requests_per_s": round(e.requests / self.seconds, 1) if self.seconds else 0.0,
                    "errors": e.errors,
                    "p50_ms": round(e.percentile(50) * 1000, 1),
                    "p95_ms": round(e.percentile(95) * 1000, 1),
                    "p99_ms": round(e.percentile(99) * 1000, 1),
                    **({"error_example": e.error_example} if e.error_example else {}),
                }
                for e in self.endpoints
            ],
        }


def read_endpoints(event_ids: Sequence[str], article_ids: Sequence[str], *, now: datetime) -> list[Endpoint]:
    """The main read endpoints: event lists (plain, filtered, sorted), event details, articles, health."""
    since = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    categories = ["conflict", "disaster", "politics", "unrest", "economy"]
    countries = ["UA", "TR", "AZ", "NG", "PH", "DE", "IN"]
    endpoints = [
        Endpoint("GET /v1/events", lambda _: "/v1/events?limit=50"),
        Endpoint(
            "GET /v1/events?category&country",
            lambda rng: f"/v1/events?category={rng.choice(categories)}&country={rng.choice(countries)}&limit=20",
        ),
        Endpoint("GET /v1/events?sort=biggest&since", lambda _: f"/v1/events?sort=biggest&since={since}&limit=20"),
        Endpoint("GET /v1/articles", lambda _: "/v1/articles?limit=50"),
        Endpoint("GET /healthz", lambda _: "/healthz"),
    ]
    if event_ids:
        endpoints.insert(3, Endpoint("GET /v1/events/{id}", lambda rng: f"/v1/events/{rng.choice(event_ids)}"))
    if article_ids:
        endpoints.insert(5, Endpoint("GET /v1/articles/{id}", lambda rng: f"/v1/articles/{rng.choice(article_ids)}"))
    return endpoints


async def drive(
    base_url: str,
    endpoints: Sequence[Endpoint],
    *,
    concurrency: int,
    duration: float,
    headers: dict[str, str] | None = None,
    seed: int = 1,
) -> LoadResult:
    """Send requests from ``concurrency`` workers for ``duration`` seconds, endpoints in turn."""
    results = {e.name: EndpointResult(e.name) for e in endpoints}
    turns = itertools.cycle(endpoints)  # shared: every endpoint gets the same share of requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT, limits=limits, headers=headers or {}
    ) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def worker(number: int) -> None:
            rng = random.Random(seed * 1000 + number)  # noqa: S311 - picks ids, not secrets
            while time.perf_counter() < deadline:
                endpoint = next(turns)
                result = results[endpoint.name]
                sent = time.perf_counter()
                try:
                    response = await client.get(endpoint.path(rng))
                except httpx.HTTPError as exc:
                    result.errors += 1
                    result.error_example = result.error_example or f"{type(exc).__name__}: {exc}"[:200]
                    continue
                if response.is_success:
                    result.latencies.append(time.perf_counter() - sent)
                else:
                    result.errors += 1
                    result.error_example = result.error_example or f"{response.status_code}: {response.text[:160]}"

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(concurrency=concurrency, seconds=elapsed, endpoints=list(results.values()))

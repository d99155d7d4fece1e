"""Notify benchmark: webhook throughput, and latency with a dead and a slow endpoint among healthy ones.

``python -m wirewatch.notify.bench`` starts its own nats-server and SecantusDB (or uses ``--nats-url`` /
``--mongo-url``), a receiver process (:mod:`bench_receiver`) and notify in this process, then runs:

1. throughput: ``--events`` events published at once to ``--endpoints`` healthy endpoints; deliveries per second
   from the first publish to the last webhook received;
2. latency, all healthy: ``--rate`` events/s for ``--seconds`` to ``--endpoints`` healthy endpoints;
3. latency, mixed: the same, with one endpoint dead (connection refused) and one slow (answers after 10 s).

2 and 3 alternate ``--repeat`` times. Latency is from the event's publish to its webhook's arrival, over the
endpoints healthy in both kinds of run; the ratio compares the medians of the runs' p99. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.js.errors import NotFoundError

from wirewatch.contracts import EventChanged, Subscription, SubscriptionFilter, event_subject
from wirewatch.runtime import EmbeddedMongo, EmbeddedNats, free_port, make_mongo_client, wait_for_port

from .main import NotifyService
from .settings import NotifySettings

SECRET = "whsec_YmVuY2htYXJrLXNpZ25pbmcta2V5LTMyLWJ5dGVzISE="  # noqa: S105 - a throwaway key for the benchmark


@dataclass(frozen=True, slots=True)
class Endpoints:
    healthy: list[str]
    dead: list[str]
    slow: list[str]


def _event(index: int, run: str) -> EventChanged:
    now = datetime.now(UTC)
    return EventChanged.model_validate(
        {
            "change": "created",
            "event": {
                "event_id": f"evt_{run}_{index}",
                "version": 1,
                "title": f"Benchmark event {index}: shelling reported near Stepanakert",
                "category": "conflict",
                "countries": ["AZ", "AM"],
                "primary_country": "AZ",
                "first_seen": now,
                "last_seen": now,
                "article_count": 2,
                "source_count": 2,
                "article_ids": [f"a{index}a", f"a{index}b"],
            },
            "changed_at": now,
        }
    )


async def _clean_bus(nats_url: str) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for info in await js.streams_info():
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(info.config.name or "")
    await nc.close()


@contextlib.asynccontextmanager
async def _notify(nats_url: str, mongo_url: str, endpoints: Endpoints) -> AsyncIterator[NotifyService]:
    """A fresh bus and database with one subscription per endpoint, and notify running on them."""
    await _clean_bus(nats_url)
    db_name = f"bench_{uuid.uuid4().hex[:8]}"
    mongo = make_mongo_client(mongo_url)
    urls = endpoints.healthy + endpoints.dead + endpoints.slow
    docs = []
    for i, url in enumerate(urls):
        sub = Subscription(
            subscription_id=f"sub_{i}",
            webhook_url=url,
            secret=SECRET,
            filters=SubscriptionFilter(),
            created_at=datetime.now(UTC),
        )
        docs.append({**sub.model_dump(), "_id": sub.subscription_id})
    await mongo[db_name]["subscriptions"].insert_many(docs)
    service = NotifyService(
        NotifySettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=db_name, allow_addresses=["127.0.0.1"])
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()
        await mongo.drop_database(db_name)
        await mongo.close()


async def _publish(nats_url: str, count: int, rate: float | None, run: str) -> float:
    """Publish ``count`` events (at ``rate`` per second, or as fast as acks come); returns the start time."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    started = time.time()
    for i in range(count):
        if rate:
            await asyncio.sleep(max(0.0, started + i / rate - time.time()))
        changed = _event(i, run)
        await js.publish(event_subject("created", "conflict", "AZ"), changed.model_dump_json().encode())
    await nc.close()
    return started


async def _received(receiver: httpx.AsyncClient) -> dict[str, list[float]]:
    stats: dict[str, list[float]] = (await receiver.get("/stats")).json()
    return stats


async def _wait_for(receiver: httpx.AsyncClient, paths: list[str], expected: int, timeout: float) -> float:
    """Wait until every path got ``expected`` webhooks; returns the time when that was seen."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        stats = await _received(receiver)
        if all(len(stats.get(p, [])) >= expected for p in paths):
            return time.time()
        await asyncio.sleep(0.05)
    got = {p: len((await _received(receiver)).get(p, [])) for p in paths}
    raise TimeoutError(f"webhooks missing after {timeout}s: {got} of {expected} each")


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}


async def run_bench(args: argparse.Namespace, nats_url: str, mongo_url: str, receiver_url: str) -> dict[str, Any]:
    base = receiver_url.rstrip("/")
    healthy = [f"{base}/h{i}" for i in range(args.endpoints)]
    paths = [f"/h{i}" for i in range(args.endpoints - 2)]  # healthy in both latency runs
    dead = f"http://127.0.0.1:{free_port()}/dead"
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as receiver:
        await receiver.post("/reset")
        async with _notify(nats_url, mongo_url, Endpoints(healthy, [], [])):
            started = await _publish(nats_url, args.events, None, "throughput")
            done = await _wait_for(receiver, [f"/h{i}" for i in range(args.endpoints)], args.events, 300)
        total = args.events * args.endpoints
        results["throughput"] = {
            "deliveries": total,
            "seconds": round(done - started, 2),
            "deliveries_per_second": round(total / (done - started), 1),
        }
        count = int(args.rate * args.seconds)
        scenarios = {
            "all_healthy": Endpoints(healthy, [], []),
            "one_dead_one_slow": Endpoints(healthy[:-2], [dead], [f"{base}/slow"]),
        }
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in scenarios}
        # Interleaved repetitions: the machine's other load drifts, and it should drift over both alike.
        for repetition in range(args.repeat):
            for name, endpoints in scenarios.items():
                await receiver.post("/reset")
                async with _notify(nats_url, mongo_url, endpoints):
                    await _publish(nats_url, count, args.rate, f"{name}{repetition}")
                    await _wait_for(receiver, paths, count, 120)
                stats = await _received(receiver)
                latencies = [v for p in paths for v in stats.get(p, [])]
                run = {"deliveries_measured": len(latencies), **_percentiles(latencies)}
                if endpoints.slow:
                    run["slow_endpoint_delivered"] = len(stats.get("/slow", []))
                runs[name].append(run)
        for name, measured in runs.items():
            results[name] = {
                "runs": measured,
                "median_p50_ms": statistics.median(r["p50_ms"] for r in measured),
                "median_p99_ms": statistics.median(r["p99_ms"] for r in measured),
            }
    healthy_p99 = results["all_healthy"]["median_p99_ms"]
    results["p99_ratio_mixed_to_healthy"] = round(results["one_dead_one_slow"]["median_p99_ms"] / healthy_p99, 3)
    return results


def _run(args: argparse.Namespace) -> dict[str, Any]:
    """Start what is missing (servers, receiver), run the benchmark, stop what was started."""
    with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as tmp, contextlib.ExitStack() as stack:
        nats_url, mongo_url = args.nats_url, args.mongo_url
        if not nats_url:
            embedded_nats = EmbeddedNats(Path(tmp) / "nats", free_port(), free_port())
            embedded_nats.start()
            stack.callback(embedded_nats.stop)
            nats_url = embedded_nats.url
        if not mongo_url:
            embedded_mongo = EmbeddedMongo(Path(tmp) / "mongo", free_port())
            embedded_mongo.start()
            stack.callback(embedded_mongo.stop)
            mongo_url = embedded_mongo.url
        port = free_port()
        receiver = subprocess.Popen(
            [sys.executable, "-m", "wirewatch.notify.bench_receiver", "--port", str(port)], stdout=subprocess.DEVNULL
        )
        stack.callback(receiver.wait, 10)
        stack.callback(receiver.terminate)
        wait_for_port(port, "127.0.0.1", 15, receiver)
        return asyncio.run(run_bench(args, nats_url, mongo_url, f"http://127.0.0.1:{port}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--events", type=int, default=500, help="events for the throughput run")
    parser.add_argument("--rate", type=float, default=10.0, help="events per second in the latency runs")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each latency run")
    parser.add_argument("--repeat", type=int, default=3, help="latency runs of each kind, interleaved")
    parser.add_argument("--nats-url")
    parser.add_argument("--mongo-url")
    args = parser.parse_args()
    results = _run(args)
    print(json.dumps({"args": vars(args) | {"nats_url": None, "mongo_url": None}, **results}, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()

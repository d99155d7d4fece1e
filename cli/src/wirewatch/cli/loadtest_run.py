"""``wirewatch loadtest``: the api under bounded load on loopback, alone and while the pipeline runs.

Without ``--api`` it starts its own stack on free ports (embedded nats-server and SecantusDB, the api, and with
``--with-pipeline`` every other service too), seeds the database (:mod:`loadtest_seed`) and drives the read
endpoints (:mod:`loadtest_driver`). With ``--with-pipeline RATE`` a second phase feeds ``RATE`` articles/s into
``articles.submit`` while the same load runs, and the api counts as responsive when that phase had no errors and
its worst endpoint p99 stayed under the limit. Before the phases, each endpoint's CPU time per request alone (api
and database process) says where the time goes. Each phase also records the CPU time per request of the api process
and of the database process (figures that, unlike requests/s, do not depend much on what else the machine does).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats

from wirewatch.contracts import ARTICLES_SUBMIT, HEADER_MSG_ID
from wirewatch.runtime import make_mongo_client

from .loadtest_driver import LoadResult, drive, read_endpoints
from .loadtest_seed import seed_database, synthetic_articles
from .stack import SERVICES, Stack

PIPELINE_SOURCE = "pipeline feed"
DRAIN_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class LoadOptions:
    api: str | None
    articles: int
    concurrency: int
    duration: float
    with_pipeline: float | None
    p99_limit_ms: float
    nats_url: str | None = None
    token: str | None = None


@dataclass
class Target:
    api_url: str
    nats_url: str | None
    api_pid: int | None
    db_pid: int | None
    event_ids: list[str]
    article_ids: list[str]
    db: Any = None  # the seeded database, when this run owns the stack
    seed: dict[str, Any] | None = None


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), or None."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def _own_stack(options: LoadOptions) -> AsyncIterator[Target]:
    services = list(SERVICES) if options.with_pipeline else ["api"]
    state = Path(tempfile.mkdtemp(prefix="wirewatch-loadtest-"))
    stack = Stack.on_free_ports(
        state,
        services,
        mongo_db="loadtest",
        ready_timeout=180.0,
    )
    try:
        await asyncio.to_thread(stack.start)
        client = make_mongo_client(stack.mongo_url)
        try:
            db = client[stack.mongo_db]
            seeded = await seed_database(db, options.articles)
            events = [d["_id"] async for d in db["events"].find({"status": "active"}, {"_id": 1}).limit(500)]
            articles = [d["_id"] async for d in db["articles"].find({}, {"_id": 1}).limit(500)]
            seed = {"articles": seeded.articles, "events": seeded.events, "seconds": round(seeded.seconds, 1)}
            assert stack.api_url is not None
            pids = stack.pids()
            yield Target(
                stack.api_url, stack.nats_url, pids.get("api"), pids.get("secantusdb"), events, articles, db, seed
            )
        finally:
            await client.close()
    finally:
        await asyncio.to_thread(stack.stop)
        shutil.rmtree(state, ignore_errors=True)


async def _given_api(options: LoadOptions) -> Target:
    """An api someone else runs: the ids to ask for come from its own lists."""
    assert options.api is not None
    headers = {"authorization": f"Bearer {options.token}"} if options.token else {}
    async with httpx.AsyncClient(base_url=options.api, timeout=10.0, headers=headers) as client:
        events = (await client.get("/v1/events", params={"limit": 200})).raise_for_status().json()["events"]
        articles = (await client.get("/v1/articles", params={"limit": 200})).raise_for_status().json()["articles"]
    event_ids, article_ids = [e["event_id"] for e in events], [a["id"] for a in articles]
    return Target(options.api, options.nats_url, None, None, event_ids, article_ids)


async def _feed(nats_url: str, rate: float, seconds: float) -> int:
    """Publish ``rate`` new articles a second to ``articles.submit`` for ``seconds``; returns how many."""
    pairs = synthetic_articles(
        int(rate * seconds) + 1, seed=int(time.time()), site="pipeline.loadtest.example", source=PIPELINE_SOURCE
    )
    nc = await nats.connect(nats_url, name="wirewatch-loadtest-feed")
    sent = 0
    try:
        js = nc.jetstream()
        started = time.perf_counter()
        for submitted, _ in pairs:
            due = started + sent / rate
            if due - started >= seconds:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            now = datetime.now(UTC)
            message = submitted.model_copy(update={"submitted_at": now, "published_at": now})
            await js.publish(
                ARTICLES_SUBMIT,
                message.model_dump_json().encode(),
                headers={HEADER_MSG_ID: f"loadtest:{submitted.url}"},
            )
            sent += 1
    finally:
        await nc.close()
    return sent


async def _phase(target: Target, options: LoadOptions, name: str) -> tuple[LoadResult, dict[str, Any]]:
    endpoints = read_endpoints(target.event_ids, target.article_ids, now=datetime.now(UTC))
    headers = {"authorization": f"Bearer {options.token}"} if options.token else None
    pids = {"api": target.api_pid, "db": target.db_pid}
    cpu_before = {process: _cpu_seconds(pid) for process, pid in pids.items()}
    feeding = None
    if name == "with pipeline" and options.with_pipeline and target.nats_url:
        feeding = asyncio.create_task(_feed(target.nats_url, options.with_pipeline, options.duration))
    result = await drive(
        target.api_url, endpoints, concurrency=options.concurrency, duration=options.duration, headers=headers
    )
    extra: dict[str, Any] = {"phase": name, "load_average": [round(x, 2) for x in os.getloadavg()]}
    for process, pid in pids.items():
        before, after = cpu_before[process], _cpu_seconds(pid)
        if before is not None and after is not None and result.requests:
            extra[f"{process}_cpu_ms_per_request"] = round((after - before) * 1000 / result.requests, 3)
    if feeding is not None:
        extra["pipeline"] = await _pipeline_outcome(target, await feeding, options.with_pipeline or 0)
    return result, extra


async def _endpoint_costs(target: Target, options: LoadOptions, requests: int = 10) -> list[dict[str, Any]]:
    """CPU per request of each endpoint alone (one request at a time): which one the database spends itself on."""
    if target.api_pid is None or target.db_pid is None:
        return []
    rng = random.Random(3)  # noqa: S311 - picks ids, not secrets
    headers = {"authorization": f"Bearer {options.token}"} if options.token else {}
    costs = []
    async with httpx.AsyncClient(base_url=target.api_url, timeout=30.0, headers=headers) as client:
        for endpoint in read_endpoints(target.event_ids, target.article_ids, now=datetime.now(UTC)):
            api_before, db_before = _cpu_seconds(target.api_pid), _cpu_seconds(target.db_pid)
            for _ in range(requests):
                await client.get(endpoint.path(rng))
            api_after, db_after = _cpu_seconds(target.api_pid), _cpu_seconds(target.db_pid)
            if None in (api_before, db_before, api_after, db_after):
                return []
            costs.append({
                "name": endpoint.name,
                "api_cpu_ms": round(((api_after or 0) - (api_before or 0)) * 1000 / requests, 1),
                "db_cpu_ms": round(((db_after or 0) - (db_before or 0)) * 1000 / requests, 1),
            })  # fmt: skip
    return costs


async def _pipeline_outcome(target: Target, fed: int, rate: float) -> dict[str, Any]:
    outcome: dict[str, Any] = {"rate": rate, "articles_fed": fed}
    if target.db is None:
        return outcome
    deadline = time.monotonic() + DRAIN_SECONDS
    done = 0
    while time.monotonic() < deadline:
        # synthetic_articles names sources "<source> <0..39>".
        query = {"source": {"$in": [f"{PIPELINE_SOURCE} {n}" for n in range(40)]}, "dedupe": {"$exists": True}}
        done = await target.db["articles"].count_documents(query)
        if done >= fed:
            break
        await asyncio.sleep(0.5)
    outcome["articles_through_dedupe"] = done
    return outcome


async def run_loadtest(options: LoadOptions) -> dict[str, Any]:
    """Every phase's numbers and the verdict, as one JSON-ready dict."""
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "options": {
            "concurrency": options.concurrency,
            "duration_s": options.duration,
            "with_pipeline": options.with_pipeline,
            "api": options.api or "own stack",
        },
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "phases": [],
    }
    owned = _own_stack(options) if options.api is None else None
    target = await owned.__aenter__() if owned is not None else await _given_api(options)
    try:
        report["seed"] = target.seed
        report["endpoint_costs"] = await _endpoint_costs(target, options)
        phases = ["api alone"] + (["with pipeline"] if options.with_pipeline else [])
        for name in phases:
            result, extra = await _phase(target, options, name)
            report["phases"].append({**extra, **result.as_dict()})
    finally:
        if owned is not None:
            await owned.__aexit__(None, None, None)
    last = report["phases"][-1]
    worst_p99 = max((e["p99_ms"] for e in last["endpoints"]), default=0.0)
    report["verdict"] = {
        "responsive": last["errors"] == 0 and worst_p99 <= options.p99_limit_ms,
        "errors": last["errors"],
        "worst_p99_ms": worst_p99,
        "p99_limit_ms": options.p99_limit_ms,
    }
    return report

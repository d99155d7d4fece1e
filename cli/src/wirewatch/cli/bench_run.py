"""One benchmark run: the embedded stack, subscriptions to a local receiver, the bare limits, phase A (latency) and
phase B (throughput); returns every number as one JSON-able dict (``bench_report`` judges and prints it).

The stack is the one ``wirewatch dev`` runs (``Stack``: nats-server, SecantusDB and each service as its own
process) on free ports with its state in a temporary directory, so a run never touches a developer's stack.
"""

from __future__ import annotations

import asyncio
import os
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from nats.aio.client import Client as NatsClient
from pymongo.asynchronous.collection import AsyncCollection

from wirewatch.runtime import make_mongo_client

from . import bench_bare
from .bench_corpus import BenchArticle, generate
from .bench_metrics import Scrape, load_average, sample_processes, scrape
from .bench_phases import BacklogSampler, BenchError, read_back, submit_at_rate, submit_flat_out, wait_clustered
from .bench_receiver import BenchReceiver
from .bench_results import ProcessTable, corpus_stats, latency_section, throughput_section, webhook_counts
from .bus import connect
from .stack import Stack, log_tail

DB_NAME = "wirewatch_bench"

# (path, filters): one subscription that takes everything and three narrower ones.
SUBSCRIPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/all", {}),
    ("/conflict", {"categories": ["conflict", "unrest"]}),
    ("/countries", {"countries": ["UA", "SD", "NG", "PK", "CO"]}),
    ("/economy-health", {"categories": ["economy", "health", "disaster"]}),
)


# The services' settings for the run: webhooks to the local receiver allowed, the api open and without a write rate
# limit (one client posts hundreds of articles a second), whatever the caller's environment says.
BENCH_ENV = {
    "WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]',
    "WIREWATCH_API_WRITE_RATE_PER_MINUTE": "0",
    "WIREWATCH_API_TOKEN": "",
    "WIREWATCH_API_PROTECT_READS": "false",
}


@dataclass(frozen=True)
class BenchOptions:
    articles: int = 300  # phase B
    rate: float = 20.0  # phase A, articles per second
    latency_seconds: float = 10.0  # phase A length
    concurrency: int = 16  # phase B requests in flight
    seed: int = 8
    stories: int = 60
    bare_seconds: float = 2.0
    bare_enrich_articles: int = 40
    timeout: float = 120.0  # longest wait for a phase's articles to be clustered
    state_dir: Path | None = None

    @property
    def latency_articles(self) -> int:
        return max(1, round(self.rate * self.latency_seconds))


Progress = Callable[[str], None]


def _processes(stack: Stack) -> ProcessTable:
    return {name: asdict(sample) for name, sample in sample_processes(stack.pids()).items()}


async def _subscribe(api: httpx.AsyncClient, receiver: BenchReceiver) -> list[dict[str, Any]]:
    made = []
    for path, filters in SUBSCRIPTIONS:
        response = await api.post(
            "/v1/subscriptions", json={"webhook_url": receiver.url(path), "name": path.strip("/"), "filters": filters}
        )
        if response.status_code != httpx.codes.CREATED:
            raise BenchError(f"could not create subscription {path}: {response.status_code} {response.text}")
        made.append({"path": path, "filters": filters})
    return made


@dataclass
class _Running:
    """What the phases use: the stack and clients connected to it."""

    stack: Stack
    receiver: BenchReceiver
    api: httpx.AsyncClient
    scraper: httpx.AsyncClient
    nc: NatsClient
    articles: AsyncCollection[dict[str, Any]]

    def check_alive(self) -> None:
        """Raise when a service process has ended during the run, with the end of its log."""
        for name, code in self.stack.exited_services().items():
            tail = log_tail(self.stack.log_dir / f"{name}.log")
            raise BenchError(f"service {name} exited with code {code} during the run; last lines of its log:\n{tail}")

    async def sample(self) -> tuple[ProcessTable, Scrape]:
        urls = {name: endpoint.metrics_url for name, endpoint in self.stack.endpoints.items()}
        return _processes(self.stack), await scrape(urls, self.scraper)


class BenchRun:
    def __init__(self, options: BenchOptions, progress: Progress) -> None:
        self.options = options
        self.progress = progress
        self.report: dict[str, Any] = {}

    async def run(self) -> dict[str, Any]:
        options = self.options
        cpu_started = time.process_time()
        corpus = generate(
            options.latency_articles + options.articles,
            seed=options.seed,
            stories=options.stories,
            start=datetime.now(UTC),
        )
        self.report.update(
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            machine={"cpus": os.cpu_count(), "platform": platform.platform(), "load_average_start": load_average()},
            options={k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
            corpus=corpus_stats(corpus, options.stories),
        )
        with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as temp:
            state_dir = options.state_dir or Path(temp)
            receiver = BenchReceiver().start()
            try:
                await self._with_stack(state_dir, receiver, corpus)
            finally:
                receiver.stop()
        self.report["machine"]["load_average_end"] = load_average()
        # The bench's own share of the cores (posting, receiving webhooks, parsing scrapes) competes with the stack.
        self.report["bench_process_cpu_seconds"] = round(time.process_time() - cpu_started, 2)
        return self.report

    async def _with_stack(self, state_dir: Path, receiver: BenchReceiver, corpus: list[BenchArticle]) -> None:
        stack = Stack.on_free_ports(
            state_dir,
            mongo_db=DB_NAME,
            stop_grace=5.0,
            extra_env=BENCH_ENV,
        )
        self.progress("starting nats-server, SecantusDB and the five services")
        started = time.perf_counter()
        worker = await bench_bare.EnrichmentWorker().start() if self.options.bare_enrich_articles else None
        try:
            await asyncio.to_thread(stack.start)
            self.report["stack_start_seconds"] = round(time.perf_counter() - started, 1)
            try:
                await self._measure(stack, receiver, corpus, worker)
                self.report["processes"]["final"] = _processes(stack)
            finally:
                self.progress("stopping the stack")
                await asyncio.to_thread(stack.stop)
        finally:
            if worker is not None:
                await worker.stop()

    async def _measure(
        self,
        stack: Stack,
        receiver: BenchReceiver,
        corpus: list[BenchArticle],
        worker: bench_bare.EnrichmentWorker | None,
    ) -> None:
        options = self.options
        assert stack.api_url is not None
        mongo = make_mongo_client(stack.mongo_url)
        nc = await connect(stack.nats_url, name="bench")
        limits = httpx.Limits(max_connections=options.concurrency + 8)
        try:
            async with (
                httpx.AsyncClient(base_url=stack.api_url, timeout=30, limits=limits) as api,
                httpx.AsyncClient(timeout=5) as scraper,
            ):
                self.report["subscriptions"] = await _subscribe(api, receiver)
                self.report["processes"] = {"ready": _processes(stack)}
                self.progress("measuring the bare limits (JetStream, MongoDB, enrichment)")
                self.report["bare"] = await bench_bare.measure(
                    stack.nats_url,
                    stack.mongo_url,
                    DB_NAME,
                    corpus,
                    seconds=options.bare_seconds,
                    enrich_articles=options.bare_enrich_articles,
                    worker=worker,
                )
                running = _Running(stack, receiver, api, scraper, nc, mongo[DB_NAME]["articles"])
                if await self._phase_a(running, corpus[: options.latency_articles]):
                    await self._phase_b(running, corpus[options.latency_articles :], len(corpus))
                else:
                    self.progress("phase A did not finish in time: phase B skipped")
                self.report["webhooks"] = {
                    "received": len(receiver.snapshot()),
                    "repeats": receiver.repeats,
                    "rejected": receiver.rejected,
                    "by_subscription": webhook_counts(receiver.snapshot()),
                }
        finally:
            await nc.close()
            await mongo.close()

    async def _phase_a(self, running: _Running, articles: list[BenchArticle]) -> bool:
        rate = self.options.rate
        self.progress(f"phase A: {len(articles)} articles at {rate:g}/s")
        before, scrape_before = await running.sample()
        submitted = await submit_at_rate(running.api, articles, rate)
        done = await wait_clustered(
            running.nc, running.articles, len(articles), self.options.timeout, running.check_alive
        )
        await self._settle(running.receiver)
        after, scrape_after = await running.sample()
        readback = await read_back(running.articles, submitted)
        self.report["processes"]["after_latency"] = after
        self.report["latency"] = latency_section(
            rate, submitted, readback, running.receiver.snapshot(), (scrape_before, scrape_after), (before, after)
        )
        self.report["latency"]["finished_in_time"] = done
        return done

    async def _phase_b(self, running: _Running, articles: list[BenchArticle], total: int) -> None:
        concurrency = self.options.concurrency
        self.progress(f"phase B: {len(articles)} articles as fast as the api takes them ({concurrency} in flight)")
        sampler = BacklogSampler(running.nc)
        sampler.start()
        before, scrape_before = await running.sample()
        started = time.time()
        submitted = await submit_flat_out(running.api, articles, concurrency)
        accepted = time.time()
        done = await wait_clustered(running.nc, running.articles, total, self.options.timeout, running.check_alive)
        backlog = await sampler.stop()
        after, scrape_after = await running.sample()
        readback = await read_back(running.articles, submitted)
        self.report["processes"]["after_throughput"] = after
        section = throughput_section(
            submitted, readback, (started, accepted), (scrape_before, scrape_after), (before, after)
        )
        self.report["throughput"] = {
            **section,
            "concurrency": concurrency,
            "finished_in_time": done,
            "backlog": backlog,
        }

    async def _settle(self, receiver: BenchReceiver, quiet: float = 0.5, limit: float = 15.0) -> None:
        """Until no webhook has arrived for ``quiet`` seconds (at most ``limit``): the last ones are on their way."""
        deadline = time.monotonic() + limit
        count = -1
        while time.monotonic() < deadline:
            now = len(receiver.snapshot())
            if now == count:
                return
            count = now
            await asyncio.sleep(quiet)

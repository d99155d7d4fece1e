"""One benchmark run: the embedded stack, subscriptions to a local receiver, the bare limits, phase A (latency) and
phase B (throughput); returns every number as one JSON-able dict (``bench_report`` judges and prints it).

The stack is the one ``wirewatch dev`` runs (``Stack``: nats-server, SecantusDB and each service as its own
process) on free ports with its state in a temporary directory, so a run never touches a developer's stack. The
api's write rate limit is off for the run (the benchmark is one client posting hundreds of articles a second).
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

from wirewatch.runtime import make_mongo_client

from . import bench_bare
from .bench_corpus import BenchArticle, generate
from .bench_metrics import Scrape, hop_table, load_average, sample_processes, scrape
from .bench_phases import (
    BacklogSampler,
    BenchError,
    Readback,
    Submitted,
    latencies,
    read_back,
    submit_at_rate,
    submit_flat_out,
    wait_clustered,
)
from .bench_receiver import BenchReceiver
from .bench_stats import quantile, summary
from .bus import connect
from .stack import SERVICES, Stack

DB_NAME = "wirewatch_bench"

# (path, filters): one subscription that takes everything and three narrower ones.
SUBSCRIPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("/all", {}),
    ("/conflict", {"categories": ["conflict", "unrest"]}),
    ("/countries", {"countries": ["UA", "SD", "NG", "PK", "CO"]}),
    ("/economy-health", {"categories": ["economy", "health", "disaster"]}),
)


@dataclass(frozen=True)
class BenchOptions:
    articles: int = 1000  # phase B
    rate: float = 20.0  # phase A, articles per second
    latency_seconds: float = 20.0  # phase A length
    concurrency: int = 16  # phase B requests in flight
    seed: int = 8
    stories: int = 60
    bare_seconds: float = 2.0
    bare_enrich_articles: int = 150
    timeout: float = 180.0  # longest wait for a phase's articles to be clustered
    state_dir: Path | None = None

    @property
    def latency_articles(self) -> int:
        return max(1, round(self.rate * self.latency_seconds))


Progress = Callable[[str], None]


def _processes(stack: Stack) -> dict[str, dict[str, float]]:
    return {name: asdict(sample) for name, sample in sample_processes(stack.pids()).items()}


def _cpu_delta(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]) -> dict[str, float]:
    return {name: round(after[name]["cpu_seconds"] - before.get(name, {}).get("cpu_seconds", 0.0), 2) for name in after}


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


def _accounting(submitted: list[Submitted], missing: dict[str, list[str]]) -> dict[str, Any]:
    lost = sum(len(ids) for ids in missing.values())
    return {
        "submitted": len(submitted),
        "clustered": len(submitted) - lost,
        "missing": {stage: {"count": len(ids), "examples": ids[:5]} for stage, ids in missing.items()},
    }


def _corpus_stats(corpus: list[BenchArticle], stories: int) -> dict[str, Any]:
    words = [a.words for a in corpus]
    kinds: dict[str, int] = {}
    for article in corpus:
        kinds[article.kind] = kinds.get(article.kind, 0) + 1
    return {
        "articles": len(corpus),
        "stories": stories,
        "kinds": kinds,
        "copy_share": round(1 - kinds.get("original", 0) / max(1, len(corpus)), 3),
        "words": {"median": quantile(words, 0.5), "min": min(words, default=0), "max": max(words, default=0)},
    }


class BenchRun:
    def __init__(self, options: BenchOptions, progress: Progress) -> None:
        self.options = options
        self.progress = progress
        self.report: dict[str, Any] = {}

    async def run(self) -> dict[str, Any]:
        options = self.options
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
            corpus=_corpus_stats(corpus, options.stories),
        )
        with tempfile.TemporaryDirectory(prefix="wirewatch-bench-") as temp:
            state_dir = options.state_dir or Path(temp)
            receiver = BenchReceiver().start()
            try:
                await self._with_stack(state_dir, receiver, corpus)
            finally:
                receiver.stop()
        self.report["machine"]["load_average_end"] = load_average()
        return self.report

    async def _with_stack(self, state_dir: Path, receiver: BenchReceiver, corpus: list[BenchArticle]) -> None:
        stack = Stack(
            state_dir,
            services=SERVICES,
            ports=dict.fromkeys(SERVICES, 0),
            nats_port=0,
            nats_monitor_port=0,
            mongo_port=0,
            mongo_db=DB_NAME,
            extra_env={"WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]', "WIREWATCH_API_WRITE_RATE_PER_MINUTE": "0"},
        )
        self.progress("starting nats-server, SecantusDB and the five services")
        started = time.perf_counter()
        worker = await bench_bare.EnrichmentWorker().start() if self.options.bare_enrich_articles else None
        try:
            await asyncio.to_thread(stack.start)
            self.report["stack_start_seconds"] = round(time.perf_counter() - started, 1)
            try:
                await self._measure(stack, receiver, corpus, worker)
                self.report["processes"] = {"final": _processes(stack), **self.report.get("processes", {})}
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
        metrics_urls = {name: endpoint.metrics_url for name, endpoint in stack.endpoints.items()}
        mongo = make_mongo_client(stack.mongo_url)
        nc = await connect(stack.nats_url, name="bench")
        limits = httpx.Limits(max_connections=options.concurrency + 8)
        try:
            async with (
                httpx.AsyncClient(base_url=stack.api_url, timeout=30, limits=limits) as api,
                httpx.AsyncClient(timeout=5) as scraper,
            ):
                self.report["subscriptions"] = await _subscribe(api, receiver)
                ready = _processes(stack)
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
                articles = mongo[DB_NAME]["articles"]
                phase_a = corpus[: options.latency_articles]
                phase_b = corpus[options.latency_articles :]
                self.progress(f"phase A: {len(phase_a)} articles at {options.rate:g}/s")
                before_a, scrape_a = _processes(stack), await scrape(metrics_urls, scraper)
                submitted_a = await submit_at_rate(api, phase_a, options.rate)
                done_a = await wait_clustered(articles, len(phase_a), options.timeout)
                await self._settle(receiver)
                readback_a = await read_back(articles, submitted_a)
                after_a, scrape_a_end = _processes(stack), await scrape(metrics_urls, scraper)
                self.report["latency"] = self._latency_report(
                    submitted_a, readback_a, receiver, scrape_a, scrape_a_end, before_a, after_a
                )
                self.report["latency"]["finished_in_time"] = done_a

                self.progress(f"phase B: {len(phase_b)} articles as fast as the api takes them")
                sampler = BacklogSampler(nc)
                sampler.start()
                before_b, scrape_b = _processes(stack), await scrape(metrics_urls, scraper)
                started = time.time()
                submitted_b = await submit_flat_out(api, phase_b, options.concurrency)
                accepted = time.time()
                done_b = await wait_clustered(articles, len(corpus), options.timeout)
                backlog = await sampler.stop()
                readback_b = await read_back(articles, submitted_b)
                after_b, scrape_b_end = _processes(stack), await scrape(metrics_urls, scraper)
                self.report["throughput"] = self._throughput_report(
                    submitted_b, readback_b, started, accepted, before_b, after_b
                )
                self.report["throughput"].update(
                    finished_in_time=done_b, backlog=backlog, hops=hop_table(scrape_b, scrape_b_end)
                )
                self.report["webhooks"] = {
                    "received": len(receiver.snapshot()),
                    "repeats": receiver.repeats,
                    "rejected": receiver.rejected,
                    "by_subscription": _by_path(receiver),
                }
                self.report["processes"] = {"ready": ready, "after_latency": after_a, "after_throughput": after_b}
        finally:
            await nc.close()
            await mongo.close()

    async def _settle(self, receiver: BenchReceiver, quiet: float = 1.0, limit: float = 15.0) -> None:
        """Until no webhook has arrived for ``quiet`` seconds (at most ``limit``): the last ones are on their way."""
        deadline = time.monotonic() + limit
        count = -1
        while time.monotonic() < deadline:
            now = len(receiver.snapshot())
            if now == count:
                return
            count = now
            await asyncio.sleep(quiet)

    def _latency_report(
        self,
        submitted: list[Submitted],
        readback: Readback,
        receiver: BenchReceiver,
        scrape_before: Scrape,
        scrape_after: Scrape,
        before: dict[str, dict[str, float]],
        after: dict[str, dict[str, float]],
    ) -> dict[str, Any]:
        found = latencies(submitted, readback, receiver.snapshot())
        span = max(s.sent_at for s in submitted) - min(s.sent_at for s in submitted)
        return {
            "articles": len(submitted),
            "rate": self.options.rate,
            "achieved_rate": round((len(submitted) - 1) / span, 1) if span > 0 else None,
            "accounting": _accounting(submitted, readback.missing),
            "end_to_end_ms": {name: summary(values, scale=1000) for name, values in found.items()},
            "hops": hop_table(scrape_before, scrape_after),
            "cpu_seconds": _cpu_delta(before, after),
        }

    def _throughput_report(
        self,
        submitted: list[Submitted],
        readback: Readback,
        started: float,
        accepted: float,
        before: dict[str, dict[str, float]],
        after: dict[str, dict[str, float]],
    ) -> dict[str, Any]:
        decided = sorted(doc["dedupe"]["decided_at"].timestamp() for doc in readback.docs.values() if "dedupe" in doc)
        count = len(submitted)
        elapsed = (decided[-1] - started) if decided else None
        # The middle 80% of the decisions: the steady rate, without the pipeline filling up and draining.
        low, high = quantile(decided, 0.1), quantile(decided, 0.9)
        steady = 0.8 * len(decided) / (high - low) if low is not None and high is not None and high > low else None
        cpu = _cpu_delta(before, after)
        return {
            "articles": count,
            "concurrency": self.options.concurrency,
            "accounting": _accounting(submitted, readback.missing),
            "accept_per_s": round(count / (accepted - started), 1) if accepted > started else None,
            "seconds": round(elapsed, 2) if elapsed else None,
            "articles_per_s": round(len(decided) / elapsed, 1) if elapsed else None,
            "steady_articles_per_s": round(steady, 1) if steady else None,
            "cpu_seconds": cpu,
            "cpu_ms_per_article": {name: round(1000 * seconds / max(1, count), 2) for name, seconds in cpu.items()},
        }


def _by_path(receiver: BenchReceiver) -> dict[str, int]:
    counts: dict[str, int] = {}
    for arrival in receiver.snapshot():
        counts[arrival.path] = counts.get(arrival.path, 0) + 1
    return counts

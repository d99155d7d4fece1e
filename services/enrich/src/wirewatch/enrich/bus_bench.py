"""The enrich service end to end: ``python -m wirewatch.enrich.bus_bench [--articles N] [--replicas R]``.

Starts a throwaway nats-server and SecantusDB on free ports and R enrich service processes (as deployed: each a
``python -m wirewatch.enrich`` with its own model, sharing the durable pull consumer), waits for their models, then
publishes N ``articles.ingested`` messages at once (the texts of :mod:`wirewatch.enrich.bench`, stored first as
ingest would) and times until N ``articles.enriched`` have come out: the throughput the service sustains while a
backlog is waiting. Both servers run on the same cores, as they do in ``wirewatch dev``.

Besides wall time it reports CPU-seconds per article of the service processes and of the servers (read from
/proc), which other load on the machine changes far less than wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats

from wirewatch.contracts import ARTICLES_ENRICHED, ARTICLES_INGESTED, HEADER_MSG_ID, ArticleIngested
from wirewatch.runtime import EmbeddedMongo, EmbeddedNats, free_port, make_mongo_client, provision_streams

from .bench import _CORPUS, load_articles
from .settings import EnrichSettings

_DB = "bench"
_PUBLISH_CONCURRENCY = 64


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) from /proc; 0.0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def with_children(pids: list[int]) -> list[int]:
    """``pids`` and their child processes (the NLP process each service starts)."""
    found = list(pids)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid in pids:
            found.append(int(stat.parent.name))
    return found


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


async def _serve(settings: dict[str, Any], ready: Any, stop: Any, results: Any) -> None:
    from .main import create_service  # noqa: PLC0415 - in the service process only

    service = create_service(EnrichSettings(**settings))
    await service.start()
    try:
        await service.loader.get()  # the model load is not part of the throughput
        ready.set()
        await asyncio.to_thread(stop.wait)
        registry = service.registry
        results.put({
            "nlp_seconds": registry.get_sample_value("wirewatch_enrich_nlp_seconds_sum") or 0.0,
            "nlp_batches": registry.get_sample_value("wirewatch_enrich_batch_size_count") or 0.0,
            "nlp_articles": registry.get_sample_value("wirewatch_enrich_batch_size_sum") or 0.0,
        })  # fmt: skip
    finally:
        await service.stop()


def _service_process(settings: dict[str, Any], ready: Any, stop: Any, results: Any) -> None:
    asyncio.run(_serve(settings, ready, stop, results))


def _messages(articles: list[tuple[str, str]]) -> list[ArticleIngested]:
    now = datetime.now(UTC)
    return [
        ArticleIngested(
            article_id=f"bench{i:019d}", revision=1, title=title, text=body, content_hash=f"h{i}", ingested_at=now
        )
        for i, (title, body) in enumerate(articles)
    ]


async def _store_articles(messages: list[ArticleIngested], mongo_url: str) -> None:
    """The article documents, as ingest stores them before it publishes."""
    mongo = make_mongo_client(mongo_url)
    try:
        await mongo[_DB]["articles"].insert_many(
            [{"_id": m.article_id, "title": m.title, "text": m.text, "revision": 1} for m in messages]
        )
    finally:
        await mongo.close()


async def _publish_and_wait(messages: list[ArticleIngested], nats_url: str) -> tuple[float, int]:
    """Publish all messages, wait until all are enriched: (seconds, enriched)."""
    nc = await nats.connect(nats_url)
    done = asyncio.Event()
    received: set[str] = set()

    async def on_enriched(msg: Any) -> None:
        received.add(msg.headers.get(HEADER_MSG_ID, "") if msg.headers else "")
        if len(received) >= len(messages):
            done.set()

    await nc.subscribe(ARTICLES_ENRICHED, cb=on_enriched)
    js = nc.jetstream()
    started = time.perf_counter()
    try:
        for i in range(0, len(messages), _PUBLISH_CONCURRENCY):
            await asyncio.gather(*(
                js.publish(ARTICLES_INGESTED, m.model_dump_json().encode(), headers={HEADER_MSG_ID: m.article_id})
                for m in messages[i : i + _PUBLISH_CONCURRENCY]
            ))  # fmt: skip
        await asyncio.wait_for(done.wait(), timeout=600)
    finally:
        seconds = time.perf_counter() - started
        await nc.close()
    return seconds, len(received)


def run_bus_bench(
    articles: list[tuple[str, str]], *, replicas: int, batch: int | None, workdir: Path
) -> dict[str, Any]:
    load_start = round(os.getloadavg()[0], 2)
    bus = EmbeddedNats(workdir / "nats", free_port(), free_port())
    db = EmbeddedMongo(workdir / "mongo", free_port())
    bus.start()
    db.start()
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    settings: dict[str, Any] = {"nats_url": bus.url, "mongo_url": db.url, "mongo_db": _DB}
    if batch is not None:
        settings["batch_size"] = batch
    processes = []
    try:
        asyncio.run(_provision(bus.url))
        ready = [context.Event() for _ in range(replicas)]
        for event in ready:
            process = context.Process(target=_service_process, args=(settings, event, stop, results))
            process.start()
            processes.append(process)
        for event in ready:
            if not event.wait(timeout=180):
                raise RuntimeError("an enrich service did not load its model within 180 s")
        messages = _messages(articles)
        asyncio.run(_store_articles(messages, db.url))
        pids: dict[str, list[int]] = {
            "service": with_children([p.pid for p in processes if p.pid is not None]),
            "nats": [bus.pid] if bus.pid else [],
            "db": [db.pid] if db.pid else [],
        }
        cpu_before = {role: sum(cpu_seconds(pid) for pid in ids) for role, ids in pids.items()}
        seconds, received = asyncio.run(_publish_and_wait(messages, bus.url))
        cpu = {role: sum(cpu_seconds(pid) for pid in ids) - cpu_before[role] for role, ids in pids.items()}
        service_rss = [rss_mb(pid) for pid in pids["service"]]
        stop.set()
        stats = [results.get(timeout=60) for _ in processes]
    finally:
        stop.set()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        db.stop()
        bus.stop()
    words = sum(len(f"{title}\n\n{body}".split()) for title, body in articles)
    nlp_seconds = sum(s["nlp_seconds"] for s in stats)
    batches = sum(s["nlp_batches"] for s in stats)
    return {
        "articles": len(articles),
        "enriched": received,
        "replicas": replicas,
        "batch_size": EnrichSettings(**settings).batch_size,
        "seconds": round(seconds, 2),
        "articles_per_s": round(received / seconds, 1),
        "words_per_s": round(words / seconds),
        "cpu_seconds": {role: round(value, 2) for role, value in cpu.items()},
        # Load-robust: what one article costs the service processes, and the servers on the same cores.
        "cpu_ms_per_article": {role: round(value / max(received, 1) * 1e3, 2) for role, value in cpu.items()},
        "articles_per_service_cpu_s": round(received / cpu["service"], 1) if cpu["service"] else None,
        # Wall time inside Enricher.enrich_many (summed over replicas) against the run's wall time.
        "nlp_share_of_wall": round(nlp_seconds / seconds / replicas, 3),
        "nlp_batches": int(batches),
        "articles_per_nlp_batch": round(sum(s["nlp_articles"] for s in stats) / batches, 1) if batches else None,
        "service_rss_mb": service_rss,
        "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)},
        "cpus": os.cpu_count(),
    }


async def _provision(nats_url: str) -> None:
    nc = await nats.connect(nats_url)
    try:
        await provision_streams(nc.jetstream())
    finally:
        await nc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wirewatch.enrich.bus_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--replicas", type=int, default=1, help="enrich service processes (default 1)")
    parser.add_argument("--batch-size", type=int, default=None, help="WIREWATCH_ENRICH_BATCH_SIZE (default: its own)")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("WIREWATCH_DATA_DIR", "../shared/data")))
    args = parser.parse_args(argv)
    if not (args.data_dir / _CORPUS).is_file():
        print(f"error: {args.data_dir / _CORPUS} not found (set WIREWATCH_DATA_DIR)", file=sys.stderr)  # noqa: T201
        return 2
    articles = load_articles(args.data_dir, args.articles)
    with tempfile.TemporaryDirectory(prefix="wirewatch-enrich-bench-") as tmp:
        report = run_bus_bench(articles, replicas=args.replicas, batch=args.batch_size, workdir=Path(tmp))
    print(json.dumps(report, indent=2))  # noqa: T201 - the report is the output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Throughput and memory of enrichment: ``python -m wirewatch.enrich.bench [--articles N] [--rounds R]``.

Measures, on the same texts in the same process, (1) bare spaCy NER (``nlp.pipe`` over the NER-only pipeline the
service loads) and (2) the service path, :meth:`Enricher.enrich_many` in batches of the service's pull batch size
(language id, NER, gazetteer, places, classifier, actors, keywords, tone, summary: everything the handler waits
for before it stores and publishes). Rounds alternate between the two and the best round of each is reported, so
load from other processes on the machine penalises both alike. Texts: real news from the ECB+ corpus in
``$WIREWATCH_DATA_DIR/clustering`` (default ``../shared/data``), cut to a headline plus 400 words.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .enricher import Enricher, load_pipeline

_CORPUS = "clustering/ecbplus_train_dev.jsonl"
_BODY_WORDS = 400
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def load_articles(data_dir: Path, limit: int) -> list[tuple[str, str]]:
    """(headline, 400-word body) pairs: a document's first sentence (at most 20 words) and the words after it,
    continued into the next documents of the corpus when the document is shorter than 400 words."""
    docs = [json.loads(line)["text"] for line in (data_dir / _CORPUS).read_text(encoding="utf-8").splitlines()]
    articles: list[tuple[str, str]] = []
    for i, text in enumerate(docs[:limit]):
        title = _SENTENCE.split(text.strip(), maxsplit=1)[0].split()[:20]
        body = text.split()[len(title) :]
        j = i + 1
        while len(body) < _BODY_WORDS and j < len(docs):
            body += docs[j].split()
            j += 1
        articles.append((" ".join(title), " ".join(body[:_BODY_WORDS])))
    return articles


def memory_mb() -> dict[str, float]:
    """Resident memory now and at its peak (Linux /proc), in MiB."""
    values: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                values["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(int(rest.split()[0]) / 1024, 1)
    except OSError:
        pass
    return values


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): CPU time shows the cost when other processes share the cores."""
    started, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - started, time.process_time() - cpu


def run_bench(articles: list[tuple[str, str]], *, rounds: int, batch_size: int) -> dict[str, Any]:
    load_start = round(os.getloadavg()[0], 2)
    before = memory_mb()
    started = time.perf_counter()
    enricher = Enricher.load()
    nlp = load_pipeline()
    load_seconds = time.perf_counter() - started
    texts = [f"{title}\n\n{body}" for title, body in articles]
    words = sum(len(t.split()) for t in texts)
    items: list[tuple[str, str, str | None]] = [(title, body, None) for title, body in articles]

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=batch_size):
            pass

    def service() -> None:
        for i in range(0, len(items), batch_size):
            enricher.enrich_many(items[i : i + batch_size])

    enricher.enrich_many(items[:batch_size])  # warm-up: first-call costs (vocab growth, regex compiles)
    bare_times, service_times = [], []
    for _ in range(rounds):
        bare_times.append(_timed(bare))
        service_times.append(_timed(service))
    bare_best, service_best = min(w for w, _ in bare_times), min(w for w, _ in service_times)
    # CPU time is what other processes' load changes least: the best round of each, and their ratio.
    bare_cpu, service_cpu = min(c for _, c in bare_times), min(c for _, c in service_times)
    return {
        "articles": len(texts),
        "words_per_article": round(words / len(texts), 1),
        "batch_size": batch_size,
        "rounds": rounds,
        "load_seconds": round(load_seconds, 2),
        "bare_ner": {
            "articles_per_s": round(len(texts) / bare_best, 1),
            "words_per_s": round(words / bare_best),
            "articles_per_cpu_s": round(len(texts) / bare_cpu, 1),
        },
        "service_path": {
            "articles_per_s": round(len(texts) / service_best, 1),
            "words_per_s": round(words / service_best),
            "articles_per_cpu_s": round(len(texts) / service_cpu, 1),
        },
        "service_vs_bare_ner": round(bare_best / service_best, 3),
        "service_vs_bare_ner_cpu": round(bare_cpu / service_cpu, 3),
        "cpu_ms_per_article": {
            "bare_ner": round(bare_cpu / len(texts) * 1e3, 2),
            "service_path": round(service_cpu / len(texts) * 1e3, 2),
        },
        "memory": {"before_load": before, "after": memory_mb()},
        "cpus": os.cpu_count(),
        "load_average_1m": {"start": load_start, "end": round(os.getloadavg()[0], 2)},
    }


def _replica(articles: list[tuple[str, str]], batch_size: int, start: Any) -> tuple[float, float]:
    """One replica's service path over ``articles``, started together with the others."""
    enricher = Enricher.load()
    items: list[tuple[str, str, str | None]] = [(title, body, None) for title, body in articles]
    enricher.enrich_many(items[:batch_size])
    start.wait()

    def service() -> None:
        for i in range(0, len(items), batch_size):
            enricher.enrich_many(items[i : i + batch_size])

    return _timed(service)


def run_replicas(articles: list[tuple[str, str]], *, replicas: int, batch_size: int) -> dict[str, Any]:
    """``replicas`` processes (as the service scales out: one process per core, n_process=1 each) enriching the
    same articles at the same time; throughput is all their articles over the slowest one's wall time."""
    import multiprocessing  # noqa: PLC0415 - only this mode needs it

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(replicas) as pool:
        start = manager.Barrier(replicas)
        results = pool.starmap(_replica, [(articles, batch_size, start)] * replicas)
    wall = max(r[0] for r in results)
    words = sum(len(f"{t}\n\n{b}".split()) for t, b in articles)
    return {
        "replicas": replicas,
        "articles": len(articles) * replicas,
        "articles_per_s": round(len(articles) * replicas / wall, 1),
        "words_per_s": round(words * replicas / wall),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wirewatch.enrich.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16, help="the service's pull batch size (default 16)")
    parser.add_argument("--replicas", type=int, default=0, help="also run N service processes side by side")
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("WIREWATCH_DATA_DIR", "../shared/data")))
    args = parser.parse_args(argv)
    if not (args.data_dir / _CORPUS).is_file():
        print(f"error: {args.data_dir / _CORPUS} not found (set WIREWATCH_DATA_DIR)", file=sys.stderr)  # noqa: T201
        return 2
    articles = load_articles(args.data_dir, args.articles)
    report = run_bench(articles, rounds=args.rounds, batch_size=args.batch_size)
    if args.replicas > 1:
        report["scale_out"] = run_replicas(articles, replicas=args.replicas, batch_size=args.batch_size)
    print(json.dumps(report, indent=2))  # noqa: T201 - the report is the output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

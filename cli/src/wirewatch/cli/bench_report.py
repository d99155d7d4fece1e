"""Judging and showing a benchmark run: the issue's targets (met or not), the bottleneck when one is missed, the
ratios to the bare limits, and rich tables of every number (the JSON report holds the same and more).

Targets (issue 8, on the 2-core reference machine): >= 100 articles/s sustained with full enrichment; p99 from ingest
to event stored and to webhook <= 500 ms at 20 articles/s; pipeline throughput >= 0.8 x bare enrichment.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

MIN_ARTICLES_PER_S = 100.0
MAX_P99_MS = 500.0
MIN_BARE_ENRICH_RATIO = 0.8


def _get(report: dict[str, Any], *path: str) -> Any:
    value: Any = report
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _ratio(a: float | None, b: float | None) -> float | None:
    return float(f"{a / b:.3g}") if a and b else None


def ratios(report: dict[str, Any]) -> dict[str, float | None]:
    """The pipeline next to the bare limits measured in the same run (load on the machine hits both)."""
    pipeline = _get(report, "throughput", "articles_per_s")
    enrich_cpu_ms = _get(report, "throughput", "cpu_ms_per_article", "enrich")
    bare_per_cpu_s = _get(report, "bare", "enrichment", "articles_per_cpu_s")
    return {
        "pipeline_vs_bare_enrichment": _ratio(pipeline, _get(report, "bare", "enrichment", "articles_per_s")),
        # Load-robust: the enrich service's CPU per article against the bare Enricher's, both in CPU seconds.
        "bare_enrich_cpu_vs_service_cpu": _ratio(1000 / bare_per_cpu_s if bare_per_cpu_s else None, enrich_cpu_ms),
        "pipeline_vs_jetstream_publish": _ratio(pipeline, _get(report, "bare", "jetstream", "publish_per_s")),
        "pipeline_vs_mongo_upsert": _ratio(pipeline, _get(report, "bare", "mongo", "upsert_per_s")),
    }


def _cores(report: dict[str, Any]) -> dict[str, float]:
    seconds = _get(report, "throughput", "seconds") or 0
    cpu = _get(report, "throughput", "cpu_seconds") or {}
    return {name: round(value / seconds, 2) for name, value in cpu.items()} if seconds else {}


def cpu_capacity(report: dict[str, Any]) -> dict[str, float]:
    """Articles/s each process could take on one whole core, from its CPU per article in phase B (load-robust:
    CPU time does not grow when other processes share the cores). Every process here is single-threaded."""
    per_article: dict[str, float] = _get(report, "throughput", "cpu_ms_per_article") or {}
    return {name: round(1000 / ms, 1) for name, ms in per_article.items() if ms > 0}


def throughput_bottleneck(report: dict[str, Any]) -> str:
    """The process with the least capacity per core, the queue that grew most and who kept the database busy."""
    parts = []
    capacity = sorted(cpu_capacity(report).items(), key=lambda item: item[1])
    if capacity:
        name, value = capacity[0]
        ms = _get(report, "throughput", "cpu_ms_per_article", name)
        parts.append(f"{name}: {ms} ms CPU per article, at most {value:g} articles/s on a core")
    backlog: dict[str, dict[str, float]] = _get(report, "throughput", "backlog") or {}
    if backlog and max(v["peak"] for v in backlog.values()) > 0:
        consumer, worst = max(backlog.items(), key=lambda item: item[1]["peak"])
        parts.append(f"queue: {consumer} backlog peaked at {worst['peak']:.0f}")
    database: dict[str, dict[str, float]] = _get(report, "throughput", "database") or {}
    if database:
        command, row = next(iter(database.items()))
        parts.append(f"most database time: {command} ({row['count']} x {row['mean_ms']} ms)")
    return "; ".join(parts) or "nothing measured"


def latency_bottleneck(report: dict[str, Any]) -> str:
    """The service where phase A's articles spent the most time at p99 (waiting for it plus being processed)."""
    hops: dict[str, dict[str, dict[str, Any]]] = _get(report, "latency", "hops") or {}
    spent = {
        service: (parts.get("hop", {}).get("p99") or 0) + (parts.get("processing", {}).get("p99") or 0)
        for service, parts in hops.items()
    }
    if not spent:
        return "no per-hop metrics"
    service = max(spent, key=lambda name: spent[name])
    parts = hops[service]
    wait, processing = parts.get("hop", {}).get("p99"), parts.get("processing", {}).get("p99")
    found = [f"{service} (p99 wait {wait} ms + p99 processing {processing} ms)"]
    # A service that waits may be waiting on the database: say what the busiest process cost per article.
    cpu: dict[str, float] = _get(report, "latency", "cpu_seconds") or {}
    articles = _get(report, "latency", "articles") or 0
    if cpu and articles:
        busiest = max(cpu, key=lambda name: cpu[name])
        found.append(f"most CPU per article: {busiest} {1000 * cpu[busiest] / articles:.0f} ms")
    database: dict[str, dict[str, float]] = _get(report, "latency", "database") or {}
    if database:
        command, row = next(iter(database.items()))
        found.append(f"most database time: {command} ({row['count']} x {row['mean_ms']} ms)")
    return "; ".join(found)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rate = _get(report, "latency", "rate")
    rows = [
        ("sustained throughput, articles/s", _get(report, "throughput", "articles_per_s"), ">=", MIN_ARTICLES_PER_S),
        (f"p99 ingest -> event stored at {rate}/s, ms", _get(report, "latency", "end_to_end_ms", "event_stored", "p99"),
         "<=", MAX_P99_MS),
        (f"p99 ingest -> webhook at {rate}/s, ms", _get(report, "latency", "end_to_end_ms", "webhook", "p99"),
         "<=", MAX_P99_MS),
        ("pipeline / bare enrichment throughput", ratios(report)["pipeline_vs_bare_enrichment"], ">=",
         MIN_BARE_ENRICH_RATIO),
    ]  # fmt: skip
    judged = []
    for name, value, op, goal in rows:
        met = value is not None and (value >= goal if op == ">=" else value <= goal)
        row: dict[str, Any] = {"target": name, "value": value, "goal": f"{op} {goal:g}", "met": met}
        if not met:
            row["bottleneck"] = latency_bottleneck(report) if "p99" in name else throughput_bottleneck(report)
        judged.append(row)
    return judged


def judge(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its ratios and targets added."""
    report["ratios"] = ratios(report)
    report.setdefault("throughput", {})["cpu_capacity_articles_per_s"] = cpu_capacity(report)
    report["targets"] = targets(report)
    return report


def _ms(part: dict[str, Any] | None) -> str:
    if not part or not part.get("count"):
        return "-"
    return f"{part.get('p50')} / {part.get('p95')} / {part.get('p99')}"


def render(report: dict[str, Any], console: Console) -> None:
    machine = report.get("machine", {})
    corpus = report.get("corpus", {})
    console.print(
        f"[bold]wirewatch bench[/] {report.get('started_at')}  {machine.get('cpus')} cores  load average "
        f"{', '.join(f'{v:.1f}' for v in machine.get('load_average_start', []))} -> "
        f"{', '.join(f'{v:.1f}' for v in machine.get('load_average_end', []))}  corpus {corpus.get('articles')} "
        f"articles, {corpus.get('stories')} stories, {corpus.get('copy_share', 0):.0%} copies, median "
        f"{corpus.get('words', {}).get('median')} words",
        highlight=False,
    )
    phase_a = report.get("latency", {})
    latency = Table(title=f"Phase A: {phase_a.get('articles')} articles at {phase_a.get('rate')}/s", box=box.SIMPLE)
    for column in ("from the post to", "articles", "p50 / p95 / p99 ms", "max ms"):
        latency.add_column(column)
    for name, part in phase_a.get("end_to_end_ms", {}).items():
        latency.add_row(name.replace("_", " "), str(part.get("count")), _ms(part), str(part.get("max")))
    console.print(latency)

    hops = Table(title="Per hop (phase A, from the services' histograms)", box=box.SIMPLE)
    for column in ("service", "wait for pick-up p50/p95/p99 ms", "processing p50/p95/p99 ms", "ingest -> done p99"):
        hops.add_column(column)
    for service, parts in phase_a.get("hops", {}).items():
        hops.add_row(service, _ms(parts.get("hop")), _ms(parts.get("processing")),
                     str(parts.get("end_to_end", {}).get("p99", "-")))  # fmt: skip
    console.print(hops)

    phase_b = report.get("throughput", {})
    console.print(
        f"[bold]Phase B:[/] {phase_b.get('accounting', {}).get('clustered')} of {phase_b.get('articles')} articles "
        f"clustered in {phase_b.get('seconds')} s: [bold]{phase_b.get('articles_per_s')} articles/s[/] (steady "
        f"{phase_b.get('steady_articles_per_s')}/s; the api accepted {phase_b.get('accept_per_s')}/s)",
        highlight=False,
    )
    processes = Table(title="Processes", box=box.SIMPLE)
    columns = ("process", "CPU s A", "CPU s B", "CPU ms/art. B", "art./s per core", "cores B", "RSS MiB", "peak MiB")
    for column in columns:
        processes.add_column(column, justify="right")
    capacity = cpu_capacity(report)
    cores = _cores(report)
    final = report.get("processes", {}).get("final", {})
    for name, sample in final.items():
        processes.add_row(
            name,
            str(phase_a.get("cpu_seconds", {}).get(name, "-")),
            str(phase_b.get("cpu_seconds", {}).get(name, "-")),
            str(phase_b.get("cpu_ms_per_article", {}).get(name, "-")),
            str(capacity.get(name, "-")),
            str(cores.get(name, "-")),
            str(sample.get("rss_mb")),
            str(sample.get("peak_rss_mb")),
        )
    total = sum(phase_b.get("cpu_ms_per_article", {}).values())
    processes.add_row("all", "", "", f"{total:.1f}", "", f"{sum(cores.values()):.2f}", "", "")
    console.print(processes)
    database = Table(title="Database time by service and command (phase B, top 6)", box=box.SIMPLE)
    for column in ("service command", "count", "mean ms", "seconds"):
        database.add_column(column, justify="right")
    for command, row in list(phase_b.get("database", {}).items())[:6]:
        database.add_row(command, str(row["count"]), str(row["mean_ms"]), str(row["seconds"]))
    console.print(database)
    _render_bare(report, console)
    _render_targets(report, console)


def _render_bare(report: dict[str, Any], console: Console) -> None:
    bare = report.get("bare", {})
    table = Table(title=f"Bare limits ({bare.get('seconds_each')} s each) and ratios", box=box.SIMPLE)
    table.add_column("measure")
    table.add_column("value", justify="right")
    js, mongo, enrich = bare.get("jetstream", {}), bare.get("mongo", {}), bare.get("enrichment", {})
    table.add_row(f"JetStream publish ({js.get('message_bytes')} B), msg/s", str(js.get("publish_per_s")))
    table.add_row("JetStream pull consume + ack, msg/s", str(js.get("consume_per_s")))
    table.add_row(f"MongoDB insert_one x{mongo.get('concurrency')}, docs/s", str(mongo.get("insert_per_s")))
    table.add_row(f"MongoDB upsert x{mongo.get('concurrency')}, docs/s", str(mongo.get("upsert_per_s")))
    table.add_row("MongoDB bulk upsert, docs/s", str(mongo.get("bulk_upsert_per_s")))
    if enrich:
        table.add_row(f"bare enrichment ({enrich.get('articles')} articles), articles/s", str(enrich["articles_per_s"]))
        table.add_row("bare enrichment, articles per CPU second", str(enrich.get("articles_per_cpu_s")))
        table.add_row("bare spaCy NER only, articles/s", str(enrich.get("bare_ner_articles_per_s")))
    for name, value in report.get("ratios", {}).items():
        table.add_row(name.replace("_", " "), "-" if value is None else f"{value:g}")
    console.print(table)


def _render_targets(report: dict[str, Any], console: Console) -> None:
    table = Table(title="Targets", box=box.SIMPLE)
    for column in ("target", "measured", "goal", "", "bottleneck"):
        table.add_column(column)
    for row in report.get("targets", []):
        verdict = "[green]met[/]" if row["met"] else "[red]not met[/]"
        table.add_row(row["target"], str(row["value"]), row["goal"], verdict, row.get("bottleneck", ""))
    console.print(table)
    for phase in ("latency", "throughput"):
        missing = _get(report, phase, "accounting", "missing")
        if missing:
            console.print(f"[bold red]{phase}: articles missing:[/] {missing}", highlight=False)

"""Resident memory and CPU time of every service, the numbers the resource requests in deploy/k8s are sized on.

Starts the whole stack on free ports (embedded nats-server and SecantusDB, every service its own process),
reads each process tree's resident memory once all are ready, pushes the CLI's demo corpus through the api,
waits for the pipeline to settle and reads memory and CPU time again. Linux only (/proc).

    .venv/bin/python deploy/measure_memory.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from importlib import resources
from pathlib import Path

from wirewatch.cli.stack import Stack

SERVICES = ("ingest", "enrich", "dedupe", "notify", "api")
# The fields POST /v1/articles accepts; the demo corpus carries more (its story labels).
ARTICLE_FIELDS = {"url", "title", "text", "published_at", "source", "lang"}
SETTLE_SECONDS = 20.0


def resident_mib(pid: int) -> int:
    """Resident memory of a process and its descendants (ingest's extraction workers), in MiB."""
    total_kib, pending = 0, [pid]
    while pending:
        current = pending.pop()
        proc = Path("/proc") / str(current)
        try:
            status = (proc / "status").read_text()
            for task in (proc / "task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        total_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return total_kib // 1024


def cpu_seconds(pid: int) -> float:
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks of 1/100 s


def demo_articles() -> list[dict[str, object]]:
    text = resources.files("wirewatch.cli").joinpath("demo_articles.jsonl").read_text(encoding="utf-8")
    return [{k: v for k, v in json.loads(line).items() if k in ARTICLE_FIELDS} for line in text.splitlines() if line]


def report(label: str, values: dict[str, int] | dict[str, float]) -> None:
    sys.stdout.write(f"{label:<24} {json.dumps(values)}\n")


def main() -> None:
    with Stack(
        Path(tempfile.mkdtemp()),
        services=SERVICES,
        ports=dict.fromkeys(SERVICES, 0),
        nats_port=0,
        nats_monitor_port=0,
        mongo_port=0,
    ) as stack:
        pids = stack.pids()
        time.sleep(5)
        report("resident MiB, ready", {name: resident_mib(pid) for name, pid in pids.items()})
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        articles = demo_articles()
        request = urllib.request.Request(  # noqa: S310 - our own api on loopback
            f"{stack.api_url}/v1/articles",
            data=json.dumps(articles).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own api on loopback
            response.read()
        time.sleep(SETTLE_SECONDS)
        report("resident MiB, after load", {name: resident_mib(pid) for name, pid in pids.items()})
        spent = {name: round(cpu_seconds(pid) - before[name], 2) for name, pid in pids.items()}
        report(f"CPU s, {len(articles)} articles", spent)


if __name__ == "__main__":
    main()

"""Fault tests: the whole pipeline (every service its own process) keeps every article through crashes and restarts.

While a generated corpus flows in, each service in turn is killed with SIGKILL and restarted, nats-server is
restarted on its JetStream store, the database is restarted on its data, the database goes away for 30 seconds,
and poison payloads are published onto the article subjects. Afterwards the ledger must show no loss: every
article stored once per canonical URL and decided, every event's current version published, every subscription's
receiver holding every matching webhook, the dead letters holding exactly the poison, no consumer with pending or
unacknowledged messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

import httpx
import pytest

from .conftest import ARTICLES, OUTAGE_SECONDS, RATE, SETTLE_TIMEOUT, TEST_TIMEOUT, ChaosRun
from .corpus import Submission, build_corpus
from .feeder import Feeder

pytestmark = [
    pytest.mark.connected,
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.chaos,
    pytest.mark.timeout(TEST_TIMEOUT),
]


async def _during(feeder: Feeder, chunk: Sequence[Submission], fault: Callable[[], float]) -> float:
    """Start feeding ``chunk``; inject the fault while it flows; returns the fault's recovery seconds."""
    feeding = asyncio.create_task(feeder.feed(chunk))
    await asyncio.sleep(min(1.0, 0.3 * len(chunk) / RATE))
    try:
        return await asyncio.to_thread(fault)
    finally:
        await feeding


async def test_crashes_and_server_restarts_lose_nothing(chaos: ChaosRun) -> None:
    corpus = build_corpus(ARTICLES, tag="crash")
    faults = chaos.faults
    # The server restarts first and dedupe (the longest ack wait, 60 s) first among the crashes: a message a fault
    # caught in flight waits out its consumer's ack wait, and those waits then overlap the faults that follow.
    order = ("dedupe", "notify", "ingest", "enrich", "api")
    plan: list[tuple[str, Callable[[], float]]] = [
        ("restart nats-server", faults.restart_nats),
        ("restart database", faults.restart_database),
        *((f"kill -9 {name}", lambda name=name: faults.restart_service(name)) for name in order),
    ]
    chaos.expected_urls |= corpus.canonical_urls
    recovery: dict[str, float] = {}
    started = time.monotonic()
    async with Feeder(chaos.nats_url, chaos.api_url, deadline_seconds=SETTLE_TIMEOUT, rate_per_second=RATE) as feeder:
        for (what, fault), chunk in zip(plan, corpus.chunks(len(plan)), strict=False):
            recovery[what] = round(await _during(feeder, chunk, fault), 2)
            if what == "kill -9 ingest":
                await feeder.poison()  # in the middle of the run, so what follows must flow past it
        chaos.poison += feeder.poison_sent
        retries = feeder.retries
    ledger = chaos.ledger()
    settle = await ledger.wait_settled(len(chaos.expected_urls), timeout=SETTLE_TIMEOUT)
    losses = await ledger.check(frozenset(chaos.expected_urls), chaos.poison)
    chaos.record(
        "crashes_and_restarts",
        {
            "submissions": len(corpus.submissions),
            "faults": list(recovery),
            "recovery_seconds": recovery,
            "settle_after_last_fault_seconds": round(settle, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "client_retries": retries,
            "losses": losses.total,
            "ledger": losses.summary(),
        },
    )
    assert losses.total == 0, losses.summary()
    assert losses.webhooks_expected > 0
    assert losses.webhooks_received >= losses.webhooks_expected


async def _not_ready_times(chaos: ChaosRun, timeout: float) -> dict[str, float]:
    """Seconds until each service's /readyz answers 503, polled from the moment the database went away."""
    started = time.monotonic()

    async def until_not_ready(client: httpx.AsyncClient, url: str) -> float | None:
        while time.monotonic() - started < timeout:
            with contextlib.suppress(httpx.HTTPError):
                answer = await client.get(f"{url}/readyz")
                if answer.status_code == httpx.codes.SERVICE_UNAVAILABLE:
                    assert answer.json()["checks"]["mongo"] != "ok", answer.text
                    return round(time.monotonic() - started, 2)
            await asyncio.sleep(0.2)
        return None

    async with httpx.AsyncClient(timeout=5.0) as client:
        names = list(chaos.stack.endpoints)
        times = await asyncio.gather(*(until_not_ready(client, chaos.stack.endpoints[n].url) for n in names))
    flipped = dict(zip(names, times, strict=True))
    still_ready = sorted(name for name, seconds in flipped.items() if seconds is None)
    assert not still_ready, f"still ready {timeout:.0f}s into the database outage: {still_ready}"
    return {name: seconds for name, seconds in flipped.items() if seconds is not None}


async def _api_read(chaos: ChaosRun) -> httpx.Response:
    await asyncio.sleep(0.5)  # the database has just been stopped; let the api's next read find it gone
    async with httpx.AsyncClient(base_url=chaos.api_url, timeout=15.0) as api:
        return await api.get("/v1/events")


async def test_database_outage_backs_off_and_resumes_without_loss(chaos: ChaosRun) -> None:
    corpus = build_corpus(max(30, ARTICLES // 3), tag="outage", seed=30)
    chaos.expected_urls |= corpus.canonical_urls
    head, tail = corpus.chunks(2)
    async with Feeder(chaos.nats_url, chaos.api_url, deadline_seconds=SETTLE_TIMEOUT, rate_per_second=RATE) as feeder:
        feeding = asyncio.create_task(feeder.feed(head))
        await asyncio.sleep(min(1.0, 0.3 * len(head) / RATE))
        await asyncio.to_thread(chaos.faults.stop_database)
        outage_started = time.monotonic()
        not_ready, read = await asyncio.gather(
            _not_ready_times(chaos, timeout=min(20.0, OUTAGE_SECONDS)), _api_read(chaos)
        )
        # A read the api cannot answer says why and when to come back, rather than "internal error".
        assert read.status_code == httpx.codes.SERVICE_UNAVAILABLE, read.text
        assert read.headers.get("retry-after") == "5"
        await feeding
        # The rest of the corpus arrives while the database is still away: it must wait, not be dead-lettered.
        feeding = asyncio.create_task(feeder.feed(tail))
        await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
        recovered = await asyncio.to_thread(chaos.faults.start_database)
        await feeding
    ledger = chaos.ledger()
    settle = await ledger.wait_settled(len(chaos.expected_urls), timeout=SETTLE_TIMEOUT)
    losses = await ledger.check(frozenset(chaos.expected_urls), chaos.poison)
    chaos.record(
        "database_outage",
        {
            "submissions": len(corpus.submissions),
            "outage_seconds": OUTAGE_SECONDS,
            "not_ready_after_seconds": not_ready,
            "ready_again_after_restart_seconds": round(recovered, 2),
            "settle_after_restart_seconds": round(settle, 1),
            "losses": losses.total,
            "ledger": losses.summary(),
        },
    )
    assert losses.total == 0, losses.summary()

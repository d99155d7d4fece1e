"""The per-endpoint limit, its waiting room and the circuit breaker (timed with a patched monotonic clock)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from wirewatch.notify import endpoints
from wirewatch.notify.endpoints import EndpointGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(endpoints, "time", SimpleNamespace(monotonic=fake))
    return fake


def guard() -> EndpointGuard:
    return EndpointGuard(limit=2, failure_threshold=3, cooldown=30, min_defer=1.0, max_waiting=1)


async def test_an_endpoint_gets_its_limit_one_waits_and_the_rest_are_put_back(clock: Clock):
    g = guard()
    slow = "https://slow.example/hook"
    assert (await g.admit(slow)).decision == "send"
    assert (await g.admit(slow)).decision == "send"
    waiting = asyncio.create_task(g.admit(slow))
    await asyncio.sleep(0)
    assert not waiting.done()
    busy = await g.admit(slow)
    assert busy.decision == "defer"
    assert 1.0 <= busy.delay <= 1.5
    assert (await g.admit("https://fast.example/hook")).decision == "send"  # others are not affected
    g.release(slow, ok=True, latency=10.0)
    assert (await waiting).decision == "send"  # the freed slot went to the waiter
    # Full again (2 in flight), so with the waiting room taken the next one is put back, now for about one of
    # its answers (10 s), not every second.
    second_waiter = asyncio.create_task(g.admit(slow))
    await asyncio.sleep(0)
    assert 10.0 <= (await g.admit(slow)).delay <= 15.0
    second_waiter.cancel()
    await asyncio.gather(second_waiter, return_exceptions=True)


async def test_a_cancelled_waiter_gives_its_place_up(clock: Clock):
    g = guard()
    url = "https://e.example/"
    await g.admit(url)
    await g.admit(url)
    waiting = asyncio.create_task(g.admit(url))
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    g.release(url, ok=True, latency=0.01)
    g.release(url, ok=True, latency=0.01)
    assert g._states[url].in_flight == 0


async def test_failures_in_a_row_open_the_breaker_then_one_probe_decides(clock: Clock):
    g = guard()
    url = "http://dead.example/"
    for _ in range(3):
        assert (await g.admit(url)).decision == "send"
        g.release(url, ok=False, latency=0.01)
    assert g.state(url) == "open"
    skipped = await g.admit(url)
    assert skipped.decision == "skip"
    assert "3 failures" in skipped.reason
    clock.now += 31
    assert g.state(url) == "half-open"
    assert (await g.admit(url)).decision == "send"  # the probe
    assert (await g.admit(url)).decision == "skip"  # only one probe at a time
    g.release(url, ok=False, latency=0.01)
    assert g.state(url) == "open"  # the probe failed: open again for a full cooldown
    clock.now += 31
    assert (await g.admit(url)).decision == "send"
    g.release(url, ok=True, latency=0.01)
    assert g.state(url) == "closed"
    assert (await g.admit(url)).decision == "send"


async def test_a_success_resets_the_count_of_failures(clock: Clock):
    g = guard()
    url = "http://flaky.example/"
    for ok in (False, False, True, False, False):
        await g.admit(url)
        g.release(url, ok=ok, latency=0.01)
    assert g.state(url) == "closed"


async def test_memory_stays_bounded():
    g = EndpointGuard(limit=1, failure_threshold=1, cooldown=30, min_defer=1.0, max_endpoints=10)
    for i in range(100):
        await g.admit(f"http://h{i}.example/")
        g.release(f"http://h{i}.example/", ok=True, latency=0.01)
    assert len(g._states) <= 10

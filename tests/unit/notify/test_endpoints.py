"""The per-endpoint limit and circuit breaker (in memory, so timed with a patched monotonic clock)."""

from __future__ import annotations

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
    return EndpointGuard(limit=2, failure_threshold=3, cooldown=30, min_defer=1.0)


def test_an_endpoint_gets_at_most_its_limit_and_others_are_not_affected(clock: Clock):
    g = guard()
    assert g.admit("https://slow.example/hook").decision == "send"
    assert g.admit("https://slow.example/hook").decision == "send"
    busy = g.admit("https://slow.example/hook")
    assert busy.decision == "defer"
    assert 1.0 <= busy.delay <= 1.5
    assert g.admit("https://fast.example/hook").decision == "send"
    g.release("https://slow.example/hook", ok=True, latency=10.0)
    assert g.admit("https://slow.example/hook").decision == "send"
    # A slow endpoint's extra deliveries come back after about one of its answers, not every second.
    assert 10.0 <= g.admit("https://slow.example/hook").delay <= 15.0


def test_failures_in_a_row_open_the_breaker_then_one_probe_decides(clock: Clock):
    g = guard()
    url = "http://dead.example/"
    for _ in range(3):
        assert g.admit(url).decision == "send"
        g.release(url, ok=False, latency=0.01)
    assert g.state(url) == "open"
    skipped = g.admit(url)
    assert skipped.decision == "skip"
    assert "3 failures" in skipped.reason
    clock.now += 31
    assert g.state(url) == "half-open"
    assert g.admit(url).decision == "send"  # the probe
    assert g.admit(url).decision == "skip"  # only one probe at a time
    g.release(url, ok=False, latency=0.01)
    assert g.state(url) == "open"  # the probe failed: open again for a full cooldown
    clock.now += 31
    assert g.admit(url).decision == "send"
    g.release(url, ok=True, latency=0.01)
    assert g.state(url) == "closed"
    assert g.admit(url).decision == "send"


def test_a_success_resets_the_count_of_failures(clock: Clock):
    g = guard()
    url = "http://flaky.example/"
    for ok in (False, False, True, False, False):
        g.admit(url)
        g.release(url, ok=ok, latency=0.01)
    assert g.state(url) == "closed"


def test_memory_stays_bounded():
    g = EndpointGuard(limit=1, failure_threshold=1, cooldown=30, min_defer=1.0, max_endpoints=10)
    for i in range(100):
        g.admit(f"http://h{i}.example/")
        g.release(f"http://h{i}.example/", ok=True, latency=0.01)
    assert len(g._states) <= 10

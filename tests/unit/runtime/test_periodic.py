"""Periodic: steps repeat, failures do not end the loop, and stop() ends it even when a step swallows the cancel."""

from __future__ import annotations

import asyncio
import logging

import pytest
from prometheus_client import CollectorRegistry

from wirewatch.runtime import Periodic
from wirewatch.runtime._pipeline_gauges import ConsumerLag


async def test_a_step_that_swallows_the_cancellation_still_lets_stop_return():
    """What hung the api teardowns: Python 3.11's wait_for drops a cancel that arrives with the result."""
    loop = asyncio.get_running_loop()
    reply: asyncio.Future[str] = loop.create_future()
    inside = asyncio.Event()
    rounds = 0

    async def request() -> None:  # shaped like nats-py's request: wait_for on the reply future
        nonlocal rounds
        rounds += 1
        inside.set()
        if not reply.done():
            await asyncio.wait_for(reply, 5)

    periodic = Periodic("racy", request, interval=60)
    periodic.start()
    await inside.wait()
    task = periodic._task
    assert task is not None
    reply.set_result("the reply")  # the reply lands ...
    task.cancel()  # ... in the same loop iteration as the cancellation
    await asyncio.sleep(0.05)
    assert not task.done()  # the cancel was swallowed: a `while True` loop would now sleep for 60 s
    async with asyncio.timeout(1):
        await periodic.stop()
    assert task.done()
    assert rounds == 1


async def test_steps_repeat_and_a_failing_step_is_logged_and_retried(caplog: pytest.LogCaptureFixture):
    calls = 0
    thrice = asyncio.Event()

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            thrice.set()
        if calls == 1:
            raise RuntimeError("database away")

    periodic = Periodic("flaky", flaky, interval=0.01)
    with caplog.at_level(logging.WARNING, logger="wirewatch.runtime"):
        periodic.start()
        async with asyncio.timeout(2):
            await thrice.wait()
        await periodic.stop()
    assert not periodic.running
    assert any("flaky failed" in record.getMessage() for record in caplog.records)
    settled = calls
    await asyncio.sleep(0.05)
    assert calls == settled  # nothing runs after stop()


async def test_stop_interrupts_a_long_step_and_is_idempotent():
    started = asyncio.Event()

    async def hang() -> None:
        started.set()
        await asyncio.sleep(3600)

    periodic = Periodic("hang", hang, interval=60)
    periodic.start()
    await started.wait()
    async with asyncio.timeout(1):
        await periodic.stop()
        await periodic.stop()
    await Periodic("never started", hang, interval=1).stop()


async def test_consumer_lag_stops_without_a_connection():
    lag = ConsumerLag(CollectorRegistry(), "enrich", ["ARTICLES"], interval=0.01)

    def no_connection() -> object:
        raise RuntimeError("not connected")

    lag.start(no_connection)  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    async with asyncio.timeout(1):
        await lag.stop()

"""Per-endpoint isolation: a concurrency limit and a circuit breaker for each webhook endpoint.

An endpoint is a webhook URL (or a NATS subject). Without these, one endpoint that hangs would hold every
delivery slot and one that is down would be hammered by every retry while everybody else waits:

- at most ``limit`` requests to one endpoint at a time. The next ``limit`` wait in memory for a free slot (a
  healthy endpoint answers in milliseconds, so they go out almost at once); beyond that a request is put back on
  the queue for about as long as the endpoint takes to answer (not an attempt), so a slow endpoint's backlog
  neither holds many workers nor spins;
- after ``failure_threshold`` failures in a row the breaker opens: for ``cooldown`` seconds deliveries to it
  are not sent (each is recorded as a skipped attempt and follows the retry schedule), then one probe is let
  through (half-open); its success closes the breaker, its failure opens it again.

State is in memory, per notify replica: it protects this process's workers, which is what it is for.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

BreakerState = Literal["closed", "open", "half-open"]
# How much a new latency sample moves the average: a few requests are enough to notice a slowdown.
_EWMA_WEIGHT = 0.3
_MAX_DEFER_SECONDS = 60.0


@dataclass(slots=True)
class EndpointState:
    in_flight: int = 0
    waiters: deque[asyncio.Future[None]] = field(default_factory=deque)
    consecutive_failures: int = 0
    opened_at: float | None = None
    probing: bool = False
    latency: float = 0.0
    last_used: float = field(default_factory=time.monotonic)


@dataclass(frozen=True, slots=True)
class Admission:
    """What to do with one delivery now: send it, skip it (breaker open) or put it back for ``delay`` seconds."""

    decision: Literal["send", "skip", "defer"]
    delay: float = 0.0
    reason: str = ""


class EndpointGuard:
    def __init__(
        self,
        *,
        limit: int,
        failure_threshold: int,
        cooldown: float,
        min_defer: float,
        max_waiting: int | None = None,
        max_endpoints: int = 100_000,
    ) -> None:
        self._limit = limit
        self._max_waiting = limit if max_waiting is None else max_waiting
        self._threshold = failure_threshold
        self._cooldown = cooldown
        self._min_defer = min_defer
        self._max_endpoints = max_endpoints
        self._states: dict[str, EndpointState] = {}

    def state(self, endpoint: str) -> BreakerState:
        found = self._states.get(endpoint)
        if found is None or found.opened_at is None:
            return "closed"
        return "half-open" if time.monotonic() - found.opened_at >= self._cooldown else "open"

    async def admit(self, endpoint: str, *, times_deferred: int = 0) -> Admission:
        """Decide, and when the answer is "send", hold one of the endpoint's slots until :meth:`release`.

        ``times_deferred``: how often this request was put back already; each time it waits one answer's time
        longer, so a slow endpoint's backlog comes back ever more rarely instead of all of it every few seconds.
        """
        state = self._state(endpoint)
        now = time.monotonic()
        state.last_used = now
        if state.opened_at is not None:
            if now - state.opened_at < self._cooldown or state.probing:
                return Admission("skip", reason=f"circuit open after {state.consecutive_failures} failures in a row")
            state.probing = True  # half-open: this one request finds out whether the endpoint is back
            state.in_flight += 1
            return Admission("send")
        if state.in_flight < self._limit:
            state.in_flight += 1
            return Admission("send")
        if len(state.waiters) < self._max_waiting:
            slot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            state.waiters.append(slot)
            try:
                await slot  # release() hands over its slot
            except asyncio.CancelledError:
                if slot.done() and not slot.cancelled():
                    self._hand_back(state)  # it had been given the slot: pass it on
                else:
                    state.waiters.remove(slot)
                raise
            return Admission("send")
        # Back after about one answer's time (more for a request put back before), spread so that the backlog
        # does not return as one wave.
        wait = max(self._min_defer, state.latency) * (1 + times_deferred)
        delay = min(_MAX_DEFER_SECONDS, wait) * random.uniform(1.0, 1.5)  # noqa: S311
        return Admission("defer", delay=delay, reason=f"{state.in_flight} requests in flight")

    def release(self, endpoint: str, *, ok: bool, latency: float, sent: bool = True) -> None:
        """Give the slot back and count the request; ``ok`` False for timeouts, errors and non-2xx answers.

        ``sent`` False: it was admitted but never sent (already settled, or failed inside notify); only the slot
        is given back, and a probe that was not made lets the next request probe.
        """
        state = self._state(endpoint)
        was_probe, state.probing = state.probing, False
        self._hand_back(state)
        if not sent:
            return
        state.latency = latency if state.latency == 0 else (1 - _EWMA_WEIGHT) * state.latency + _EWMA_WEIGHT * latency
        if ok:
            state.consecutive_failures = 0
            state.opened_at = None
            return
        state.consecutive_failures += 1
        if was_probe or state.consecutive_failures >= self._threshold:
            state.opened_at = time.monotonic()

    @staticmethod
    def _hand_back(state: EndpointState) -> None:
        """A freed slot goes to the first waiter still waiting, else back to the endpoint."""
        while state.waiters:
            waiter = state.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        state.in_flight = max(0, state.in_flight - 1)

    def _state(self, endpoint: str) -> EndpointState:
        found = self._states.get(endpoint)
        if found is None:
            if len(self._states) >= self._max_endpoints:
                self._forget_idle()
            found = self._states[endpoint] = EndpointState()
        return found

    def _forget_idle(self) -> None:
        """Bound the memory: drop the idle, healthy endpoints used longest ago (their state is the default)."""
        idle = [k for k, s in self._states.items() if s.in_flight == 0 and s.opened_at is None and not s.waiters]
        idle.sort(key=lambda k: self._states[k].last_used)
        for key in idle[: max(1, len(idle) // 2)]:
            del self._states[key]

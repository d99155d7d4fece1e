"""Runs deliveries concurrently so that a slow or dead endpoint holds up nobody but itself.

FastStream hands a pull batch to the handler and fetches the next batch only when every message of this one
is handled; if the handler awaited the HTTP request, one endpoint taking 10 s would stall the whole consumer.
So the handler only decodes the request and starts a task (waiting only when ``max_concurrency`` deliveries
are already running), and the task settles the message itself. The :class:`EndpointGuard` keeps each
endpoint to ``per_endpoint_concurrency`` requests at once (a request beyond that is put back, which is not an
attempt) and skips endpoints whose circuit breaker is open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from faststream.nats import NatsMessage
from pydantic import ValidationError

from wirewatch.contracts import WebhookDeliveryRequested
from wirewatch.runtime import ConsumerPolicy, dependency_unavailable, unavailable_delay

from .context import DeliveryContext
from .deadletters import DeadLetterSink
from .delivery import DeliveryWorker, endpoint_of
from .endpoints import EndpointGuard
from .metrics import NotifyMetrics

log = logging.getLogger("wirewatch.notify")

_MAX_REMEMBERED_DEFERRALS = 100_000


class DeliveryDispatcher:
    def __init__(
        self,
        worker: DeliveryWorker,
        *,
        guard: EndpointGuard,
        dead_letters: DeadLetterSink,
        metrics: NotifyMetrics,
        policy: ConsumerPolicy,
        max_concurrency: int,
        busy_delay: float,
        max_internal_failures: int,
    ) -> None:
        self._worker = worker
        self._guard = guard
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._policy = policy
        self._slots = asyncio.Semaphore(max_concurrency)
        self._busy_delay = busy_delay
        self._max_internal_failures = max_internal_failures
        # Failures inside notify (database down, ...) per webhook id; kept in memory because the thing that
        # failed may well be the database, and JetStream's delivery count also counts scheduled retries.
        self._internal_failures: dict[str, int] = {}
        # Requests this process put back because their endpoint was busy, by bus message id, with how often.
        self._deferred: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    async def dispatch(self, msg: NatsMessage) -> None:
        """Start delivering one request; returns once a task owns it. Must not wait for the endpoint."""
        ctx = DeliveryContext.of(msg)
        if self._closing:
            await msg.nack(delay=self._busy_delay)
            return
        try:
            request = WebhookDeliveryRequested.model_validate_json(msg.body)
        except ValidationError as exc:
            body = msg.body.decode("utf-8", errors="replace")
            await self._dead_letters.send(ctx, body, str(exc), "ValidationError", key=f"seq{ctx.stream_sequence}")
            return
        await self._slots.acquire()
        task = asyncio.create_task(self._run(request, ctx), name=f"webhook-{request.webhook_id}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slots.release()

    async def _run(self, request: WebhookDeliveryRequested, ctx: DeliveryContext) -> None:
        try:
            subscription = await self._worker.subscription(request, ctx)
            if subscription is None:
                return
            # Admission first: an endpoint that is busy puts the request back without a database read.
            endpoint = endpoint_of(subscription)
            key = request.bus_message_id()
            admission = await self._guard.admit(endpoint, times_deferred=self._deferred.get(key, 0))
            if admission.decision == "defer":
                self._metrics.endpoint_busy.inc()
                if len(self._deferred) > _MAX_REMEMBERED_DEFERRALS:  # taken by other replicas meanwhile
                    self._deferred.clear()
                self._deferred[key] = self._deferred.get(key, 0) + 1
                await ctx.msg.nack(delay=admission.delay)
                return
            # Put back only by us so far (or never): its record has no news, so it need not be read.
            fresh = ctx.num_delivered - 1 <= self._deferred.pop(key, 0)
            sent, ok, latency = False, False, 0.0
            try:
                pending = await self._worker.prepare(request, ctx, subscription, fresh=fresh)
                if pending is None:
                    return
                if admission.decision == "skip":
                    await self._worker.skip(request, pending, ctx, admission.reason)
                    return
                sent = True
                result = await self._worker.deliver(request, pending, ctx)
                ok, latency = result.ok, result.latency_seconds
            finally:
                if admission.decision == "send":
                    self._guard.release(endpoint, ok=ok, latency=latency, sent=sent)
            self._internal_failures.pop(request.webhook_id, None)
        except asyncio.CancelledError:
            # Shutting down mid-request: put the message back now rather than after the ack wait.
            with contextlib.suppress(Exception):
                await ctx.msg.nack()
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of ours is retried, then dead-lettered
            await self._internal_failure(request, ctx, exc)

    async def _internal_failure(self, request: WebhookDeliveryRequested, ctx: DeliveryContext, exc: Exception) -> None:
        if dependency_unavailable(exc):
            # The database or the bus is away: not this delivery's fault, so it does not count towards giving up.
            delay = unavailable_delay(ctx.num_delivered)
            log.warning(
                "a server is unavailable, delivery will retry",
                extra={"webhook_id": request.webhook_id, "retry_in": delay, "error_type": type(exc).__name__},
            )
            with contextlib.suppress(Exception):  # if the bus is away too, JetStream redelivers after the ack wait
                await ctx.msg.nack(delay=delay)
            return
        failures = self._internal_failures.get(request.webhook_id, 0) + 1
        self._internal_failures[request.webhook_id] = failures
        try:
            if failures >= self._max_internal_failures:
                self._internal_failures.pop(request.webhook_id, None)
                await self._dead_letters.send(
                    ctx, request.model_dump_json(), str(exc), type(exc).__name__, key=request.bus_message_id()
                )
                return
            delay = self._policy.delay_for(failures)
            log.warning(
                "delivery failed inside notify, will retry",
                exc_info=exc,
                extra={"webhook_id": request.webhook_id, "failures": failures, "retry_in": delay},
            )
            await ctx.msg.nack(delay=delay)
        except Exception:
            # The bus is unreachable too: JetStream redelivers the message after its ack wait.
            log.exception("could not settle a failed delivery", extra={"webhook_id": request.webhook_id})

    async def drain(self, timeout: float) -> None:
        """Stop taking new requests and give running deliveries ``timeout`` seconds to finish."""
        self._closing = True
        if not self._tasks:
            return
        _, unfinished = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in unfinished:
            task.cancel()
        await asyncio.gather(*unfinished, return_exceptions=True)

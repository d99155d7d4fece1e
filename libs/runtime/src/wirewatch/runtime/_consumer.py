"""At-least-once consumption with bounded retries and dead letters.

Every service handler runs inside :func:`consume`: the message is acked only after the handler (its DB writes
and its publishes) succeeded; a failure is redelivered after a delay; a payload that can never be processed, or
one that keeps failing, goes to ``dlq.<service>`` with its error and is then acked so the consumer keeps going.

While the database or nats-server is away, failures are the server's, not the message's: they are redelivered with
a growing delay for as long as the outage lasts (up to ``max_unavailable_deliveries``) and never dead-lettered.
A handler that runs long tells JetStream it is still working (``in_progress``), so the ack wait can stay short and
a crashed replica's messages come back quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from faststream.nats import NatsBroker, NatsMessage
from pydantic import BaseModel, ValidationError

from wirewatch.contracts import (
    DEAD_LETTERS_STREAM,
    HEADER_INGESTED_AT,
    DeadLetter,
    dead_letter_subject,
)

from ._availability import dependency_unavailable, unavailable_delay
from ._errors import MessageRejected, RetryLater
from ._metrics import HopMetrics

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("wirewatch.consumer")

# Dead letters keep at most this much of the original body; the rest is cut (and said so).
_MAX_DEAD_LETTER_BODY = 256_000


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a handler may want to know about the message besides its payload."""

    subject: str
    headers: dict[str, str]
    num_delivered: int
    stream_sequence: int | None


@dataclass(frozen=True, slots=True)
class ConsumerPolicy:
    """How a service retries: deliveries before dead-lettering and the delay before each redelivery."""

    service: str
    max_deliver: int
    retry_delays: tuple[float, ...]
    # A message that fails only because a server is away is still dead-lettered after this many deliveries
    # (about an hour of outage at the 5 s cap), so a message that itself breaks the connection cannot loop forever.
    max_unavailable_deliveries: int = 720
    # The delay before each of those tries doubles from the first to the cap; the cap is also about how long
    # the pipeline takes to resume once the server is back.
    unavailable_delays: tuple[float, float] = (1.0, 5.0)
    # A handler still running after this many seconds tells JetStream so (and again every interval): keep it
    # well under the consumer's ack wait.
    progress_interval: float = 10.0

    def delay_for(self, num_delivered: int) -> float:
        if not self.retry_delays:
            return 0.0
        return self.retry_delays[min(num_delivered - 1, len(self.retry_delays) - 1)]


def ingested_at_header(headers: dict[str, str]) -> datetime | None:
    """The article's ingest time carried in the message headers, if present and well-formed."""
    raw = headers.get(HEADER_INGESTED_AT)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def consume(
    msg: NatsMessage,
    model: type[M],
    handler: Callable[[M, Delivery], Awaitable[None]],
    *,
    broker: NatsBroker,
    policy: ConsumerPolicy,
    metrics: HopMetrics,
) -> None:
    """Decode ``msg`` into ``model``, run ``handler`` and ack, redeliver or dead-letter it."""
    raw = msg.raw_message
    metadata = raw.metadata
    headers = dict(msg.headers or {})
    delivery = Delivery(
        subject=raw.subject,
        headers={k: v for k, v in headers.items() if isinstance(v, str)},
        num_delivered=metadata.num_delivered or 1,
        stream_sequence=metadata.sequence.stream if metadata.sequence else None,
    )
    if delivery.num_delivered == 1 and metadata.timestamp is not None:
        metrics.observe_since(metrics.hop_latency, metadata.timestamp)

    started = time.perf_counter()
    try:
        payload = model.model_validate_json(msg.body)
    except ValidationError as exc:
        await _dead_letter(msg, delivery, broker, policy, "invalid", exc)
        metrics.messages.labels(policy.service, "rejected").inc()
        metrics.dead_letters.labels(policy.service, "invalid").inc()
        return

    try:
        async with _working_on(msg, policy.progress_interval):
            await handler(payload, delivery)
    except MessageRejected as exc:
        await _dead_letter(msg, delivery, broker, policy, "rejected", exc)
        metrics.messages.labels(policy.service, "rejected").inc()
        metrics.dead_letters.labels(policy.service, "rejected").inc()
        return
    except Exception as exc:  # every other failure is retried, then dead-lettered
        if dependency_unavailable(exc) and delivery.num_delivered < policy.max_unavailable_deliveries:
            first, cap = policy.unavailable_delays
            delay = unavailable_delay(delivery.num_delivered, first=first, cap=cap)
            log.warning(
                "a server is unavailable, will retry",
                extra={"subject": delivery.subject, "attempt": delivery.num_delivered, "retry_in": delay,
                       "error_type": type(exc).__name__, "error": str(exc)[:300]},
            )  # fmt: skip
            metrics.messages.labels(policy.service, "unavailable").inc()
            await _settle(msg.nack(delay=delay), "nak")
            return
        if delivery.num_delivered >= policy.max_deliver:
            await _dead_letter(msg, delivery, broker, policy, "failed", exc)
            metrics.messages.labels(policy.service, "dead_lettered").inc()
            metrics.dead_letters.labels(policy.service, "failed").inc()
            return
        delay = policy.delay_for(delivery.num_delivered)
        log.warning(
            "processing failed, will retry",
            exc_info=not isinstance(exc, RetryLater),
            extra={"subject": delivery.subject, "attempt": delivery.num_delivered, "retry_in": delay},
        )
        metrics.messages.labels(policy.service, "retried").inc()
        await _settle(msg.nack(delay=delay), "nak")
        return

    await _settle(msg.ack(), "ack")
    metrics.processing.labels(policy.service).observe(time.perf_counter() - started)
    metrics.messages.labels(policy.service, "ok").inc()
    metrics.observe_since(metrics.end_to_end, ingested_at_header(delivery.headers))


async def _dead_letter(
    msg: NatsMessage,
    delivery: Delivery,
    broker: NatsBroker,
    policy: ConsumerPolicy,
    reason: str,
    exc: BaseException,
) -> None:
    """Publish the message with its error to the dead letters, then ack it.

    If the dead-letter publish itself fails the exception propagates and the message is not acked, so
    JetStream redelivers it: a message is never lost between the two.
    """
    body = msg.body[:_MAX_DEAD_LETTER_BODY].decode("utf-8", errors="replace")
    letter = DeadLetter(
        service=policy.service,
        subject=delivery.subject,
        stream_sequence=delivery.stream_sequence,
        num_delivered=delivery.num_delivered,
        error_type=type(exc).__name__,
        error=str(exc)[:4000],
        body=body,
        headers=delivery.headers,
        failed_at=datetime.now(UTC),
    )
    msg_id = f"dlq:{policy.service}:{delivery.stream_sequence}" if delivery.stream_sequence else None
    await broker.publish(
        letter,
        dead_letter_subject(policy.service),
        headers={"Nats-Msg-Id": msg_id} if msg_id else None,
        stream=DEAD_LETTERS_STREAM.name,
    )
    log.error(
        "message dead-lettered",
        extra={
            "subject": delivery.subject,
            "reason": reason,
            "error_type": letter.error_type,
            "error": letter.error,
        },
    )
    await msg.ack()


async def _settle(answer: Awaitable[None], what: str) -> None:
    """Send an ack or nak; when the bus is away, say so and let JetStream redeliver after the ack wait.

    Raising here would only hand FastStream a traceback to log for every message of every batch in the gap;
    the handlers are idempotent, so the redelivery repeats nothing.
    """
    try:
        await answer
    except Exception as exc:
        if not dependency_unavailable(exc):
            raise
        log.warning("could not %s a message, it will be redelivered", what, extra={"error_type": type(exc).__name__})


@contextlib.asynccontextmanager
async def _working_on(msg: NatsMessage, interval: float) -> AsyncIterator[None]:
    """While the block runs longer than ``interval``, tell JetStream every ``interval`` that the message is in progress.

    Costs nothing for the usual short handler: a timer is armed and cancelled; a task starts only once it fires.
    """
    loop = asyncio.get_running_loop()
    beats: list[asyncio.Task[None]] = []

    async def beat() -> None:
        while True:
            with contextlib.suppress(Exception):  # a lost heartbeat only risks an early (idempotent) redelivery
                await msg.in_progress()
            await asyncio.sleep(interval)

    timer = loop.call_later(interval, lambda: beats.append(loop.create_task(beat())))
    try:
        yield
    finally:
        timer.cancel()
        for task in beats:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

"""What to do with one webhook delivery request: send it, record the attempt, then ack, retry or give up.

The order is what makes it safe to crash anywhere: the attempt is recorded before the message is acked or
put back, so a redelivered request finds a delivered delivery and does not send it again, and a dead one
has its dead letter published before its request is acked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from faststream.nats import NatsBroker, NatsMessage

from wirewatch.contracts import (
    DEAD_LETTERS_STREAM,
    HEADER_MSG_ID,
    WEBHOOK_DELIVERIES,
    DeadLetter,
    Subscription,
    WebhookDeliveryRequested,
    dead_letter_subject,
)
from wirewatch.runtime import HopMetrics

from .metrics import NotifyMetrics, attempt_result
from .payload import build_payload
from .repository import FINAL_STATUSES, Attempt, DeliveryRepository, SubscriptionRepository
from .schedule import RetrySchedule, parse_retry_after
from .sender import SendResult, WebhookSender
from .signing import InvalidSecretError, webhook_headers

log = logging.getLogger("wirewatch.notify")

SERVICE = "notify"
# Statuses whose Retry-After the endpoint may use to ask for a longer pause.
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_GONE = 410


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    """The bus side of one request: the message to settle and what a dead letter needs to say."""

    msg: NatsMessage
    num_delivered: int
    stream_sequence: int | None
    headers: dict[str, str]

    @classmethod
    def of(cls, msg: NatsMessage) -> DeliveryContext:
        metadata = msg.raw_message.metadata
        return cls(
            msg=msg,
            num_delivered=metadata.num_delivered or 1,
            stream_sequence=metadata.sequence.stream if metadata.sequence else None,
            headers={k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)},
        )


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery that still needs an attempt: where it goes and how many attempts it already had."""

    subscription: Subscription
    attempts_before: int


def endpoint_host(url: str) -> str:
    """The host a delivery goes to; concurrency is limited per host so one slow endpoint waits alone."""
    return (urlsplit(url).hostname or "").lower()


class DeliveryWorker:
    def __init__(
        self,
        *,
        broker: NatsBroker,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryRepository,
        sender: WebhookSender,
        schedule: RetrySchedule,
        metrics: NotifyMetrics,
        hop_metrics: HopMetrics,
        api_base_url: str,
        max_payload_bytes: int,
    ) -> None:
        self._broker = broker
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._sender = sender
        self._schedule = schedule
        self._metrics = metrics
        self._hop_metrics = hop_metrics
        self._api_base_url = api_base_url
        self._max_payload_bytes = max_payload_bytes

    async def prepare(self, request: WebhookDeliveryRequested, ctx: DeliveryContext) -> Pending | None:
        """The delivery still to make, or None when it is already settled (the message is then settled here)."""
        delivery = await self._deliveries.get(request.webhook_id)
        attempts_before = len(delivery.get("attempts") or []) if delivery else 0
        if delivery is None:  # the request outlived its record (dropped database): recreate it
            await self._deliveries.create_pending(
                request.webhook_id, request.subscription_id, request.event, datetime.now(UTC)
            )
        elif delivery["status"] in FINAL_STATUSES:
            log.debug("delivery already settled", extra={"webhook_id": request.webhook_id})
            await ctx.msg.ack()
            return None
        subscription = await self._subscriptions.get(request.subscription_id)
        if subscription is None or not subscription.enabled:
            reason = "subscription deleted" if subscription is None else "subscription disabled"
            await self._give_up(request, ctx, reason, "SubscriptionUnavailable")
            return None
        return Pending(subscription, attempts_before)

    async def deliver(self, request: WebhookDeliveryRequested, pending: Pending, ctx: DeliveryContext) -> None:
        """Make one attempt and settle the message according to its result."""
        subscription = pending.subscription
        body = build_payload(request.event, api_base_url=self._api_base_url, max_bytes=self._max_payload_bytes)
        try:
            headers = webhook_headers(subscription.secret, request.webhook_id, int(time.time()), body)
        except InvalidSecretError as exc:
            await self._give_up(request, ctx, str(exc), type(exc).__name__)
            return
        self._metrics.in_flight.inc()
        try:
            result = await self._sender.send(subscription.webhook_url, headers, body)
        finally:
            self._metrics.in_flight.dec()
        self._metrics.latency.labels(attempt_result(result.status_code)).observe(result.latency_seconds)
        await self._settle(request, pending, result, ctx)

    async def _settle(
        self, request: WebhookDeliveryRequested, pending: Pending, result: SendResult, ctx: DeliveryContext
    ) -> None:
        subscription = pending.subscription
        now = datetime.now(UTC)
        attempt = Attempt(
            at=now,
            status_code=result.status_code,
            latency_ms=round(result.latency_seconds * 1000, 1),
            error=result.error,
            response_snippet=result.response_snippet,
        )
        webhook_id = request.webhook_id
        if result.ok:
            await self._deliveries.record_attempt(webhook_id, attempt, "delivered")
            await ctx.msg.ack()
            self._metrics.deliveries.labels("delivered").inc()
            log.info("webhook delivered", extra={"webhook_id": webhook_id, "status_code": result.status_code})
            return
        if result.refused:
            await self._deliveries.record_attempt(webhook_id, attempt, "dead", reason=result.error)
            await self._dead_letter(request, ctx, result.error or "refused", "UnsafeURLError")
            self._metrics.deliveries.labels("refused").inc()
            return
        if result.status_code == _GONE:
            # The receiver says the endpoint is gone for good: stop sending it anything.
            reason = "endpoint answered 410 Gone"
            await self._subscriptions.disable(subscription.subscription_id, reason, now)
            await self._deliveries.record_attempt(webhook_id, attempt, "dead", reason=reason)
            await self._dead_letter(request, ctx, reason, "EndpointGone")
            self._metrics.deliveries.labels("dead").inc()
            log.warning("subscription disabled: endpoint gone", extra={"subscription_id": subscription.subscription_id})
            return
        attempts_made = pending.attempts_before + 1
        retry_after = (
            parse_retry_after(result.retry_after, now=now) if result.status_code in _RETRY_AFTER_STATUSES else None
        )
        delay = self._schedule.next_delay(attempts_made, retry_after)
        if delay is None:
            reason = f"gave up after {attempts_made} attempts: {result.error}"
            await self._deliveries.record_attempt(webhook_id, attempt, "dead", reason=reason)
            await self._dead_letter(request, ctx, reason, "RetriesExhausted")
            self._metrics.deliveries.labels("dead").inc()
            return
        await self._deliveries.record_attempt(webhook_id, attempt, "retrying")
        await ctx.msg.nack(delay=delay)
        self._metrics.deliveries.labels("retried").inc()
        log.info(
            "webhook failed, will retry",
            extra={"webhook_id": webhook_id, "error": result.error, "attempt": attempts_made, "retry_in": delay},
        )

    async def _give_up(self, request: WebhookDeliveryRequested, ctx: DeliveryContext, reason: str, kind: str) -> None:
        await self._deliveries.mark_dead(request.webhook_id, reason, datetime.now(UTC))
        await self._dead_letter(request, ctx, reason, kind)
        self._metrics.deliveries.labels("dead").inc()

    async def _dead_letter(
        self, request: WebhookDeliveryRequested, ctx: DeliveryContext, error: str, error_type: str
    ) -> None:
        await self.dead_letter(ctx, request.model_dump_json(), error, error_type, key=request.webhook_id)
        log.error(
            "webhook dead-lettered",
            extra={"webhook_id": request.webhook_id, "subscription_id": request.subscription_id, "error": error},
        )

    async def dead_letter(self, ctx: DeliveryContext, body: str, error: str, error_type: str, *, key: str) -> None:
        """Publish the request with why it died to ``dlq.notify``, then ack it (never the other way round)."""
        letter = DeadLetter(
            service=SERVICE,
            subject=WEBHOOK_DELIVERIES,
            stream_sequence=ctx.stream_sequence,
            num_delivered=ctx.num_delivered,
            error_type=error_type,
            error=error[:4000],
            body=body,
            headers=ctx.headers,
            failed_at=datetime.now(UTC),
        )
        await self._broker.publish(
            letter,
            dead_letter_subject(SERVICE),
            headers={HEADER_MSG_ID: f"dlq:{SERVICE}:{key}"},
            stream=DEAD_LETTERS_STREAM.name,
        )
        await ctx.msg.ack()
        self._hop_metrics.dead_letters.labels(SERVICE, error_type).inc()

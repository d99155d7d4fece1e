"""What to do with one delivery request: send it, record the attempt, then ack, retry or give up.

The order is what makes it safe to crash anywhere: the attempt is recorded before the message is acked or
put back, so a redelivered request finds a delivered delivery and does not send it again, and a dead one
has its dead letter published before its request is acked.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from wirewatch.contracts import Subscription, WebhookDeliveryRequested

from .attempt_log import AttemptLog
from .context import DeliveryContext
from .deadletters import DeadLetterSink, attempt_history
from .metrics import NotifyMetrics, attempt_result
from .nats_target import NatsTargetPublisher
from .payload import build_payload
from .repository import FINAL_STATUSES, Attempt, DeliveryRepository, SubscriptionRepository
from .schedule import RetrySchedule, parse_retry_after
from .sender import SendResult, WebhookSender
from .signing import InvalidSecretError, unsigned_headers, webhook_headers
from .subscriptions import SubscriptionCache

log = logging.getLogger("wirewatch.notify")

# Statuses whose Retry-After the endpoint may use to ask for a longer pause.
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_GONE = 410
_BODY_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery that still needs an attempt: where it goes and how many attempts it already had."""

    subscription: Subscription
    attempts_before: int


def endpoint_of(subscription: Subscription) -> str:
    """What concurrency limits and the circuit breaker are kept per: the webhook URL or the NATS subject."""
    return subscription.webhook_url or subscription.nats_subject or subscription.subscription_id


@dataclass(frozen=True, slots=True)
class DeliveryTargets:
    webhooks: WebhookSender
    nats: NatsTargetPublisher


class DeliveryWorker:
    def __init__(
        self,
        *,
        subscriptions: SubscriptionRepository,
        lookup: SubscriptionCache,
        deliveries: DeliveryRepository,
        attempts: AttemptLog,
        targets: DeliveryTargets,
        dead_letters: DeadLetterSink,
        schedule: RetrySchedule,
        metrics: NotifyMetrics,
        api_base_url: str,
        max_payload_bytes: int,
        disable_after: float,
    ) -> None:
        self._subscriptions = subscriptions
        self._lookup = lookup
        self._deliveries = deliveries
        self._attempts = attempts
        self._targets = targets
        self._dead_letters = dead_letters
        self._schedule = schedule
        self._metrics = metrics
        self._api_base_url = api_base_url
        self._max_payload_bytes = max_payload_bytes
        self._disable_after = timedelta(seconds=disable_after)
        self._bodies: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()

    async def subscription(self, request: WebhookDeliveryRequested, ctx: DeliveryContext) -> Subscription | None:
        """The request's subscription if it is enabled; otherwise the delivery is given up here and None returned."""
        subscription = await self._lookup.get(request.subscription_id)
        if subscription is None or not subscription.enabled:
            reason = "subscription deleted" if subscription is None else "subscription disabled"
            await self._give_up(request, ctx, reason, "SubscriptionUnavailable")
            return None
        return subscription

    async def prepare(
        self, request: WebhookDeliveryRequested, ctx: DeliveryContext, subscription: Subscription, *, fresh: bool
    ) -> Pending | None:
        """The delivery still to make, or None when it is already settled (the message is then settled here).

        A ``fresh`` request (never attempted: first delivered, or only put back while its endpoint was busy)
        needs no look at its record: the matcher (or a replay) made it pending with no attempts. Any other may
        have been settled since, or has attempts to count.
        """
        if fresh:
            return Pending(subscription, 0)
        delivery = await self._deliveries.get(request.webhook_id)
        if delivery is None:  # the request outlived its record (dropped database): recreate it
            await self._deliveries.create_pending(
                request.webhook_id, request.subscription_id, request.event, datetime.now(UTC)
            )
            return Pending(subscription, 0)
        if delivery["status"] in FINAL_STATUSES:
            log.debug("delivery already settled", extra={"webhook_id": request.webhook_id})
            await ctx.msg.ack()
            return None
        # A replay starts a fresh schedule: only its own attempts count.
        attempts = [a for a in delivery.get("attempts") or [] if a.get("replay_id") == request.replay_id]
        return Pending(subscription, len(attempts))

    async def deliver(self, request: WebhookDeliveryRequested, pending: Pending, ctx: DeliveryContext) -> SendResult:
        """Make one attempt and settle the message according to its result."""
        subscription = pending.subscription
        body = self._body(request)
        now = int(time.time())
        self._metrics.in_flight.inc()
        try:
            if subscription.nats_subject is not None:
                result = await self._targets.nats.send(
                    subscription.nats_subject,
                    unsigned_headers(request.webhook_id, now),
                    body,
                    message_id=request.bus_message_id(),
                )
            else:
                secrets = subscription.signing_secrets(datetime.now(UTC))
                headers = webhook_headers(secrets, request.webhook_id, now, body)
                result = await self._targets.webhooks.send(subscription.webhook_url or "", headers, body)
        except InvalidSecretError as exc:
            await self._give_up(request, ctx, str(exc), type(exc).__name__)
            return SendResult(None, 0.0, str(exc), refused=True)
        finally:
            self._metrics.in_flight.dec()
        self._metrics.latency.labels(attempt_result(result.status_code, stored=result.stored)).observe(
            result.latency_seconds
        )
        await self._settle(request, pending, result, ctx)
        return result

    def _body(self, request: WebhookDeliveryRequested) -> bytes:
        """The same event version gets the same body for every subscription: build it once."""
        key = (request.event.event.event_id, request.event.event.version, request.event.change)
        body = self._bodies.get(key)
        if body is None:
            body = build_payload(request.event, api_base_url=self._api_base_url, max_bytes=self._max_payload_bytes)
            self._bodies[key] = body
            if len(self._bodies) > _BODY_CACHE_SIZE:
                self._bodies.popitem(last=False)
        return body

    async def skip(self, request: WebhookDeliveryRequested, pending: Pending, ctx: DeliveryContext, why: str) -> None:
        """The endpoint's circuit is open: count an attempt without sending it, and follow the schedule."""
        self._metrics.deliveries.labels("skipped").inc()
        await self._settle(request, pending, SendResult(None, 0.0, f"skipped: {why}"), ctx)

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
            replay_id=request.replay_id,
        )
        webhook_id = request.webhook_id
        if result.ok:
            await self._attempts.record(webhook_id, attempt, "delivered")
            await ctx.msg.ack()
            self._metrics.deliveries.labels("delivered").inc()
            if subscription.failing_since is not None:
                await self._subscriptions.mark_recovered(subscription.subscription_id)
            log.debug("webhook delivered", extra={"webhook_id": webhook_id, "status_code": result.status_code})
            return
        if result.refused:
            await self._attempts.record(webhook_id, attempt, "dead", reason=result.error)
            await self._dead_letter(request, ctx, result.error or "refused", "UnsafeURLError")
            self._metrics.deliveries.labels("refused").inc()
            return
        if result.status_code == _GONE:
            # The receiver says the endpoint is gone for good: stop sending it anything.
            await self._disable(subscription, "endpoint answered 410 Gone", now, kind="gone")
            await self._attempts.record(webhook_id, attempt, "dead", reason="endpoint answered 410 Gone")
            await self._dead_letter(request, ctx, "endpoint answered 410 Gone", "EndpointGone")
            self._metrics.deliveries.labels("dead").inc()
            return
        if reason := await self._failing_too_long(subscription, now, result):
            await self._attempts.record(webhook_id, attempt, "dead", reason=reason)
            await self._dead_letter(request, ctx, reason, "EndpointDisabled")
            self._metrics.deliveries.labels("dead").inc()
            return
        attempts_made = pending.attempts_before + 1
        retry_after = (
            parse_retry_after(result.retry_after, now=now) if result.status_code in _RETRY_AFTER_STATUSES else None
        )
        delay = self._schedule.next_delay(attempts_made, retry_after)
        if delay is None:
            reason = f"gave up after {attempts_made} attempts: {result.error}"
            await self._attempts.record(webhook_id, attempt, "dead", reason=reason)
            await self._dead_letter(request, ctx, reason, "RetriesExhausted")
            self._metrics.deliveries.labels("dead").inc()
            return
        await self._attempts.record(webhook_id, attempt, "retrying")
        await ctx.msg.nack(delay=delay)
        self._metrics.deliveries.labels("retried").inc()
        log.info(
            "webhook failed, will retry",
            extra={"webhook_id": webhook_id, "error": result.error, "attempt": attempts_made, "retry_in": delay},
        )

    async def _failing_too_long(self, subscription: Subscription, now: datetime, result: SendResult) -> str | None:
        """Track since when the endpoint fails; past ``disable_after`` disable it and say why (else None)."""
        since = subscription.failing_since
        if since is None:
            await self._subscriptions.mark_failing(subscription.subscription_id, now)
            since = now
        if now - since < self._disable_after:
            return None
        reason = (
            f"endpoint failing since {since.isoformat()} ({(now - since).total_seconds():.0f} s, the limit is "
            f"{self._disable_after.total_seconds():.0f} s); last error: {result.error}"
        )
        await self._disable(subscription, reason, now, kind="failing")
        return reason

    async def _disable(self, subscription: Subscription, reason: str, now: datetime, *, kind: str) -> None:
        await self._subscriptions.disable(subscription.subscription_id, reason, now)
        self._lookup.forget(subscription.subscription_id)
        self._metrics.disabled.labels(kind).inc()
        log.warning("subscription disabled", extra={"subscription_id": subscription.subscription_id, "reason": reason})

    async def _give_up(self, request: WebhookDeliveryRequested, ctx: DeliveryContext, reason: str, kind: str) -> None:
        await self._deliveries.mark_dead(request.webhook_id, reason, datetime.now(UTC))
        await self._dead_letter(request, ctx, reason, kind)
        self._metrics.deliveries.labels("dead").inc()

    async def _dead_letter(
        self, request: WebhookDeliveryRequested, ctx: DeliveryContext, error: str, error_type: str
    ) -> None:
        """The dead letter carries the reason and every attempt (the delivery record keeps them too)."""
        delivery = await self._deliveries.get(request.webhook_id)
        history = attempt_history(list((delivery or {}).get("attempts") or []))
        text = f"{error}\nattempts:\n{history}" if history else error
        key = request.bus_message_id()
        await self._dead_letters.send(ctx, request.model_dump_json(), text, error_type, key=key)

"""Notify service app factory."""

from __future__ import annotations

from starlette.applications import Starlette

from wirewatch.runtime import Service, configure_logging, run_asgi

from .attempt_log import AttemptLog
from .deadletters import DeadLetterSink
from .delivery import DeliveryTargets, DeliveryWorker
from .dispatcher import DeliveryDispatcher
from .endpoints import EndpointGuard
from .handlers import build_router
from .matcher import EventMatcher
from .metrics import NotifyMetrics
from .nats_target import NatsTargetPublisher
from .replay import ReplayWorker
from .repository import DeliveryRepository, SubscriptionRepository
from .schedule import RetrySchedule
from .sender import WebhookSender
from .settings import NotifySettings
from .subscriptions import SubscriptionCache


class NotifyService(Service):
    """A Service whose running deliveries finish (or are put back) before the broker disconnects."""

    def __init__(self, settings: NotifySettings) -> None:
        super().__init__("notify", settings)
        self.notify_settings = settings
        self.notify_metrics = NotifyMetrics(self.registry)
        self.subscriptions = SubscriptionRepository(self.db)
        self.deliveries = DeliveryRepository(self.db, keep_seconds=settings.deliveries_keep_seconds)
        self.sender = WebhookSender(
            allowlist=settings.allow_addresses,
            timeout=settings.delivery_timeout,
            connect_timeout=settings.connect_timeout,
            # An endpoint's requests and the ones waiting for it; several endpoints may share an origin.
            connections_per_origin=4 * settings.per_endpoint_concurrency,
        )
        lookup = SubscriptionCache(self.subscriptions, settings.subscription_cache_seconds)
        dead_letters = DeadLetterSink(self.broker, self.metrics)
        attempts = AttemptLog(self.deliveries)
        worker = DeliveryWorker(
            subscriptions=self.subscriptions,
            lookup=lookup,
            deliveries=self.deliveries,
            attempts=attempts,
            targets=DeliveryTargets(self.sender, NatsTargetPublisher(self.broker, timeout=settings.delivery_timeout)),
            dead_letters=dead_letters,
            schedule=RetrySchedule(settings.delivery_schedule, settings.max_retry_after, settings.delivery_jitter),
            metrics=self.notify_metrics,
            api_base_url=settings.api_base_url,
            max_payload_bytes=settings.max_payload_bytes,
            disable_after=settings.disable_after,
        )
        self.endpoints = EndpointGuard(
            limit=settings.per_endpoint_concurrency,
            failure_threshold=settings.breaker_failures,
            cooldown=settings.breaker_cooldown,
            min_defer=settings.busy_delay,
        )
        self.dispatcher = DeliveryDispatcher(
            worker,
            guard=self.endpoints,
            dead_letters=dead_letters,
            metrics=self.notify_metrics,
            policy=self.policy,
            max_concurrency=settings.max_concurrency,
            busy_delay=settings.busy_delay,
            max_internal_failures=settings.max_internal_failures,
        )
        matcher = EventMatcher(self.broker, lookup, self.deliveries)
        replays = ReplayWorker(
            self.broker, self.subscriptions, self.deliveries, self.notify_metrics, max_events=settings.replay_max_events
        )
        self.on_startup(self.subscriptions.ensure_indexes)
        self.on_startup(self.deliveries.ensure_indexes)
        self.on_shutdown(attempts.close)
        self.on_shutdown(self.sender.close)
        # A request must be settled well within the ack wait, or JetStream hands it to another replica.
        ack_wait = max(60.0, 2 * settings.delivery_timeout + 30)
        self.broker.include_router(
            build_router(
                self,
                matcher,
                self.dispatcher,
                replays,
                delivery_ack_wait=ack_wait,
                max_ack_pending=settings.max_ack_pending,
            )
        )

    async def stop(self) -> None:
        await self.dispatcher.drain(self.settings.shutdown_timeout)
        await super().stop()


def create_service(settings: NotifySettings | None = None) -> NotifyService:
    return NotifyService(settings or NotifySettings())


def create_app(settings: NotifySettings | None = None) -> Starlette:
    return create_service(settings).asgi()


def main() -> None:
    settings = NotifySettings()
    configure_logging("notify", settings.log_level)
    run_asgi(create_app(settings), settings)

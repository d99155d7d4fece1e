"""Notify service app factory."""

from __future__ import annotations

from starlette.applications import Starlette

from wirewatch.runtime import Service, configure_logging, run_asgi

from .delivery import DeliveryWorker
from .dispatcher import DeliveryDispatcher
from .handlers import build_router
from .matcher import EventMatcher
from .metrics import NotifyMetrics
from .repository import DeliveryRepository, SubscriptionRepository
from .schedule import RetrySchedule
from .sender import WebhookSender
from .settings import NotifySettings
from .subscriptions import SubscriptionCache


class NotifyService(Service):
    """A Service whose running webhook requests finish (or are put back) before the broker disconnects."""

    def __init__(self, settings: NotifySettings) -> None:
        super().__init__("notify", settings)
        self.notify_settings = settings
        self.notify_metrics = NotifyMetrics(self.registry)
        self.subscriptions = SubscriptionRepository(self.db)
        self.deliveries = DeliveryRepository(self.db)
        self.sender = WebhookSender(
            allowlist=settings.allow_addresses,
            timeout=settings.delivery_timeout,
            connect_timeout=settings.connect_timeout,
            max_connections=settings.max_concurrency,
        )
        worker = DeliveryWorker(
            broker=self.broker,
            subscriptions=self.subscriptions,
            deliveries=self.deliveries,
            sender=self.sender,
            schedule=RetrySchedule(settings.delivery_schedule, settings.max_retry_after),
            metrics=self.notify_metrics,
            hop_metrics=self.metrics,
            api_base_url=settings.api_base_url,
            max_payload_bytes=settings.max_payload_bytes,
        )
        self.dispatcher = DeliveryDispatcher(
            worker,
            metrics=self.notify_metrics,
            policy=self.policy,
            max_concurrency=settings.max_concurrency,
            per_host_concurrency=settings.per_host_concurrency,
            host_busy_delay=settings.host_busy_delay,
            max_internal_failures=settings.max_internal_failures,
        )
        matcher = EventMatcher(
            self.broker, SubscriptionCache(self.subscriptions, settings.subscription_cache_seconds), self.deliveries
        )
        self.on_startup(self.subscriptions.ensure_indexes)
        self.on_startup(self.deliveries.ensure_indexes)
        self.on_shutdown(self.sender.close)
        # A request must be settled well within the ack wait, or JetStream hands it to another replica.
        ack_wait = max(60.0, 2 * settings.delivery_timeout + 30)
        self.broker.include_router(build_router(self, matcher, self.dispatcher, delivery_ack_wait=ack_wait))

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

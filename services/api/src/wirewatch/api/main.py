"""Api app factory: a FastAPI app over the runtime ``Service`` (bus, database, health and metrics)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI

from wirewatch.runtime import Service, configure_logging, health_routes, run_asgi

from .articles import build_articles_router
from .auth import access_guard
from .deliveries import build_deliveries_router
from .errors import install_error_handlers
from .events import build_events_router
from .feeds import build_feeds_router
from .limits import BodyLimitMiddleware, WriteRateLimiter, WriteRateLimitMiddleware
from .metrics import ApiMetrics, RequestMetricsMiddleware
from .page import install_page
from .replays import ReplayPublisher
from .repository import ApiRepository
from .settings import ApiSettings
from .stream import EventHub, build_stream_router
from .subscription_store import SubscriptionStore
from .subscriptions import build_subscriptions_router
from .unicode_guard import LoneSurrogateMiddleware


def create_service(settings: ApiSettings | None = None) -> Service:
    # The api publishes but subscribes to nothing: the service only gives it connections, health and metrics.
    return Service("api", settings or ApiSettings())


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()
    service = create_service(settings)
    repository = ApiRepository(service.db)
    service.on_startup(repository.ensure_indexes)
    metrics = ApiMetrics(service.registry)
    subscription_store = SubscriptionStore(service.db)
    replays = ReplayPublisher(service.broker)
    # /v1/stream shares the service's NATS connection; its subscription is made when the first client comes.
    hub = EventHub(
        lambda: service.broker.connection,
        queue_size=settings.stream_queue_size,
        max_clients=settings.stream_max_clients,
        registry=service.registry,
    )
    service.on_shutdown(hub.close)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="wirewatch api",
        version="0.1.0",
        lifespan=lifespan,
        routes=health_routes(service),
    )
    app.state.service = service
    install_error_handlers(app)
    # Every /v1 route: writes need the token, reads too when protect_reads is set (auth.py).
    guarded = [Depends(access_guard(settings))]
    app.include_router(build_articles_router(service, repository, settings, metrics), dependencies=guarded)
    app.include_router(build_events_router(repository, settings), dependencies=guarded)
    app.include_router(build_subscriptions_router(subscription_store, replays, settings), dependencies=guarded)
    app.include_router(build_deliveries_router(subscription_store, replays, settings), dependencies=guarded)
    app.include_router(build_stream_router(hub, settings), dependencies=guarded)
    app.include_router(build_feeds_router(service.db, settings), dependencies=guarded)
    install_page(app)  # the events page at / and its files at /static/
    # Outermost last: the metrics also count the 413s of the body limit.
    app.add_middleware(LoneSurrogateMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.write_rate_per_minute > 0:
        limiter = WriteRateLimiter(settings.write_rate_per_minute, settings.write_burst)
        app.add_middleware(WriteRateLimitMiddleware, limiter=limiter)
    app.add_middleware(RequestMetricsMiddleware, metrics=metrics)
    return app


def main() -> None:
    settings = ApiSettings()
    configure_logging("api", settings.log_level)
    run_asgi(create_app(settings), settings)

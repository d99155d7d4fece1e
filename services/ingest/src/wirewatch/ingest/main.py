"""Ingest service app factory."""

from __future__ import annotations

from starlette.applications import Starlette

from wirewatch.runtime import Service, configure_logging, run_asgi

from .feed_setup import attach_feed_poller
from .handlers import build_router
from .repository import ArticleRepository
from .settings import IngestSettings


def create_service(settings: IngestSettings | None = None) -> Service:
    settings = settings or IngestSettings()
    service = Service("ingest", settings)
    repository = ArticleRepository(service.db)
    service.on_startup(repository.ensure_indexes)
    service.broker.include_router(build_router(service, repository))
    if settings.poller_enabled:
        attach_feed_poller(service, settings)
    return service


def create_app(settings: IngestSettings | None = None) -> Starlette:
    return create_service(settings).asgi()


def main() -> None:
    settings = IngestSettings()
    configure_logging("ingest", settings.log_level)
    run_asgi(create_app(settings), settings)

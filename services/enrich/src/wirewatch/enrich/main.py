"""Enrich service app factory."""

from __future__ import annotations

import functools

from starlette.applications import Starlette

from wirewatch.runtime import Service, configure_logging, run_asgi

from .enricher import Enricher
from .handlers import build_router
from .loader import EnricherLoader
from .metrics import EnrichMetrics
from .nlp_process import shared_enricher_process
from .repository import EnrichmentRepository
from .settings import EnrichSettings


class EnrichService(Service):
    """The service shell plus the model loader, whose state is part of readiness."""

    def __init__(self, settings: EnrichSettings) -> None:
        super().__init__("enrich", settings)
        load = shared_enricher_process if settings.nlp_process else Enricher.load
        self.loader = EnricherLoader(functools.partial(load, max_chars=settings.max_chars))

    async def readiness(self) -> dict[str, str]:
        checks = await super().readiness()
        checks["model"] = self.loader.state
        return checks


def create_service(settings: EnrichSettings | None = None) -> EnrichService:
    settings = settings or EnrichSettings()
    service = EnrichService(settings)
    repository = EnrichmentRepository(service.db)
    metrics = EnrichMetrics(service.registry)

    async def start_loading() -> None:
        service.loader.start()  # returns at once; handlers wait for the model, /healthz does not

    service.on_startup(start_loading)
    service.broker.include_router(build_router(service, settings, repository, service.loader, metrics))
    return service


def create_app(settings: EnrichSettings | None = None) -> Starlette:
    return create_service(settings).asgi()


def main() -> None:
    settings = EnrichSettings()
    configure_logging("enrich", settings.log_level)
    run_asgi(create_app(settings), settings)

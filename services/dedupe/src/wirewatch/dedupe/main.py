"""Dedupe service app factory."""

from __future__ import annotations

from datetime import timedelta

from starlette.applications import Starlette

from wirewatch.runtime import Service, configure_logging, run_asgi

from .clusterer import ArticleClusterer
from .dormancy import DormancySweeper
from .handlers import build_router, change_publisher
from .metrics import DedupeMetrics
from .repository import DedupeRepository
from .scoring import ClusteringPolicy
from .settings import DedupeSettings


def create_service(settings: DedupeSettings | None = None) -> Service:
    settings = settings or DedupeSettings()
    service = Service("dedupe", settings)
    metrics = DedupeMetrics(service.registry)
    repository = DedupeRepository(service.db, index_ttl=timedelta(days=settings.index_ttl_days))
    clusterer = ArticleClusterer(
        repository,
        policy=ClusteringPolicy(join_threshold=settings.join_threshold),
        window=timedelta(days=settings.window_days),
        max_candidates=settings.max_candidates,
        on_conflict=lambda kind: metrics.conflicts.labels(kind).inc(),
        creation_lease=timedelta(seconds=settings.creation_lease_seconds),
    )
    sweeper = DormancySweeper(
        repository,
        change_publisher(service),
        dormant_after=timedelta(hours=settings.dormant_after_hours),
        finish_creations=clusterer.finish_stale_creations,
    )

    async def start_sweeping() -> None:
        sweeper.start(settings.dormancy_sweep_seconds)

    service.on_startup(repository.ensure_indexes)
    service.on_startup(start_sweeping)
    service.on_shutdown(sweeper.stop)
    service.broker.include_router(build_router(service, clusterer, metrics, ack_wait=settings.ack_wait_seconds))
    return service


def create_app(settings: DedupeSettings | None = None) -> Starlette:
    return create_service(settings).asgi()


def main() -> None:
    settings = DedupeSettings()
    configure_logging("dedupe", settings.log_level)
    run_asgi(create_app(settings), settings)

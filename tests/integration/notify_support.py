"""Shared pieces of the notify integration tests: events, subscriptions and a notify started with test settings."""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from pymongo.asynchronous.database import AsyncDatabase

from wirewatch.contracts import DeadLetter, EventChanged, Subscription, SubscriptionFilter, event_subject
from wirewatch.notify.main import NotifyService, create_service
from wirewatch.notify.settings import NotifySettings
from wirewatch.testing import eventually

SECRET = "whsec_" + base64.b64encode(b"integration-test-signing-key-32b").decode()
# Short everything, so that a test sees retries, timeouts and the breaker within a second or two.
TEST_SETTINGS: dict[str, Any] = {
    "allow_addresses": ["127.0.0.1"],
    "api_base_url": "http://127.0.0.1:8080",
    "delivery_schedule": (0, 0.2, 0.3, 0.3),
    "delivery_jitter": 0.0,
    "delivery_timeout": 5.0,
    "subscription_cache_seconds": 0.5,
    "retry_delays": (0.1,),
}

Db = AsyncDatabase[dict[str, Any]]
StartNotify = Callable[..., Awaitable[NotifyService]]


def changed_event(*, version: int = 1, change: str = "created", country: str = "AZ", **snapshot: Any) -> EventChanged:
    fields: dict[str, Any] = {
        "event_id": "evt_karabakh",
        "version": version,
        "title": "Azerbaijan launches military operation in Nagorno-Karabakh",
        "category": "conflict",
        "countries": [country],
        "primary_country": country,
        "first_seen": datetime(2023, 9, 19, 10, tzinfo=UTC),
        "last_seen": datetime(2023, 9, 19, 12, tzinfo=UTC),
        "article_count": 2,
        "source_count": 2,
        "article_ids": ["a1", "a2"],
        **snapshot,
    }
    return EventChanged.model_validate({"change": change, "event": fields, "changed_at": datetime.now(UTC)})


async def publish_event(nc: NatsClient, changed: EventChanged) -> None:
    subject = event_subject(changed.change, changed.event.category, changed.event.primary_country)
    await nc.jetstream().publish(subject, changed.model_dump_json().encode())


async def subscribe(db: Db, subscription_id: str, url: str | None, **fields: Any) -> Subscription:
    """Store a subscription the way the api does; ``fields`` are filters unless they are Subscription fields."""
    own = {k: fields.pop(k) for k in list(fields) if k in Subscription.model_fields}
    subscription = Subscription.model_validate(
        {
            "subscription_id": subscription_id,
            "webhook_url": url,
            "secret": SECRET if url else None,
            "filters": SubscriptionFilter.model_validate(fields),
            "created_at": datetime.now(UTC),
            **own,
        }
    )
    await db["subscriptions"].insert_one({**subscription.model_dump(), "_id": subscription_id})
    return subscription


async def delivery_with(db: Db, subscription_id: str, status: str) -> dict[str, Any] | None:
    return await db["deliveries"].find_one({"subscription_id": subscription_id, "status": status})


async def wait_for_delivery(
    db: Db, subscription_id: str, status: str, what: str, timeout: float = 15
) -> dict[str, Any]:
    found = await eventually(lambda: delivery_with(db, subscription_id, status), timeout=timeout, what=what)
    assert isinstance(found, dict)
    return found


async def collect_dead_letters(nc: NatsClient) -> list[DeadLetter]:
    letters: list[DeadLetter] = []

    async def on_msg(msg: Any) -> None:
        letters.append(DeadLetter.model_validate_json(msg.data))

    await nc.subscribe("dlq.notify", cb=on_msg)
    return letters


def refused_url(path: str = "/hook") -> str:
    """A URL on 127.0.0.1 where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


@pytest.fixture
async def start_notify(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[StartNotify]:
    """``await start_notify(**setting_overrides)`` runs notify with the test settings until the test ends."""
    started: list[NotifyService] = []

    async def start(**overrides: Any) -> NotifyService:
        settings = NotifySettings(
            nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, **{**TEST_SETTINGS, **overrides}
        )
        service = create_service(settings)
        await service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        await service.stop()


@pytest.fixture
async def notify(start_notify: StartNotify) -> NotifyService:
    return await start_notify()

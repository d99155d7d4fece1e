"""Subscriptions, deliveries, replays and /v1/stream through the api, against a real nats-server and SecantusDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from wirewatch.api.settings import ApiSettings
from wirewatch.contracts import DELIVERY_REPLAYS, HEADER_MSG_ID, ReplayRequested, Subscription
from wirewatch.testing import eventually

from .api_support import start_api

pytestmark = pytest.mark.connected

T0 = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)


@pytest.fixture
async def api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = ApiSettings(
        nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, webhook_allow_addresses=["127.0.0.1"]
    )
    async for client in start_api(settings):
        yield client


@pytest.fixture
async def strict_api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    """An api with no allowlist, as in production."""
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, webhook_allow_addresses=[])
    async for client in start_api(settings):
        yield client


def _fields(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [error["loc"] for error in response.json()["errors"]]


async def _collect(nc: NatsClient, subject: str) -> list[Msg]:
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nc.subscribe(subject, cb=on_msg)
    await nc.flush()
    return received


async def _create(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await api.post("/v1/subscriptions", json={"webhook_url": "http://127.0.0.1:9000/hook", **body})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# subscriptions


async def test_subscription_lifecycle_and_secret_shown_once(api: httpx.AsyncClient, db) -> None:
    request = {
        "webhook_url": "http://127.0.0.1:9000/hooks/wirewatch",
        "name": "ops",
        "filters": {"countries": ["az"], "categories": ["Conflict"], "change_kinds": ["created"]},
    }
    created = await api.post("/v1/subscriptions", json=request)
    assert created.status_code == 201
    body = created.json()
    assert body["subscription_id"].startswith("sub_")
    assert body["secret"].startswith("whsec_")
    assert len(body["secret"]) == len("whsec_") + 32  # base64 of 24 bytes
    assert body["filters"]["countries"] == ["AZ"]
    stored = await db["subscriptions"].find_one({"_id": body["subscription_id"]})
    assert Subscription.model_validate(stored).secret == body["secret"]  # what notify will read
    other = (await api.post("/v1/subscriptions", json={"webhook_url": "https://hooks.example/x"})).json()
    assert other["secret"] != body["secret"]

    listed = (await api.get("/v1/subscriptions")).json()["subscriptions"]
    assert [s["subscription_id"] for s in listed] == [other["subscription_id"], body["subscription_id"]]
    assert all("secret" not in s for s in listed)
    one = (await api.get(f"/v1/subscriptions/{body['subscription_id']}")).json()
    assert "secret" not in one
    assert one["name"] == "ops"
    assert one["filters"]["change_kinds"] == ["created"]

    assert (await api.delete(f"/v1/subscriptions/{body['subscription_id']}")).status_code == 204
    assert (await api.get(f"/v1/subscriptions/{body['subscription_id']}")).status_code == 404
    assert (await api.delete(f"/v1/subscriptions/{body['subscription_id']}")).status_code == 404
    assert await db["subscriptions"].count_documents({}) == 1


async def test_subscription_validation_is_422(api: httpx.AsyncClient) -> None:
    bad_url = await api.post("/v1/subscriptions", json={"webhook_url": "ftp://127.0.0.1/x"})
    assert _fields(bad_url) == [["body", "webhook_url"]]
    bad_filter = await api.post(
        "/v1/subscriptions", json={"webhook_url": "http://127.0.0.1/x", "filters": {"countries": ["AZE"]}}
    )
    assert _fields(bad_filter) == [["body", "filters", "countries"]]
    assert "AZE" in bad_filter.json()["errors"][0]["msg"]
    no_target = await api.post("/v1/subscriptions", json={})
    assert _fields(no_target) == [["body"]]
    assert "exactly one target" in no_target.json()["errors"][0]["msg"]


async def test_deliveries_newest_first(api: httpx.AsyncClient, db) -> None:
    sub_id = (await api.post("/v1/subscriptions", json={"webhook_url": "http://127.0.0.1/x"})).json()["subscription_id"]
    assert (await api.get(f"/v1/subscriptions/{sub_id}/deliveries")).json() == {"deliveries": []}
    attempt = {"at": T0, "status_code": 500, "latency_ms": 12.5, "error": None, "response_snippet": "oops"}
    await db["deliveries"].insert_many(
        [
            {
                "_id": f"msg_{i}",
                "subscription_id": sub_id,
                "event_id": "evt_1",
                "event_version": i + 1,
                "change": "updated",
                "status": "delivered" if i else "retrying",
                "attempts": [attempt],
                "created_at": T0 + timedelta(minutes=i),
                "updated_at": T0 + timedelta(minutes=i),
                "delivered_at": None,
            }
            for i in range(3)
        ]
        + [{"_id": "msg_other", "subscription_id": "sub_other", "status": "pending", "created_at": T0}]
    )
    deliveries = (await api.get(f"/v1/subscriptions/{sub_id}/deliveries")).json()["deliveries"]
    assert [d["webhook_id"] for d in deliveries] == ["msg_2", "msg_1", "msg_0"]
    assert deliveries[2]["attempts"][0]["status_code"] == 500
    limited = (await api.get(f"/v1/subscriptions/{sub_id}/deliveries?limit=1")).json()["deliveries"]
    assert [d["webhook_id"] for d in limited] == ["msg_2"]
    assert (await api.get("/v1/subscriptions/sub_unknown/deliveries")).status_code == 404
    # A deleted subscription's history stays readable.
    await api.delete(f"/v1/subscriptions/{sub_id}")
    assert len((await api.get(f"/v1/subscriptions/{sub_id}/deliveries")).json()["deliveries"]) == 3


async def test_every_filter_is_accepted_and_stored(api: httpx.AsyncClient, db) -> None:
    filters = {
        "countries": ["az", "AM"],
        "categories": ["Conflict"],
        "event_types": ["Battles", "armed clash"],
        "near": {"lat": 39.82, "lon": 46.75, "radius_km": 100},
        "entities": ["Armenia", "UN"],
        "keywords": ["ceasefire"],
        "languages": ["EN", "ru"],
        "change_kinds": ["created", "merged"],
        "min_articles": 3,
        "min_sources": 2,
    }
    created = await _create(api, filters=filters)
    stored = Subscription.model_validate({**(await db["subscriptions"].find_one({"_id": created["subscription_id"]}))})
    assert stored.filters.event_types == ["battles", "armed clash"]
    assert stored.filters.near is not None
    assert stored.filters.near.radius_km == 100
    assert stored.filters.languages == ["en", "ru"]
    assert stored.filters.min_sources == 2
    view = (await api.get(f"/v1/subscriptions/{created['subscription_id']}")).json()
    assert view["filters"]["entities"] == ["Armenia", "UN"]
    assert view["target"] == "webhook"
    assert view["enabled"] is True
    assert view["disabled_reason"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filters": {"countrys": ["AZ"]}}, ["body", "filters"]),
        ({"filters": {"languages": ["English"]}}, ["body", "filters", "languages"]),
        ({"filters": {"near": {"lat": 100, "lon": 0, "radius_km": 5}}}, ["body", "filters", "near", "lat"]),
        ({"filters": {"near": {"lat": 40, "lon": 46, "radius_km": -1}}}, ["body", "filters", "near", "radius_km"]),
        ({"filters": {"keywords": [""]}}, ["body", "filters", "keywords"]),
        ({"filters": {"min_sources": 0}}, ["body", "filters", "min_sources"]),
        ({"nats_target": "alerts"}, ["body"]),  # two targets
        ({"webhook_url": None, "nats_target": "alerts.>"}, ["body", "nats_target"]),
    ],
)
async def test_bad_filters_and_targets_are_422_naming_the_field(
    api: httpx.AsyncClient, db, body: dict[str, Any], field: list[Any]
) -> None:
    response = await api.post("/v1/subscriptions", json={"webhook_url": "http://127.0.0.1:9000/hook", **body})
    assert _fields(response) == [field]
    assert await db["subscriptions"].count_documents({}) == 0


async def test_private_and_metadata_webhook_urls_are_refused_unless_allowlisted(strict_api: httpx.AsyncClient) -> None:
    for url in ("http://127.0.0.1:9000/hook", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/x"):
        response = await strict_api.post("/v1/subscriptions", json={"webhook_url": url})
        assert _fields(response) == [["body", "webhook_url"]]
        assert "allowlisted" in response.json()["errors"][0]["msg"]
    localhost = await strict_api.post("/v1/subscriptions", json={"webhook_url": "http://localhost:8080/x"})
    assert _fields(localhost) == [["body", "webhook_url"]]
    # A public address is fine.
    assert (await strict_api.post("/v1/subscriptions", json={"webhook_url": "https://8.8.8.8/x"})).status_code == 201


async def test_nats_target_has_a_subject_and_no_secret(api: httpx.AsyncClient, db) -> None:
    response = await api.post("/v1/subscriptions", json={"nats_target": "ops.alerts", "filters": {"countries": ["AZ"]}})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["nats_subject"] == "notify.out.ops.alerts"
    assert created["secret"] is None
    assert created["webhook_url"] is None
    view = (await api.get(f"/v1/subscriptions/{created['subscription_id']}")).json()
    assert view["target"] == "nats"
    rotate = await api.post(f"/v1/subscriptions/{created['subscription_id']}/rotate-secret")
    assert rotate.status_code == 409


async def test_rotating_the_secret_keeps_the_old_one_for_the_overlap(api: httpx.AsyncClient, db) -> None:
    created = await _create(api)
    sub_id = created["subscription_id"]
    rotated = await api.post(f"/v1/subscriptions/{sub_id}/rotate-secret", json={"overlap_seconds": 3600})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    expires = datetime.fromisoformat(body["previous_secret_expires_at"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)
    stored = Subscription.model_validate(await db["subscriptions"].find_one({"_id": sub_id}))
    assert stored.secret == body["secret"]
    assert stored.signing_secrets(datetime.now(UTC)) == [body["secret"], created["secret"]]
    assert stored.signing_secrets(datetime.now(UTC) + timedelta(hours=2)) == [body["secret"]]
    view = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
    assert "secret" not in view
    assert "previous_secrets" not in view
    assert view["secret_overlap_until"] is not None
    assert created["secret"] not in (await api.get("/v1/subscriptions")).text
    # A second rotation keeps the first old secret until its own expiry, plus the second one.
    again = (await api.post(f"/v1/subscriptions/{sub_id}/rotate-secret", json={"overlap_seconds": 60})).json()
    stored = Subscription.model_validate(await db["subscriptions"].find_one({"_id": sub_id}))
    assert stored.signing_secrets(datetime.now(UTC)) == [again["secret"], body["secret"], created["secret"]]
    assert (
        await api.post(f"/v1/subscriptions/{sub_id}/rotate-secret", json={"overlap_seconds": -1})
    ).status_code == 422
    assert (await api.post("/v1/subscriptions/sub_nope/rotate-secret")).status_code == 404


async def test_a_disabled_subscription_says_why_and_since_when_and_can_be_enabled(api: httpx.AsyncClient, db) -> None:
    sub_id = (await _create(api))["subscription_id"]
    since = datetime(2026, 1, 1, tzinfo=UTC)
    await db["subscriptions"].update_one(
        {"_id": sub_id},
        {
            "$set": {
                "enabled": False,
                "disabled_reason": "endpoint failing since 2026-01-01T00:00:00+00:00",
                "disabled_at": since + timedelta(days=5),
                "failing_since": since,
            }
        },
    )
    view = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
    assert view["enabled"] is False
    assert view["disabled_reason"].startswith("endpoint failing since")
    assert datetime.fromisoformat(view["disabled_at"]) == since + timedelta(days=5)
    assert datetime.fromisoformat(view["failing_since"]) == since
    # Replays of a disabled subscription are refused with the reason.
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    replay = await api.post(f"/v1/subscriptions/{sub_id}/replay", params={"since": an_hour_ago})
    assert replay.status_code == 409
    assert "endpoint failing since" in replay.json()["detail"]
    enabled = await api.post(f"/v1/subscriptions/{sub_id}/enable")
    assert enabled.status_code == 200
    assert enabled.json()["enabled"] is True
    assert enabled.json()["failing_since"] is None
    assert enabled.json()["disabled_reason"] is None


async def test_replays_are_handed_to_notify(api: httpx.AsyncClient, db, nats_client: NatsClient) -> None:
    received = await _collect(nats_client, DELIVERY_REPLAYS)
    sub_id = (await _create(api))["subscription_id"]
    since = datetime.now(UTC) - timedelta(hours=3)
    accepted = await api.post(f"/v1/subscriptions/{sub_id}/replay", params={"since": since.isoformat()})
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["replay_id"].startswith("rpl_")
    await db["deliveries"].insert_one(
        {"_id": "msg_1", "subscription_id": sub_id, "status": "delivered", "attempts": [], "created_at": T0}
    )
    one = await api.post("/v1/deliveries/msg_1/replay")
    assert one.status_code == 202, one.text
    await eventually(lambda: len(received) == 2, what="two replay requests")
    first, second = (ReplayRequested.model_validate_json(m.data) for m in received)
    assert (first.subscription_id, first.since, first.webhook_id) == (sub_id, since, None)
    assert (second.subscription_id, second.webhook_id, second.since) == (sub_id, "msg_1", None)
    assert (received[0].headers or {})[HEADER_MSG_ID] == f"replay:{first.replay_id}"

    assert (await api.get("/v1/deliveries/msg_1")).json()["status"] == "delivered"
    assert (await api.post("/v1/deliveries/msg_unknown/replay")).status_code == 404
    assert (
        await api.post("/v1/subscriptions/sub_unknown/replay", params={"since": since.isoformat()})
    ).status_code == 404
    for bad in ("yesterday", (datetime.now(UTC) + timedelta(hours=1)).isoformat(), "2020-01-01T00:00:00Z"):
        response = await api.post(f"/v1/subscriptions/{sub_id}/replay", params={"since": bad})
        assert _fields(response) == [["query", "since"]]
    assert _fields(await api.post(f"/v1/subscriptions/{sub_id}/replay")) == [["query", "since"]]


async def test_deliveries_can_be_filtered_by_status(api: httpx.AsyncClient, db) -> None:
    sub_id = (await _create(api))["subscription_id"]
    await db["deliveries"].insert_many(
        [
            {"_id": "msg_ok", "subscription_id": sub_id, "status": "delivered", "created_at": T0},
            {
                "_id": "msg_dead",
                "subscription_id": sub_id,
                "status": "dead",
                "dead_reason": "gave up after 8 attempts: HTTP 500",
                "created_at": T0,
                "event": {"secret": "payload kept for replays, not listed"},
            },
        ]
    )
    dead = (await api.get(f"/v1/subscriptions/{sub_id}/deliveries", params={"status": "dead"})).json()["deliveries"]
    assert [d["webhook_id"] for d in dead] == ["msg_dead"]
    assert dead[0]["dead_reason"].startswith("gave up")
    assert "event" not in dead[0]
    bad = await api.get(f"/v1/subscriptions/{sub_id}/deliveries", params={"status": "lost"})
    assert _fields(bad) == [["query", "status"]]

"""How notify treats each kind of endpoint: slow, flaky, dead, gone, rate-limited, failing for too long, a NATS
subject, and a rotated secret. Real receivers on 127.0.0.1, short schedules and timeouts."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from standardwebhooks import Webhook

from wirewatch.contracts import NOTIFY_OUT_STREAM, EventChanged
from wirewatch.testing import WebhookReceiver, eventually

from .notify_support import (
    SECRET,
    Db,
    StartNotify,
    changed_event,
    collect_dead_letters,
    delivery_with,
    publish_event,
    refused_url,
    start_notify,
    subscribe,
    wait_for_delivery,
)

pytestmark = pytest.mark.connected

__all__ = ["start_notify"]  # fixtures

OLD_SECRET = "whsec_" + base64.b64encode(b"the secret before the rotation!!").decode()


async def test_healthy_slow_and_flaky_endpoints(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    # The "slow (10 s)" scaled down: the endpoint answers after 1.5 s, the timeout is 0.5 s.
    await start_notify(delivery_timeout=0.5, delivery_schedule=(0, 0.2, 0.2, 0.2, 0.2))
    webhook_receiver.behave("/slow", delay=1.5)
    webhook_receiver.behave("/flaky", statuses=[500, 502, 503, 200])
    await subscribe(db, "sub_ok", webhook_receiver.url("/ok"))
    await subscribe(db, "sub_slow", webhook_receiver.url("/slow"))
    await subscribe(db, "sub_flaky", webhook_receiver.url("/flaky"))
    await publish_event(nats_client, changed_event())

    ok = await wait_for_delivery(db, "sub_ok", "delivered", "healthy delivered")
    assert len(ok["attempts"]) == 1
    flaky = await wait_for_delivery(db, "sub_flaky", "delivered", "flaky delivered on the fourth attempt")
    assert [a["status_code"] for a in flaky["attempts"]] == [500, 502, 503, 200]
    slow = await wait_for_delivery(db, "sub_slow", "dead", "slow endpoint gives up after its attempts", timeout=20)
    assert all(a["error"] == "timed out after 0.5s" for a in slow["attempts"])
    assert all(a["latency_ms"] < 1000 for a in slow["attempts"])
    assert len(slow["attempts"]) == 5
    # The healthy endpoint was served at once, not after the slow one.
    first_ok = webhook_receiver.received("/ok")[0].received_at
    first_slow = webhook_receiver.received("/slow")[0].received_at
    assert first_ok - first_slow < 0.5


async def test_dead_endpoint_opens_the_breaker_and_goes_to_the_dead_letters_with_its_history(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    service = await start_notify(breaker_failures=2, breaker_cooldown=60, delivery_schedule=(0, 0.1, 0.1))
    letters = await collect_dead_letters(nats_client)
    dead_url = refused_url()
    await subscribe(db, "sub_dead", dead_url)
    await subscribe(db, "sub_ok", webhook_receiver.url("/ok"))
    for version in (1, 2, 3):
        await publish_event(nats_client, changed_event(version=version))

    await eventually(lambda: len(webhook_receiver.received("/ok")) == 3, what="healthy endpoint gets all three")
    await eventually(
        lambda: db["deliveries"].count_documents({"subscription_id": "sub_dead", "status": "dead"}),
        what="dead deliveries",
    )
    await eventually(lambda: len(letters) == 3, what="three dead letters")
    errors = [a["error"] async for d in db["deliveries"].find({"subscription_id": "sub_dead"}) for a in d["attempts"]]
    assert any("ConnectError" in e for e in errors)
    assert any(e.startswith("skipped: circuit open") for e in errors), errors
    assert service.endpoints.state(dead_url) == "open"
    letter = letters[0]
    assert letter.error_type == "RetriesExhausted"
    assert "attempts:\n#1 " in letter.error
    assert "#3 " in letter.error


async def test_gone_endpoint_is_disabled_and_the_reason_is_stored(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify()
    webhook_receiver.behave("/gone", statuses=[410])
    await subscribe(db, "sub_gone", webhook_receiver.url("/gone"))
    await publish_event(nats_client, changed_event())
    await wait_for_delivery(db, "sub_gone", "dead", "dead after 410")
    stored = await db["subscriptions"].find_one({"_id": "sub_gone"})
    assert stored is not None
    assert stored["enabled"] is False
    assert stored["disabled_reason"] == "endpoint answered 410 Gone"
    assert stored["disabled_at"] is not None


async def test_429_waits_at_least_its_retry_after(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify()
    webhook_receiver.behave("/busy", statuses=[429, 200], headers={"Retry-After": "1"})
    await subscribe(db, "sub_busy", webhook_receiver.url("/busy"))
    await publish_event(nats_client, changed_event())
    delivered = await wait_for_delivery(db, "sub_busy", "delivered", "delivered after Retry-After")
    assert [a["status_code"] for a in delivered["attempts"]] == [429, 200]
    first, second = webhook_receiver.received("/busy")
    assert second.received_at - first.received_at >= 0.95  # the schedule alone would wait 0.2 s


async def test_endpoint_failing_longer_than_the_limit_is_disabled_and_says_so(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify(disable_after=0.5, delivery_schedule=(0, 0.3, 0.3, 0.3, 0.3, 0.3), subscription_cache_seconds=0)
    webhook_receiver.behave("/down", statuses=[503])
    await subscribe(db, "sub_down", webhook_receiver.url("/down"))
    await publish_event(nats_client, changed_event())

    dead = await wait_for_delivery(db, "sub_down", "dead", "dead once the endpoint is disabled")
    stored = await db["subscriptions"].find_one({"_id": "sub_down"})
    assert stored is not None
    assert stored["enabled"] is False
    assert stored["disabled_reason"].startswith("endpoint failing since")
    assert "HTTP 503" in stored["disabled_reason"]
    assert stored["disabled_at"] - stored["failing_since"] >= timedelta(seconds=0.5)
    assert dead["dead_reason"] == stored["disabled_reason"]
    assert 2 <= len(dead["attempts"]) < 6  # stopped before the schedule ran out


async def test_a_success_clears_the_failure_clock(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify(subscription_cache_seconds=0)
    webhook_receiver.behave("/flaky", statuses=[500, 200])
    await subscribe(db, "sub_flaky", webhook_receiver.url("/flaky"))
    await publish_event(nats_client, changed_event())
    await wait_for_delivery(db, "sub_flaky", "delivered", "delivered")

    async def recovered() -> bool:
        doc = await db["subscriptions"].find_one({"_id": "sub_flaky"})
        return doc is not None and doc.get("failing_since") is None and doc["enabled"]

    await eventually(recovered, what="failing_since cleared")


async def test_during_a_rotation_both_signatures_are_sent_and_each_secret_verifies(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify()
    overlap = [{"secret": OLD_SECRET, "expires_at": datetime.now(UTC) + timedelta(hours=1)}]
    expired = [{"secret": OLD_SECRET, "expires_at": datetime.now(UTC) - timedelta(seconds=1)}]
    await subscribe(db, "sub_rotating", webhook_receiver.url("/rotating"), previous_secrets=overlap)
    await subscribe(db, "sub_rotated", webhook_receiver.url("/rotated"), previous_secrets=expired)
    await publish_event(nats_client, changed_event())

    await eventually(lambda: len(webhook_receiver.received()) == 2, what="both webhooks")
    [during] = webhook_receiver.received("/rotating")
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(SECRET).verify(during.body, during.headers)["type"] == "event.created"
    assert Webhook(OLD_SECRET).verify(during.body, during.headers)["type"] == "event.created"
    [after] = webhook_receiver.received("/rotated")
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    Webhook(SECRET).verify(after.body, after.headers)


async def test_nats_target_gets_the_same_body_on_its_subject_once(
    start_notify: StartNotify, nats_client: NatsClient, db: Db
):
    await start_notify()
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nats_client.subscribe("notify.out.>", cb=on_msg)
    await subscribe(db, "sub_bus", None, nats_subject="notify.out.ops.az", countries=["AZ"])
    await publish_event(nats_client, changed_event())
    await publish_event(nats_client, changed_event(event_id="evt_fr", country="FR"))

    delivered = await wait_for_delivery(db, "sub_bus", "delivered", "stored on the NATS target")
    await asyncio.sleep(0.5)
    [msg] = received
    assert msg.subject == "notify.out.ops.az"
    body = json.loads(msg.data)
    assert body["type"] == "event.created"
    assert EventChanged.model_validate(body["data"]).event.event_id == "evt_karabakh"
    assert (msg.headers or {})["webhook-id"] == delivered["_id"]
    assert "webhook-signature" not in (msg.headers or {})
    [attempt] = delivered["attempts"]
    assert attempt["status_code"] is None
    assert attempt["error"] is None
    info = await nats_client.jetstream().stream_info(NOTIFY_OUT_STREAM.name)
    assert info.state.messages == 1
    assert await delivery_with(db, "sub_bus", "dead") is None

"""Notify against a real nats-server, SecantusDB and a local webhook receiver."""

from __future__ import annotations

import asyncio
import json

import pytest
from nats.aio.client import Client as NatsClient
from standardwebhooks import Webhook

from wirewatch.contracts import EventChanged
from wirewatch.notify.main import NotifyService
from wirewatch.testing import WebhookReceiver, eventually

from .notify_support import SECRET, notify, start_notify
from .notify_support import changed_event as _changed
from .notify_support import collect_dead_letters as _dead_letters
from .notify_support import delivery_with as _delivery
from .notify_support import publish_event as _publish
from .notify_support import subscribe as _subscribe
from .notify_support import wait_for_delivery as _wait_for_delivery

pytestmark = pytest.mark.connected

__all__ = ["notify", "start_notify"]  # fixtures used by the tests below


async def test_matching_subscription_gets_one_signed_webhook_and_others_nothing(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    await _subscribe(db, "sub_az", webhook_receiver.url("/az"), countries=["AZ"], categories=["conflict"])
    await _subscribe(db, "sub_fr", webhook_receiver.url("/fr"), countries=["FR"])
    await _subscribe(db, "sub_big", webhook_receiver.url("/big"), min_articles=10)
    changed = _changed()
    await _publish(nats_client, changed)

    delivered = await _wait_for_delivery(db, "sub_az", "delivered", "delivery recorded")
    await asyncio.sleep(0.5)  # room for any wrong extra webhook to show up
    assert [r.path for r in webhook_receiver.received()] == ["/az"]
    request = webhook_receiver.received()[0]
    payload = Webhook(SECRET).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == delivered["_id"]
    assert request.headers["content-type"] == "application/json"
    assert payload["type"] == "event.created"
    assert EventChanged.model_validate(payload["data"]).event == changed.event
    assert payload["links"]["event"] == "http://127.0.0.1:8080/v1/events/evt_karabakh"
    assert delivered["event_id"] == "evt_karabakh"
    assert delivered["event_version"] == 1
    assert delivered["change"] == "created"
    assert delivered["delivered_at"] is not None
    [attempt] = delivered["attempts"]
    assert attempt["status_code"] == 200
    assert attempt["error"] is None
    assert attempt["response_snippet"] == "ok"
    assert attempt["latency_ms"] >= 0
    assert await db["deliveries"].count_documents({}) == 1


async def test_same_event_version_twice_sends_one_webhook_and_a_new_version_another(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    await _subscribe(db, "sub_all", webhook_receiver.url("/all"))
    # Published without Nats-Msg-Id, so JetStream keeps both copies and notify itself must not repeat the webhook.
    await _publish(nats_client, _changed(version=1))
    await _publish(nats_client, _changed(version=1))
    await _wait_for_delivery(db, "sub_all", "delivered", "first delivery")
    await asyncio.sleep(1.0)
    assert len(webhook_receiver.received("/all")) == 1

    await _publish(nats_client, _changed(version=2, change="updated", article_count=3))
    await eventually(lambda: len(webhook_receiver.received("/all")) == 2, what="second version's webhook")
    first, second = webhook_receiver.received("/all")
    assert first.headers["webhook-id"] != second.headers["webhook-id"]
    assert json.loads(second.body)["type"] == "event.updated"
    assert await db["deliveries"].count_documents({"status": "delivered"}) == 2


async def test_flaky_endpoint_is_delivered_after_retries_with_every_attempt_recorded(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    webhook_receiver.behave("/flaky", statuses=[500, 503, 200])
    await _subscribe(db, "sub_flaky", webhook_receiver.url("/flaky"))
    await _publish(nats_client, _changed())

    delivered = await _wait_for_delivery(db, "sub_flaky", "delivered", "delivered after retries")
    assert [a["status_code"] for a in delivered["attempts"]] == [500, 503, 200]
    assert [a["error"] for a in delivered["attempts"]] == ["HTTP 500", "HTTP 503", None]
    requests = webhook_receiver.received("/flaky")
    assert len(requests) == 3
    # A retry is the same webhook: same id, so the receiver can tell it is a repeat.
    assert {r.headers["webhook-id"] for r in requests} == {delivered["_id"]}
    for request in requests:
        Webhook(SECRET).verify(request.body, request.headers)
    # The schedule's waits passed between attempts (0.2 s, then 0.3 s).
    assert requests[1].received_at - requests[0].received_at >= 0.15
    assert requests[2].received_at - requests[1].received_at >= 0.25


async def test_endpoint_that_keeps_failing_goes_dead_and_to_the_dead_letters(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    letters = await _dead_letters(nats_client)
    webhook_receiver.behave("/down", statuses=[500])
    await _subscribe(db, "sub_down", webhook_receiver.url("/down"))
    await _publish(nats_client, _changed())

    dead = await _wait_for_delivery(db, "sub_down", "dead", "delivery dead")
    assert len(dead["attempts"]) == 4  # the schedule allows four attempts
    assert "gave up after 4 attempts" in dead["dead_reason"]
    await eventually(lambda: letters, what="dead letter")
    assert letters[0].service == "notify"
    assert letters[0].error_type == "RetriesExhausted"
    assert dead["_id"] in letters[0].body
    await asyncio.sleep(0.5)
    assert len(webhook_receiver.received("/down")) == 4


async def test_gone_endpoint_disables_its_subscription(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    letters = await _dead_letters(nats_client)
    webhook_receiver.behave("/gone", statuses=[410])
    await _subscribe(db, "sub_gone", webhook_receiver.url("/gone"))
    await _publish(nats_client, _changed())

    dead = await _wait_for_delivery(db, "sub_gone", "dead", "delivery dead after 410")
    assert [a["status_code"] for a in dead["attempts"]] == [410]
    subscription = await db["subscriptions"].find_one({"_id": "sub_gone"})
    assert subscription is not None
    assert subscription["enabled"] is False
    assert "410" in subscription["disabled_reason"]
    await eventually(lambda: letters, what="dead letter")
    assert letters[0].error_type == "EndpointGone"

    # Later events are not sent to a disabled subscription (the matcher's cache expires within 0.5 s).
    await asyncio.sleep(0.7)
    await _publish(nats_client, _changed(version=2, change="updated"))
    await asyncio.sleep(1.0)
    assert len(webhook_receiver.received("/gone")) == 1
    assert await db["deliveries"].count_documents({}) == 1


async def test_url_outside_the_allowlist_is_refused_and_not_retried(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    letters = await _dead_letters(nats_client)
    # Loopback, but only 127.0.0.1 is allowlisted; and a cloud metadata address.
    await _subscribe(db, "sub_loopback", f"http://127.0.0.2:{webhook_receiver.port}/hook")
    await _subscribe(db, "sub_metadata", "http://169.254.169.254/latest/meta-data/")
    await _publish(nats_client, _changed())

    for subscription_id in ("sub_loopback", "sub_metadata"):
        dead = await _wait_for_delivery(db, subscription_id, "dead", f"{subscription_id} refused")
        [attempt] = dead["attempts"]
        assert attempt["status_code"] is None
        assert attempt["error"].startswith("refused:")
        assert "not allowlisted" in attempt["error"]
    await eventually(lambda: len(letters) == 2, what="two dead letters")
    assert {letter.error_type for letter in letters} == {"UnsafeURLError"}
    assert webhook_receiver.received() == []
    metrics = notify.notify_metrics.deliveries
    assert metrics.labels("refused")._value.get() == 2


async def test_slow_endpoint_does_not_hold_up_a_fast_one(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    webhook_receiver.behave("/slow", delay=3.0)
    await _subscribe(db, "sub_slow", webhook_receiver.url("/slow"), countries=["AZ"])
    await _subscribe(db, "sub_fast", webhook_receiver.url("/fast"))
    # The slow endpoint's webhook is requested first and has to be in flight when the fast ones go out.
    await _publish(nats_client, _changed(country="AZ"))
    await eventually(lambda: webhook_receiver.received("/slow"), what="slow request started")
    await _publish(nats_client, _changed(event_id="evt_other", country="FR"))
    await _publish(nats_client, _changed(event_id="evt_third", country="FR"))

    await eventually(lambda: len(webhook_receiver.received("/fast")) == 3, timeout=2.5, what="fast webhooks")
    assert await _delivery(db, "sub_slow", "delivered") is None  # still waiting on the slow endpoint
    await _wait_for_delivery(db, "sub_slow", "delivered", "slow webhook delivered")


async def test_subscription_created_while_running_takes_effect_quickly(
    notify: NotifyService, nats_client: NatsClient, db, webhook_receiver: WebhookReceiver
):
    await _publish(nats_client, _changed(version=1))
    await asyncio.sleep(0.3)
    await _subscribe(db, "sub_new", webhook_receiver.url("/new"))
    await asyncio.sleep(0.6)  # the matcher's cache lives 0.5 s in these tests
    await _publish(nats_client, _changed(version=2, change="updated"))
    await eventually(lambda: webhook_receiver.received("/new"), timeout=5, what="webhook for the new subscription")
    [request] = webhook_receiver.received("/new")
    assert json.loads(request.body)["data"]["event"]["version"] == 2

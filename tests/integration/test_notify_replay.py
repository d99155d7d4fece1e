"""Replays through notify: one delivery again, and every matching event since a time, with stable webhook ids."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from nats.aio.client import Client as NatsClient
from standardwebhooks import Webhook

from wirewatch.contracts import DELIVERY_REPLAYS, ReplayRequested
from wirewatch.testing import WebhookReceiver, eventually

from .notify_support import (
    SECRET,
    Db,
    StartNotify,
    changed_event,
    publish_event,
    start_notify,
    subscribe,
    wait_for_delivery,
)

pytestmark = pytest.mark.connected

__all__ = ["start_notify"]  # fixtures


async def _ask(nc: NatsClient, replay: ReplayRequested) -> None:
    await nc.jetstream().publish(DELIVERY_REPLAYS, replay.model_dump_json().encode())


def _replay(replay_id: str, subscription_id: str, **kind: object) -> ReplayRequested:
    return ReplayRequested.model_validate(
        {"replay_id": replay_id, "subscription_id": subscription_id, "requested_at": datetime.now(UTC), **kind}
    )


async def test_replaying_one_delivery_sends_it_again_with_the_same_webhook_id(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify()
    await subscribe(db, "sub_a", webhook_receiver.url("/a"))
    await publish_event(nats_client, changed_event())
    delivered = await wait_for_delivery(db, "sub_a", "delivered", "first delivery")

    replay = _replay("rpl_1", "sub_a", webhook_id=delivered["_id"])
    await _ask(nats_client, replay)
    await eventually(lambda: len(webhook_receiver.received("/a")) == 2, what="the replayed webhook")
    first, again = webhook_receiver.received("/a")
    assert again.headers["webhook-id"] == first.headers["webhook-id"] == delivered["_id"]
    assert Webhook(SECRET).verify(again.body, again.headers) == Webhook(SECRET).verify(first.body, first.headers)

    async def replayed() -> dict[str, object] | None:
        return await db["deliveries"].find_one({"_id": delivered["_id"], "status": "delivered", "replay_ids": "rpl_1"})

    record = await eventually(replayed, what="delivery record of the replay")
    assert isinstance(record, dict)
    assert [a.get("replay_id") for a in record["attempts"]] == [None, "rpl_1"]
    # The same replay request again (a redelivery) sends nothing more.
    await _ask(nats_client, replay)
    await asyncio.sleep(1.0)
    assert len(webhook_receiver.received("/a")) == 2


async def test_replay_since_sends_every_matching_version_even_from_before_the_subscription(
    start_notify: StartNotify, nats_client: NatsClient, db: Db, webhook_receiver: WebhookReceiver
):
    await start_notify()
    start = datetime.now(UTC) - timedelta(seconds=1)
    await publish_event(nats_client, changed_event(version=1))
    await publish_event(nats_client, changed_event(version=2, change="updated", article_count=3))
    await publish_event(nats_client, changed_event(event_id="evt_fr", country="FR"))
    await asyncio.sleep(0.5)
    # Subscribed only now: the live events above were not for it.
    await subscribe(db, "sub_az", webhook_receiver.url("/az"), countries=["AZ"])
    assert webhook_receiver.received() == []

    await _ask(nats_client, _replay("rpl_since", "sub_az", since=start))
    await eventually(lambda: len(webhook_receiver.received("/az")) == 2, what="two replayed versions")
    versions = sorted(
        Webhook(SECRET).verify(r.body, r.headers)["data"]["event"]["version"] for r in webhook_receiver.received("/az")
    )
    assert versions == [1, 2]
    ids = {r.headers["webhook-id"] for r in webhook_receiver.received("/az")}
    assert len(ids) == 2

    # Replaying the same span again re-sends the same versions under the same webhook ids.
    await _ask(nats_client, _replay("rpl_again", "sub_az", since=start))
    await eventually(lambda: len(webhook_receiver.received("/az")) == 4, what="second replay")
    assert {r.headers["webhook-id"] for r in webhook_receiver.received("/az")} == ids
    await asyncio.sleep(0.5)
    assert len(webhook_receiver.received("/az")) == 4
    assert await db["deliveries"].count_documents({"subscription_id": "sub_az"}) == 2


async def test_a_replay_for_an_unknown_subscription_is_dead_lettered(
    start_notify: StartNotify, nats_client: NatsClient, db: Db
):
    await start_notify()
    letters: list[bytes] = []

    async def on_msg(msg: object) -> None:
        letters.append(msg.data)  # type: ignore[attr-defined]

    await nats_client.subscribe("dlq.notify", cb=on_msg)
    await _ask(nats_client, _replay("rpl_x", "sub_missing", since=datetime.now(UTC)))
    await eventually(lambda: letters, what="dead letter")
    assert b"does not exist" in letters[0]

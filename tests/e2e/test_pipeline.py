"""The whole pipeline on real servers: articles pushed to the api come out as events and signed webhooks.

Every service runs as its own process (the same ``Stack`` as ``wirewatch dev``) against the session's nats-server
and SecantusDB. The seed article is real (../shared/data/seed); the second article about the same offensive and the
unrelated one are ours.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from wirewatch.cli.stack import SERVICES, Stack
from wirewatch.runtime import make_mongo_client
from wirewatch.testing import WebhookReceiver, eventually

pytestmark = [pytest.mark.connected, pytest.mark.e2e, pytest.mark.slow]

SEED_NAME = "tasnim-2023-09-19-azerbaijan-karabakh.txt"

# Another outlet's take on the same offensive: different words, different order, a different source.
SECOND_ARTICLE = {
    "url": "https://caucasus-ledger.example/2023/09/19/karabakh-shelling-stepanakert",
    "source": "Caucasus Ledger",
    "published_at": "2023-09-19T14:05:00Z",
    "title": "Shelling reported in Stepanakert as Azerbaijan begins operation in Nagorno-Karabakh",
    "text": (
        "Explosions were heard across Stepanakert on Tuesday after Azerbaijan's defence ministry said its forces "
        "had begun what it called local anti-terrorist measures in Nagorno-Karabakh. Ethnic Armenian officials in "
        "the enclave said artillery and drones struck positions along the line of contact and that civilians "
        "sheltered in basements. Baku said only military targets were being hit and demanded that Armenian "
        "formations lay down their arms. Armenia's prime minister Nikol Pashinyan said Yerevan had no troops in "
        "Karabakh and called on Russian peacekeepers to act. Russia's foreign ministry urged both sides to stop "
        "the fighting."
    ),
}

UNRELATED_ARTICLE = {
    "url": "https://fjord-courier.example/2023/09/19/bergen-ferry-strike",
    "source": "Fjord Courier",
    "published_at": "2023-09-19T09:30:00Z",
    "title": "Ferry crews in Norway walk out over pay, stranding commuters around Bergen",
    "text": (
        "Ferry crews on routes around Bergen stopped work on Tuesday morning after wage talks with operators broke "
        "down, leaving thousands of commuters in western Norway without a crossing. The seafarers' union said the "
        "strike would continue until operators improved their offer on overtime. Norwegian transport officials "
        "arranged replacement buses where roads allowed, but island communities had no alternative."
    ),
}

# Nagorno-Karabakh, generously: the region and its capital lie inside this box, the rest of Azerbaijan mostly not.
KARABAKH_BOX = {"lat": (39.2, 40.4), "lon": (45.8, 47.3)}


def seed_article(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "seed" / SEED_NAME
    if not path.is_file():
        pytest.skip(f"seed article not found at {path}; set WIREWATCH_DATA_DIR to the shared data directory")
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return {
        "url": "https://www.tasnimnews.example/en/news/2023/09/19/azerbaijan-launches-operation",
        "source": "Tasnim News Agency",
        "published_at": "2023-09-19T11:20:00Z",
        "title": title.strip(),
        "text": body.strip(),
    }


def in_karabakh(place: dict[str, Any]) -> bool:
    lat, lon = place.get("lat"), place.get("lon")
    if not isinstance(lat, float | int) or not isinstance(lon, float | int):
        return False
    return (
        KARABAKH_BOX["lat"][0] <= lat <= KARABAKH_BOX["lat"][1]
        and KARABAKH_BOX["lon"][0] <= lon <= KARABAKH_BOX["lon"][1]
    )


@pytest.fixture
async def stack(nats_url: str, mongo_url: str, mongo_db_name: str, tmp_path: Path) -> AsyncIterator[Stack]:
    running = Stack(
        tmp_path / "state",
        services=SERVICES,
        ports=dict.fromkeys(SERVICES, 0),
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=mongo_db_name,
        extra_env={
            "WIREWATCH_NOTIFY_ALLOW_ADDRESSES": '["127.0.0.1"]',
            "WIREWATCH_NOTIFY_DELIVERY_SCHEDULE": "[0, 0.2, 0.5]",
        },
    )
    await asyncio.to_thread(running.start)
    try:
        yield running
    finally:
        await asyncio.to_thread(running.stop)


async def post_article(client: httpx.AsyncClient, article: dict[str, Any]) -> str:
    response = await client.post("/v1/articles", json=article)
    assert response.status_code == 202, response.text
    article_id: str = response.json()["id"]
    return article_id


async def subscribe(client: httpx.AsyncClient, receiver: WebhookReceiver, path: str, **filters: Any) -> dict[str, Any]:
    response = await client.post(
        "/v1/subscriptions", json={"webhook_url": receiver.url(path), "name": path, "filters": filters}
    )
    assert response.status_code == 201, response.text
    subscription: dict[str, Any] = response.json()
    assert subscription["secret"].startswith("whsec_")
    return subscription


def verified_bodies(receiver: WebhookReceiver, path: str, secret: str) -> list[dict[str, Any]]:
    """Every webhook on ``path``, each verified with the spec's reference library (raises when one does not)."""
    verifier = Webhook(secret)
    bodies = []
    for request in receiver.received(path):
        body = verifier.verify(request.body, request.headers)
        assert body == json.loads(request.body)
        bodies.append({"webhook_id": request.headers["webhook-id"], **body})
    return bodies


async def test_articles_become_events_and_signed_webhooks(
    stack: Stack, webhook_receiver: WebhookReceiver, data_dir: Path, mongo_url: str, mongo_db_name: str
) -> None:
    assert stack.api_url is not None
    seed = seed_article(data_dir)
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as api:
        azerbaijan = await subscribe(api, webhook_receiver, "/az", countries=["AZ"])
        brazil = await subscribe(api, webhook_receiver, "/br", countries=["BR"])
        everything = await subscribe(api, webhook_receiver, "/all")

        seed_id = await post_article(api, seed)
        await eventually(
            lambda: len(webhook_receiver.received("/az")) >= 1, timeout=60, what="the AZ webhook for the seed article"
        )

        # The same article again: stored once, and no second notification. (The api gives it the same message id,
        # so JetStream drops the repeat; ingest would see unchanged content otherwise.) Everything after it in the
        # stream is handled after it, so the exact webhook list at the end shows it caused none.
        assert await post_article(api, seed) == seed_id
        mongo = make_mongo_client(mongo_url)
        try:
            articles = mongo[mongo_db_name]["articles"]

            assert await articles.count_documents({"_id": seed_id}) == 1

            second_id = await post_article(api, SECOND_ARTICLE)
            unrelated_id = await post_article(api, UNRELATED_ARTICLE)

            async def everything_delivered() -> bool:
                # created (seed), updated (second article), created (unrelated)
                return len(webhook_receiver.received("/all")) >= 3

            await eventually(everything_delivered, timeout=60, what="three webhooks to the catch-all subscription")
            await eventually(lambda: len(webhook_receiver.received("/az")) >= 2, timeout=30, what="the AZ update")

            # The offensive: one event with both articles, in Azerbaijan, with a place in Nagorno-Karabakh.
            seed_doc = await articles.find_one({"_id": seed_id})
            second_doc = await articles.find_one({"_id": second_id})
            unrelated_doc = await articles.find_one({"_id": unrelated_id})
            assert seed_doc is not None
            assert second_doc is not None
            assert unrelated_doc is not None
            event_id = seed_doc["dedupe"]["event_id"]
            assert second_doc["dedupe"]["event_id"] == event_id, second_doc["dedupe"]
            assert unrelated_doc["dedupe"]["event_id"] != event_id
            assert await articles.count_documents({}) == 3

            deliveries = mongo[mongo_db_name]["deliveries"]
            assert await deliveries.count_documents({"subscription_id": brazil["subscription_id"]}) == 0
        finally:
            await mongo.close()

        event = (await api.get(f"/v1/events/{event_id}")).json()
        assert event["article_count"] == 2
        assert event["source_count"] == 2
        assert event["primary_country"] == "AZ"
        assert "AZ" in event["countries"]
        assert sorted(article["id"] for article in event["articles"]) == sorted([seed_id, second_id])
        assert any(in_karabakh(place) for place in event["places"]), event["places"]
        assert event["languages"] == ["en"]
        # Keyword search works on the embedded database too (terms the dedupe service indexes on the event).
        found = (await api.get("/v1/events", params={"q": "Stepanakert"})).json()["events"]
        assert [e["event_id"] for e in found] == [event_id]
        assert (await api.get("/v1/events", params={"q": "ferry"})).json()["events"][0]["event_id"] != event_id

        listed = (await api.get("/v1/events")).json()["events"]
        assert {e["event_id"] for e in listed} == {event_id, unrelated_doc["dedupe"]["event_id"]}
        assert (await api.get("/v1/events", params={"country": "AZ"})).json()["events"][0]["event_id"] == event_id

    # Azerbaijan's subscriber got the event twice (created, then updated by the second article), signed, and
    # nothing for the duplicate post or the Norwegian strike; Brazil's got nothing at all.
    az = verified_bodies(webhook_receiver, "/az", azerbaijan["secret"])
    assert [(b["type"], b["data"]["event"]["event_id"], b["data"]["event"]["version"]) for b in az] == [
        ("event.created", event_id, 1),
        ("event.updated", event_id, 2),
    ]
    assert len({b["webhook_id"] for b in az}) == 2
    assert az[1]["data"]["event"]["article_count"] == 2
    assert webhook_receiver.received("/br") == []
    everything_types = sorted(b["type"] for b in verified_bodies(webhook_receiver, "/all", everything["secret"]))
    assert everything_types == ["event.created", "event.created", "event.updated"]

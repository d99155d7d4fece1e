from __future__ import annotations

import json

from wirewatch.contracts import EventChanged, Place
from wirewatch.notify.payload import build_payload

from .conftest import make_event


def test_payload_carries_type_timestamp_data_and_a_link(event: EventChanged):
    body = json.loads(build_payload(event, api_base_url="http://api.example/", max_bytes=20_000))
    assert body["type"] == "event.created"
    assert body["timestamp"] == "2023-09-19T12:05:00+00:00"
    assert body["links"] == {"event": "http://api.example/v1/events/evt_karabakh"}
    assert EventChanged.model_validate(body["data"]) == event
    assert "truncated" not in body


def test_a_large_event_is_trimmed_under_the_limit_keeping_the_newest_articles():
    place = Place(name="Stepanakert", lat=39.8, lon=46.75, country="AZ")
    event = make_event(
        article_ids=[f"article-{i:05d}-{'x' * 40}" for i in range(2000)],
        places=[place] * 500,
        entities=[f"entity {i}" for i in range(500)],
        article_count=2000,
    )
    raw = build_payload(event, api_base_url="http://api.example", max_bytes=20_000)
    assert len(raw) <= 20_000
    body = json.loads(raw)
    assert body["truncated"] is True
    ids = body["data"]["event"]["article_ids"]
    assert ids
    assert ids[-1] == event.event.article_ids[-1]
    assert body["data"]["event"]["article_count"] == 2000
    assert body["links"]["event"].endswith("/v1/events/evt_karabakh")

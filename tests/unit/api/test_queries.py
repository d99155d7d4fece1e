"""The pure parts of the api's queries: near and its bounding box, the write rate limiter, the event timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wirewatch.api.event_filters import Near, parse_near
from wirewatch.api.limits import WriteRateLimiter
from wirewatch.api.query_shape import flatten
from wirewatch.api.timeline import build_timeline


def test_parse_near() -> None:
    assert parse_near(" 39.8, 46.75 ,100") == Near(39.8, 46.75, 100.0)
    for bad, message in (
        ("1,2", "lat,lon,km"),
        ("a,b,c", "three numbers"),
        ("91,0,5", "latitude"),
        ("0,0,0", "radius"),
    ):
        with pytest.raises(ValueError, match=message):
            parse_near(bad)


def test_the_latitude_band_holds_the_circle() -> None:
    band = Near(39.8, 46.75, 111.2).latitudes()
    assert band["$gte"] == pytest.approx(38.8, abs=0.01)
    assert band["$lte"] == pytest.approx(40.8, abs=0.01)
    assert Near(89.5, 0, 500).latitudes()["$lte"] == 90.0
    # across the antimeridian the exact check decides
    assert Near(-16.0, -179.5, 500).contains({"places": [{"lat": -18.14, "lon": 178.44}]})


def test_flatten_keeps_queries_flat() -> None:
    t1, t2 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC)
    flat = flatten(
        [
            {"status": {"$ne": "merged"}},
            {"last_seen": {"$gte": t1}},
            {"last_seen": {"$lt": t2}},
            {"last_seen": {"$gte": t2 - timedelta(hours=1)}},
            {"$or": [{"a": 1}, {"b": 1}]},
            {"$or": [{"c": 1}, {"d": 1}]},
        ]
    )
    assert flat == {
        "status": {"$ne": "merged"},
        "last_seen": {"$gte": t2 - timedelta(hours=1), "$lt": t2},
        "$or": [{"a": 1}, {"b": 1}],
        "$and": [{"$or": [{"c": 1}, {"d": 1}]}],
    }
    assert flatten([{"x": 1}, {"x": 2}]) == {"x": 1, "$and": [{"x": 2}]}


def test_the_circle_is_exact_after_the_box() -> None:
    near = Near(39.9, 46.6, 5)
    assert not near.contains({"places": [{"lat": 39.8177, "lon": 46.7528}]})
    assert Near(39.9, 46.6, 20).contains({"places": [{"lat": 39.8177, "lon": 46.7528}]})
    assert not near.contains({"places": []})


def test_rate_limiter_allows_a_burst_then_refills() -> None:
    limiter = WriteRateLimiter(rate_per_minute=60, burst=2)
    assert limiter.retry_after("a", now=0.0) == 0
    assert limiter.retry_after("a", now=0.0) == 0
    assert limiter.retry_after("a", now=0.0) == pytest.approx(1.0)
    assert limiter.retry_after("b", now=0.0) == 0  # per client
    assert limiter.retry_after("a", now=1.0) == 0  # one token back after a second
    small = WriteRateLimiter(rate_per_minute=60, burst=1, max_clients=2)
    for client in ("x", "y", "z"):
        small.retry_after(client, now=0.0)
    assert len(small._buckets) == 2


def test_timeline_from_article_decisions() -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    event = {"recent_changes": [{"change": {"changed_fields": ["title"]}, "decision": {"event_version": 2}}]}
    articles: list[dict[str, Any]] = [
        {
            "_id": "b",
            "title": "B",
            "dedupe": {"decision": "join", "decided_at": t0 + timedelta(minutes=5), "event_version": 2},
        },
        {"_id": "a", "title": "A", "dedupe": {"decision": "create", "decided_at": t0, "event_version": 1}},
        {"_id": "c", "title": "C", "first_seen": t0 + timedelta(hours=1), "dedupe": {"decision": "stale?"}},
    ]
    timeline = build_timeline(event, articles)
    assert [(e.article_id, e.change, e.changed_fields) for e in timeline] == [
        ("a", "created", None),
        ("b", "joined", ["title"]),
        ("c", "other", None),
    ]

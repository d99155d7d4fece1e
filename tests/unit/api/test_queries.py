"""The pure parts of the api's queries: near and its bounding box, the write rate limiter, the event timeline."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from wirewatch.api.event_filters import Near, parse_near
from wirewatch.api.limits import WriteRateLimiter
from wirewatch.api.timeline import build_timeline
from wirewatch.contracts import distance_km


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


def _inside(box: dict[str, object], lat: float, lon: float) -> bool:
    """Evaluate the bounding-box filter the way MongoDB would for one place."""
    if "$or" in box:
        return any(_inside(part, lat, lon) for part in box["$or"])  # type: ignore[attr-defined]
    element = box["places"]["$elemMatch"]  # type: ignore[index]
    for field, value in (("lat", lat), ("lon", lon)):
        bounds = element.get(field)
        if bounds and not bounds["$gte"] <= value <= bounds["$lte"]:
            return False
    return True


@pytest.mark.parametrize(
    ("lat", "lon", "km"),
    [(39.8, 46.75, 100), (-16.0, -179.5, 500), (10.0, 179.9, 300), (88.5, 0.0, 400), (0, 0, 15000)],
)
def test_the_bounding_box_holds_the_whole_circle(lat: float, lon: float, km: float) -> None:
    near = Near(lat, lon, km)
    box = near.bounding_box()
    # Points all around the centre, out past the edge: every one inside the circle must pass the prefilter.
    for degrees in range(0, 360, 10):
        bearing = math.radians(degrees)
        for step in range(1, 200):
            candidate_lat = max(-90.0, min(90.0, lat + (step / 100) * (km / 111.2) * math.cos(bearing)))
            candidate_lon = ((lon + (step / 100) * (km / 50) * math.sin(bearing) + 180) % 360) - 180
            if distance_km(lat, lon, candidate_lat, candidate_lon) <= km:
                assert _inside(box, candidate_lat, candidate_lon), (candidate_lat, candidate_lon)


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

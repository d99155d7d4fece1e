"""Health after a poll: backoff, jitter, validators, staleness."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from wirewatch.contracts import FeedHealth
from wirewatch.ingest.feed_health import HealthPolicy, PollReport, after_poll, is_stale, next_poll_delay

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=1)
POLICY = HealthPolicy(jitter=0.0, backoff_max_seconds=3600, stale_factor=5)


def _after(previous: FeedHealth, report: PollReport, *, interval: float = 60, now: datetime = NOW) -> FeedHealth:
    return after_poll(
        previous, report, interval=interval, created_at=CREATED, now=now, policy=POLICY, rng=random.Random(1)
    )


def _delay(health: FeedHealth) -> float:
    assert health.next_poll_at is not None
    assert health.last_fetch_at is not None
    return (health.next_poll_at - health.last_fetch_at).total_seconds()


def test_backoff_doubles_per_consecutive_failure_up_to_the_cap():
    health = FeedHealth()
    delays = []
    for _ in range(8):
        health = _after(health, PollReport("timeout", error="no complete answer within 30 s"))
        delays.append(_delay(health))
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert health.consecutive_failures == 8
    assert health.last_error == "no complete answer within 30 s"
    recovered = _after(health, PollReport("ok", etag='"v2"'))
    assert (recovered.consecutive_failures, _delay(recovered)) == (0, 60)
    assert recovered.last_error == "no complete answer within 30 s", "the past error stays readable"


def test_backoff_never_overflows_and_honours_retry_after():
    assert next_poll_delay(60, 100_000, POLICY, rng=random.Random()) == 3600
    assert next_poll_delay(60, 1, POLICY, retry_after=900, rng=random.Random()) == 900
    assert next_poll_delay(60, 1, POLICY, retry_after=10**9, rng=random.Random()) == 3600


def test_jitter_spreads_polls_within_bounds():
    policy = HealthPolicy(jitter=0.1)
    rng = random.Random(7)
    delays = {next_poll_delay(600, 0, policy, rng=rng) for _ in range(200)}
    assert min(delays) >= 540
    assert max(delays) <= 660
    assert len(delays) > 100


def test_validators_kept_on_304_and_replaced_on_200():
    first = _after(FeedHealth(), PollReport("ok", etag='"a"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT"))
    same = _after(first, PollReport("not_modified"))
    assert (same.etag, same.last_modified) == ('"a"', "Mon, 01 Jan 2024 00:00:00 GMT")
    dropped = _after(same, PollReport("ok"))
    assert (dropped.etag, dropped.last_modified) == (None, None)
    failed = _after(first, PollReport("http_error", status=500, error="HTTP 500"))
    assert failed.etag == '"a"'


def test_new_items_set_the_rhythm_and_staleness_follows_it():
    health = _after(FeedHealth(), PollReport("ok", new_items=3), now=NOW)
    assert (health.items_seen, health.last_new_item_at, health.item_gap_seconds) == (3, NOW, None)
    later = NOW + timedelta(hours=1)
    health = _after(health, PollReport("ok", new_items=1), now=later)
    assert health.item_gap_seconds == 3600
    assert not health.stale
    # Usual gap 1 h, factor 5: stale after 5 h without a new item, not before.
    assert not is_stale(health, interval=60, created_at=CREATED, now=later + timedelta(hours=4), policy=POLICY)
    assert is_stale(health, interval=60, created_at=CREATED, now=later + timedelta(hours=6), policy=POLICY)
    quiet = _after(health, PollReport("not_modified"), now=later + timedelta(hours=6))
    assert quiet.stale
    assert quiet.consecutive_failures == 0


def test_a_feed_that_never_had_an_item_is_stale_relative_to_its_creation():
    fresh = FeedHealth()
    assert not is_stale(fresh, interval=600, created_at=NOW, now=NOW + timedelta(minutes=40), policy=POLICY)
    assert is_stale(fresh, interval=600, created_at=NOW, now=NOW + timedelta(minutes=51), policy=POLICY)


@pytest.mark.parametrize("outcome", ["http_error", "timeout", "too_large", "parse_error", "refused", "error"])
def test_every_failure_counts_and_keeps_the_last_success(outcome: str):
    ok = _after(FeedHealth(), PollReport("ok"))
    failed = _after(ok, PollReport(outcome, error=f"{outcome} happened"))  # type: ignore[arg-type]
    assert failed.last_success_at == ok.last_success_at
    assert failed.last_outcome == outcome
    assert failed.consecutive_failures == 1

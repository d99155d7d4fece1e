"""A feed's health after one poll, and when to poll it next (jitter on success, exponential backoff on failure).

Pure functions of the previous health and what the poll found, so the rules are unit-tested without a server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from wirewatch.contracts import FeedHealth, FetchOutcome

SUCCESSES: frozenset[FetchOutcome] = frozenset({"ok", "not_modified"})
# Weight of the newest gap between items in the feed's usual rhythm (exponentially smoothed).
_GAP_SMOOTHING = 0.3


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    jitter: float = 0.1
    backoff_max_seconds: float = 6 * 3600.0
    stale_factor: float = 5.0


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of a feed found."""

    outcome: FetchOutcome
    status: int | None = None
    error: str | None = None
    warning: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    new_items: int = 0
    retry_after: float | None = None


def next_poll_delay(
    interval: float, failures: int, policy: HealthPolicy, *, retry_after: float | None = None, rng: random.Random
) -> float:
    """Seconds until the next poll: the interval with jitter, doubled for every consecutive failure (capped)."""
    if failures:
        # The exponent is capped so a feed failing for months cannot overflow a float.
        base = min(interval * 2.0 ** min(failures - 1, 40), max(policy.backoff_max_seconds, interval))
        base = max(base, min(retry_after or 0.0, policy.backoff_max_seconds))
    else:
        base = interval
    return base * (1 + rng.uniform(-policy.jitter, policy.jitter))


def is_stale(health: FeedHealth, *, interval: float, created_at: datetime, now: datetime, policy: HealthPolicy) -> bool:
    """No new item for ``stale_factor`` times the feed's usual gap between items (never shorter than its interval)."""
    usual = max(float(interval), health.item_gap_seconds or 0.0)
    since = health.last_new_item_at or created_at
    return (now - since).total_seconds() > policy.stale_factor * usual


def after_poll(
    previous: FeedHealth,
    report: PollReport,
    *,
    interval: float,
    created_at: datetime,
    now: datetime,
    policy: HealthPolicy,
    rng: random.Random,
) -> FeedHealth:
    """The feed's health once ``report`` is taken into account."""
    fields = previous.model_dump()
    fields.update(last_fetch_at=now, last_outcome=report.outcome, last_status=report.status)
    succeeded = report.outcome in SUCCESSES
    if succeeded:
        fields.update(last_success_at=now, consecutive_failures=0, last_warning=report.warning)
        if report.outcome == "ok":
            # A 200 without validators means the server stopped sending them: forget the old ones.
            fields.update(etag=report.etag, last_modified=report.last_modified)
        else:
            fields.update(
                etag=report.etag or previous.etag, last_modified=report.last_modified or previous.last_modified
            )
    else:
        fields.update(
            consecutive_failures=previous.consecutive_failures + 1,
            last_error=report.error or report.outcome,
            last_error_at=now,
        )
    if report.new_items:
        if previous.last_new_item_at is not None:
            gap = (now - previous.last_new_item_at).total_seconds()
            old = previous.item_gap_seconds
            fields["item_gap_seconds"] = gap if old is None else _GAP_SMOOTHING * gap + (1 - _GAP_SMOOTHING) * old
        fields.update(last_new_item_at=now, items_seen=previous.items_seen + report.new_items)
    delay = next_poll_delay(interval, fields["consecutive_failures"], policy, retry_after=report.retry_after, rng=rng)
    fields["next_poll_at"] = now + timedelta(seconds=delay)
    health = FeedHealth.model_validate(fields)
    stale = is_stale(health, interval=interval, created_at=created_at, now=now, policy=policy)
    return health.model_copy(update={"stale": stale})

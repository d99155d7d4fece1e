"""When to try a failed webhook again: a fixed schedule, stretched by the endpoint's Retry-After."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """``delays[i]`` is the wait before attempt ``i + 1``; the first entry (normally 0) is the first attempt's.

    So a schedule of eight entries allows eight attempts, and after the last one fails the delivery is dead.
    Each wait is stretched by a random share of up to ``jitter`` (0.1 = up to 10 % longer) so that deliveries
    that failed together (an endpoint's outage) do not all come back in the same instant.
    """

    delays: tuple[float, ...]
    max_retry_after: float = 10 * 3600
    jitter: float = 0.0

    @property
    def max_attempts(self) -> int:
        return len(self.delays)

    def next_delay(self, attempts_made: int, retry_after: float | None = None) -> float | None:
        """The wait before the next attempt after ``attempts_made`` attempts, or None when none is left.

        A Retry-After from the endpoint (429/503) lengthens the wait, capped at ``max_retry_after``; it never
        shortens the schedule, since the schedule is what protects an endpoint that is struggling.
        """
        if attempts_made >= self.max_attempts:
            return None
        delay = self.delays[attempts_made]
        if delay > 0 and self.jitter > 0:
            delay *= 1 + random.uniform(0, self.jitter)  # noqa: S311 - spreading load, not security
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after))
        return delay

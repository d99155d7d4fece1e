from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirewatch.notify.schedule import RetrySchedule, parse_retry_after
from wirewatch.notify.settings import SVIX_SCHEDULE, NotifySettings


def test_default_schedule_is_svixs():
    schedule = RetrySchedule(NotifySettings().delivery_schedule)
    assert schedule.max_attempts == 8
    # After the first (immediate) attempt fails: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    waits = [schedule.next_delay(n) for n in range(1, 8)]
    assert waits == [5, 300, 1800, 7200, 18000, 36000, 36000]
    assert schedule.next_delay(8) is None
    assert schedule.delays == SVIX_SCHEDULE


def test_short_schedule_runs_out():
    schedule = RetrySchedule((0, 0.1, 0.2))
    assert [schedule.next_delay(n) for n in (1, 2, 3, 4)] == [0.1, 0.2, None, None]


def test_retry_after_lengthens_but_never_shortens_the_wait():
    schedule = RetrySchedule((0, 5, 300), max_retry_after=3600)
    assert schedule.next_delay(1, retry_after=60) == 60
    assert schedule.next_delay(2, retry_after=60) == 300
    assert schedule.next_delay(1, retry_after=10**6) == 3600
    assert schedule.next_delay(3, retry_after=1) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Tue, 19 Sep 2023 12:01:00 GMT", 60.0),
        ("Tue, 19 Sep 2023 11:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None):
    now = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_jitter_only_lengthens_and_stays_within_its_share():
    schedule = RetrySchedule((0, 10, 100), jitter=0.2)
    firsts = [schedule.next_delay(1) for _ in range(200)]
    assert all(f is not None and 10 <= f <= 12 for f in firsts)
    assert len(set(firsts)) > 100  # really spread
    assert RetrySchedule((0, 0), jitter=0.5).next_delay(1) == 0  # "immediately" stays immediate
    # Retry-After wins over a jittered schedule when it is longer.
    assert schedule.next_delay(1, retry_after=60) == 60

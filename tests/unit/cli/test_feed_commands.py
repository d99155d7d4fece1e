"""``wirewatch feeds``: state words and the health table."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from wirewatch.cli.feed_commands import feed_state, status_table

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_feed_state_words():
    assert feed_state({"enabled": False, "health": {"consecutive_failures": 3}}) == "disabled"
    assert feed_state({"health": {"consecutive_failures": 1, "stale": True}}) == "failing"
    assert feed_state({"health": {"stale": True, "last_fetch_at": "2026-11-24T11:00:00+00:00"}}) == "stale"
    assert feed_state({"health": {}}) == "new"
    assert feed_state({"health": {"last_fetch_at": "2026-11-24T11:00:00+00:00"}}) == "healthy"


def test_status_table_shows_times_relative_and_the_current_error():
    feeds = [
        {
            "feed_id": "feed_1",
            "url": "https://a.example/rss",
            "source_name": "A News",
            "health": {
                "last_fetch_at": "2026-11-24T11:59:00+00:00",
                "last_success_at": "2026-11-24T11:00:00+00:00",
                "consecutive_failures": 2,
                "last_error": "HTTP 503 Service Unavailable",
                "next_poll_at": "2026-11-24T12:20:00+00:00",
            },
        }
    ]
    console = Console(width=200, record=True)
    console.print(status_table(feeds, NOW))
    text = console.export_text()
    assert "A News" in text
    assert "failing" in text
    assert "60m ago" in text
    assert "in 20m" in text
    assert "HTTP 503 Service Unavailable" in text

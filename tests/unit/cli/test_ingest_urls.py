"""``wirewatch ingest --url``: what a URL submission looks like, and which URLs are refused before publishing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirewatch.cli.ingest_command import url_submission

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def test_a_url_asks_ingest_to_fetch_the_page() -> None:
    submitted = url_submission(" https://news.example/a?utm_source=x ", submitted_at=NOW)
    assert submitted.url == "https://news.example/a?utm_source=x"
    assert submitted.fetch_page
    assert submitted.title == ""
    assert submitted.origin == "push"


@pytest.mark.parametrize("url", ["news.example/a", "ftp://news.example/a", "https://", "http://[::1", "x" * 5000])
def test_urls_that_cannot_be_fetched_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"URL|url"):
        url_submission(url, submitted_at=NOW)

"""Every feedparser fixture through our feed parser: nothing crashes or hangs, the expectations we map hold.

Prints the pass rate (run with ``-s`` to see it): evaluated = fixtures under wellformed/ and json/ whose
``Expect:`` has a clause about a field we map (entry title, link, id, summary, dates, entry count).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from wirewatch.ingest.feed_parser import FeedParseError, ParsedFeed, parse_feed

from .feed_expectations import judge, read_fixture

# feedparser's own test harness serves fixtures whose name says "http" from this address (relative URIs in their
# expectations resolve against it).
_HARNESS_URL = "http://127.0.0.1:8097/"
_PER_FIXTURE_SECONDS = 2.0
_MIN_PASS_RATE = 0.98


def _fixtures(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name not in {"LICENSE", "SOURCE_COMMIT"})


def test_every_feedparser_fixture_parses_without_crash_or_hang_and_expectations_hold(data_dir: Path):
    root = data_dir / "feeds" / "feedparser"
    if not root.is_dir():
        pytest.skip(f"{root} not found")
    tally: Counter[str] = Counter()
    failures: list[str] = []
    slowest = 0.0
    started = time.monotonic()
    for path in _fixtures(root):
        fixture = read_fixture(path)
        relative = path.relative_to(root)
        url = fixture.headers.get("content-location") or (_HARNESS_URL + str(relative) if "http" in path.name else None)
        began = time.monotonic()
        parsed: ParsedFeed | None
        try:
            parsed = parse_feed(fixture.body, content_type=fixture.headers.get("content-type"), url=url)
            tally["parsed"] += 1
        except FeedParseError:
            parsed = None  # a clear "not a feed", not a crash
            tally["not a feed"] += 1
        elapsed = time.monotonic() - began
        slowest = max(slowest, elapsed)
        assert elapsed < _PER_FIXTURE_SECONDS, f"{relative} took {elapsed:.1f} s"
        if relative.parts[0] not in {"wellformed", "json"} or not fixture.expect:
            continue
        verdict = judge(fixture.expect, parsed)
        if not verdict.evaluated:
            tally["skipped (no mapped field)"] += 1
        elif verdict.passed:
            tally["passed"] += 1
        else:
            tally["failed"] += 1
            failures.append(f"{relative}: {verdict.detail}")
    evaluated = tally["passed"] + tally["failed"]
    rate = tally["passed"] / evaluated
    print(
        f"\nfeedparser fixtures: {sum(tally[k] for k in ('parsed', 'not a feed'))} run in "
        f"{time.monotonic() - started:.1f} s (slowest {slowest * 1000:.0f} ms); {dict(tally)}; "
        f"pass rate {tally['passed']}/{evaluated} = {rate:.1%}"
    )
    assert tally["parsed"] + tally["not a feed"] > 2000
    assert evaluated > 600
    assert rate >= _MIN_PASS_RATE, "\n".join(failures[:30])

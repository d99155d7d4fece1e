"""Parsing JSONL lines into submissions; bad lines are reported with their number and reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from wirewatch.cli.ingest_file import (
    InvalidLineError,
    LineError,
    ParsedLine,
    parse_line,
    parse_lines,
    parse_published_at,
    submission_msg_id,
)

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _line(**fields: object) -> str:
    return json.dumps(fields)


def test_good_and_bad_lines_are_told_apart_with_line_numbers():
    lines = [
        _line(title="Quake hits Morocco", url="https://a.example/1", published_at="2023-09-09T06:10:00Z"),
        "{not json",
        "",
        _line(text="no title here"),
        _line(title="Bad date", published_at="yesterday"),
        "[1, 2]",
        _line(title="   "),
        _line(title="Only a title"),
    ]
    results = list(parse_lines(lines, submitted_at=NOW))
    good = [r for r in results if isinstance(r, ParsedLine)]
    bad = {r.line: r.reason for r in results if isinstance(r, LineError)}
    assert [g.line for g in good] == [1, 8]
    assert set(bad) == {2, 4, 5, 6, 7}  # the blank line 3 is neither
    assert "invalid JSON" in bad[2]
    assert bad[4] == "missing title"
    assert "published_at" in bad[5]
    assert "yesterday" in bad[5]
    assert "JSON object" in bad[6]
    assert "title" in bad[7]
    first = good[0].article
    assert first.origin == "file"
    assert first.submitted_at == NOW
    assert first.published_at == datetime(2023, 9, 9, 6, 10, tzinfo=UTC)


def test_fields_violating_the_contract_are_reported_by_name():
    with pytest.raises(InvalidLineError, match=r"url"):
        parse_line(_line(title="x", url="u" * 5000), submitted_at=NOW)
    with pytest.raises(InvalidLineError, match=r"source"):
        parse_line(_line(title="x", source=["not", "a", "string"]), submitted_at=NOW)


def test_unknown_keys_are_ignored_and_origin_is_always_file():
    article = parse_line(_line(title="t", story="label", origin="push"), submitted_at=NOW)
    assert article.origin == "file"
    assert article.title == "t"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-09-19T10:00:00+04:00", datetime(2023, 9, 19, 6, 0, tzinfo=UTC)),
        ("2023-09-19T10:00:00Z", datetime(2023, 9, 19, 10, 0, tzinfo=UTC)),
        ("2023-09-19T10:00:00", datetime(2023, 9, 19, 10, 0, tzinfo=UTC)),  # naive: taken as UTC
        ("2023-09-19", datetime(2023, 9, 19, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_published_at_forms(raw, expected):
    assert parse_published_at(raw) == expected


def test_published_at_rejects_non_strings_and_nonsense():
    with pytest.raises(InvalidLineError):
        parse_published_at(1695117600)
    with pytest.raises(InvalidLineError):
        parse_published_at("19/09/2023")


def test_msg_id_is_stable_for_the_same_content_and_changes_with_it():
    one = parse_line(_line(title="A", text="body", url="https://a.example/x?utm_source=rss"), submitted_at=NOW)
    later = parse_line(_line(title="A", text="body", url="https://A.example/x"), submitted_at=NOW + timedelta(hours=1))
    edited = parse_line(_line(title="A", text="body, updated", url="https://a.example/x"), submitted_at=NOW)
    assert submission_msg_id(one) == submission_msg_id(later)
    assert submission_msg_id(one) != submission_msg_id(edited)
    assert submission_msg_id(one).startswith("submit:")

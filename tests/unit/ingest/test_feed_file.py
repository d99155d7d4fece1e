"""The feeds file, and the shipped example."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from wirewatch.contracts import feed_id_for
from wirewatch.ingest.feed_file import FeedsFileError, load_feeds_file

NOW = datetime(2026, 11, 24, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "feeds.example.toml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_feeds_file_with_defaults(tmp_path: Path):
    path = _write(
        tmp_path,
        """
[defaults]
interval = 900

[[feed]]
url = "https://feeds.example/world.xml"
source_name = "Example World"

[[feed]]
url = "https://feeds.example/sport.xml"
interval = 300
enabled = false
""",
    )
    world, sport = load_feeds_file(path, NOW)
    assert (world.feed_id, world.interval_seconds, world.source_name) == (
        feed_id_for("https://feeds.example/world.xml"),
        900,
        "Example World",
    )
    assert (sport.interval_seconds, sport.enabled, sport.added_by) == (300, False, "file")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[feed]\nurl=", "not valid TOML"),
        ('[[feed]]\nurl = "ftp://x.example/feed"', "not an http(s) URL"),
        ('[[feed]]\nurl = "https://x.example/feed"\ninterval = 0', "interval_seconds"),
        ('[[feed]]\nurl = "https://x.example/feed"\nname = "X"', "unknown key(s) name"),
    ],
)
def test_bad_feeds_files_are_refused_with_the_entry_and_the_reason(tmp_path: Path, text: str, words: str):
    with pytest.raises(FeedsFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_feeds_file(_write(tmp_path, text), NOW)


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FeedsFileError, match="cannot read the feeds file"):
        load_feeds_file(tmp_path / "nope.toml", NOW)


def test_the_shipped_example_loads():
    feeds = load_feeds_file(EXAMPLE, NOW)
    assert len(feeds) >= 20
    assert len({f.feed_id for f in feeds}) == len(feeds)
    assert all(f.url.startswith("https://") and f.source_name for f in feeds)

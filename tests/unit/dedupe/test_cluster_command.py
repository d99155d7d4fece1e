"""``wirewatch cluster`` and ``wirewatch eval cluster`` as a user runs them (no enrichment, no servers)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from wirewatch.cli.main import app

from .stories import REUTERS_TEXT, REUTERS_TITLE, TASNIM_TEXT, TASNIM_TITLE

LINES = [
    {"id": "t", "title": TASNIM_TITLE, "text": TASNIM_TEXT, "published_at": "2023-09-19T10:00:00Z", "gold": "k"},
    {"id": "r", "title": REUTERS_TITLE, "text": REUTERS_TEXT, "published_at": "2023-09-19T12:00:00Z", "gold": "k"},
    {"id": "c", "title": "Central bank raises interest rates", "published_at": "2023-09-19T11:00:00Z", "gold": "b"},
]


def _write(tmp_path: Path, extra: tuple[str, ...] = ()) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([*(json.dumps(line) for line in LINES), *extra]) + "\n", encoding="utf-8")
    return path


def test_cluster_writes_one_line_per_article_and_reports_bad_lines(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["cluster", str(_write(tmp_path, ("{broken",))), "--out", str(out)])
    assert result.exit_code == 1  # a bad line was skipped
    assert "line 4" in result.output
    rows = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"t", "r", "c"}
    assert rows["t"]["event_id"] == rows["r"]["event_id"] != rows["c"]["event_id"]


def test_eval_cluster_scores_against_a_gold_field(tmp_path: Path):
    result = CliRunner().invoke(app, ["eval", "cluster", str(_write(tmp_path)), "--gold-field", "gold", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output.splitlines()[0])
    assert (scores["bcubed_f1"], scores["adjusted_rand_index"], scores["mixed_events"]) == (1.0, 1.0, 0)
    missing = CliRunner().invoke(app, ["eval", "cluster", str(_write(tmp_path)), "--gold-field", "nope", "--json"])
    assert missing.exit_code == 1

"""The demo corpus: short articles written for wirewatch, from fictional outlets, about six real-world-style events.

Each line also carries ``story``, the event it belongs to, so the corpus doubles as a small labelled set for
dedupe and clustering. Wire copies (the same text under another outlet's headline) and rewrites are deliberate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from wirewatch.contracts import ArticleSubmitted

from .ingest_file import parse_line

CORPUS = "demo_articles.jsonl"


@dataclass(frozen=True, slots=True)
class DemoArticle:
    story: str
    article: ArticleSubmitted


def demo_lines() -> list[str]:
    """The corpus as JSONL lines, the same format ``wirewatch ingest`` reads."""
    text = resources.files("wirewatch.cli").joinpath(CORPUS).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def demo_articles(submitted_at: datetime | None = None) -> list[DemoArticle]:
    """The corpus parsed into submissions (``origin="file"``), in publication order within each story."""
    when = submitted_at or datetime.now(UTC)
    return [DemoArticle(json.loads(line)["story"], parse_line(line, submitted_at=when)) for line in demo_lines()]

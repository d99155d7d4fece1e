"""An event's timeline of changes, derived from what dedupe stores.

Dedupe keeps no full change history on an event: the document is rewritten on every change and holds only its
last few changes (``recent_changes``, for redelivery). What it does keep for every article is the decision that
placed it (``articles.dedupe``: create / join / revision / duplicate, the scores, ``decided_at``, the event version
it produced, and ``merged_from`` when the article came over in a merge). So the timeline is one entry per article
decision, oldest first, and the changed fields are filled in from ``recent_changes`` where the version is still
there. An article's later revision replaces its earlier decision, so a revised article shows once, as revised.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Change = Literal["created", "joined", "revised", "duplicate", "other"]
_CHANGES: dict[str, Change] = {"create": "created", "join": "joined", "revision": "revised", "duplicate": "duplicate"}


class TimelineEntry(BaseModel):
    at: datetime | None = Field(description="when dedupe decided (wall clock)")
    change: Change
    article_id: str
    title: str | None = None
    source: str | None = None
    event_version: int | None = Field(default=None, description="the event version this change produced")
    changed_fields: list[str] | None = Field(
        default=None, description="snapshot fields that changed, when the event still remembers that version"
    )
    scores: dict[str, Any] | None = Field(default=None, description="the clustering scores that placed it")
    merged_from: str | None = Field(default=None, description="the event it belonged to before a merge")


def _changed_fields(recent_changes: Iterable[Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for record in recent_changes:
        if not isinstance(record, dict):
            continue
        version = (record.get("decision") or {}).get("event_version")
        fields = (record.get("change") or {}).get("changed_fields")
        if isinstance(version, int) and isinstance(fields, list):
            found[version] = [str(f) for f in fields]
    return found


def build_timeline(event_doc: dict[str, Any], articles: Iterable[dict[str, Any]]) -> list[TimelineEntry]:
    """Entries oldest first, from the articles' decisions (see the module docstring for what is and is not there)."""
    changed = _changed_fields(event_doc.get("recent_changes") or ())
    entries: list[TimelineEntry] = []
    for doc in articles:
        decision = doc.get("dedupe") or {}
        version = decision.get("event_version")
        entries.append(
            TimelineEntry(
                at=decision.get("decided_at") or doc.get("first_seen"),
                change=_CHANGES.get(str(decision.get("decision")), "other"),
                article_id=doc["_id"],
                title=doc.get("title"),
                source=doc.get("source"),
                event_version=version if isinstance(version, int) else None,
                changed_fields=changed.get(version) if isinstance(version, int) else None,
                scores=decision.get("scores") if isinstance(decision.get("scores"), dict) else None,
                merged_from=decision.get("merged_from"),
            )
        )
    entries.sort(key=lambda e: (e.at is None, e.at or datetime.min.replace(tzinfo=UTC), e.event_version or 0))
    return entries

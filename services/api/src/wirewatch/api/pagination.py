"""Cursors for newest-first event pages.

``before`` takes either a plain ISO 8601 time (events last seen strictly before it) or the opaque ``next_cursor``
of a previous page, which also carries the last event's id so that events sharing one ``last_seen`` are neither
skipped nor repeated across the page boundary.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class EventCursor:
    last_seen: datetime
    event_id: str | None = None

    def query(self) -> dict[str, Any]:
        """The MongoDB filter for "older than this cursor" in (last_seen, _id) descending order."""
        if self.event_id is None:
            return {"last_seen": {"$lt": self.last_seen}}
        return {
            "$or": [
                {"last_seen": {"$lt": self.last_seen}},
                {"last_seen": self.last_seen, "_id": {"$lt": self.event_id}},
            ]
        }


def encode_cursor(last_seen: datetime, event_id: str) -> str:
    raw = json.dumps({"t": last_seen.isoformat(), "id": event_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_before(value: str) -> EventCursor:
    """Read ``before``; raises ValueError with a message fit for the client."""
    value = value.strip()
    try:
        return EventCursor(_aware(datetime.fromisoformat(value)))
    except ValueError:
        pass
    try:
        padded = value + "=" * (-len(value) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        return EventCursor(_aware(datetime.fromisoformat(data["t"])), str(data["id"]))
    except (ValueError, binascii.Error, KeyError, TypeError, UnicodeError) as exc:
        raise ValueError("before must be an ISO 8601 time or a next_cursor from an earlier page") from exc

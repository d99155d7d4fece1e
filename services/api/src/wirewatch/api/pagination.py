"""Opaque keyset cursors for the list endpoints.

A page is "the next ``limit`` items after this sort key and id" in a fixed descending order, so items that arrive
while a client pages (new events have the newest keys) land before its position and never shift what comes next:
nothing is skipped or repeated because something new came in. Items sharing one sort key are told apart by id.

The cursor is base64url JSON ``{"s": sort, "k": key, "id": ..., "a": as_of}``: the sort it belongs to (a cursor
of one sort is refused by another), the last item's key and id, and for ``fastest`` the end of the growth window
the first page used, so every page ranks by the same counts. Clients must treat it as opaque.

``before`` (older clients) also takes a plain ISO 8601 time: items whose ``last_seen`` is strictly earlier.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Key = datetime | int | list[Any] | None


@dataclass(frozen=True, slots=True)
class Cursor:
    sort: str
    key: Key
    item_id: str | None = None
    as_of: datetime | None = None

    def query(self, field: str) -> dict[str, Any]:
        """The MongoDB filter for "after this cursor" in (``field``, _id) descending order."""
        if self.item_id is None:
            return {field: {"$lt": self.key}}
        return {"$or": [{field: {"$lt": self.key}}, {field: self.key, "_id": {"$lt": self.item_id}}]}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": _aware(value).isoformat()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return _aware(datetime.fromisoformat(value["t"]))
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if value is None:  # a document without the sort field (they sort last)
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("cursor key")
    return value


def encode_cursor(sort: str, key: Key, item_id: str, as_of: datetime | None = None) -> str:
    data: dict[str, Any] = {"s": sort, "k": _plain(key), "id": item_id}
    if as_of is not None:
        data["a"] = _aware(as_of).isoformat()
    raw = json.dumps(data, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(value: str, sort: str) -> Cursor:
    """Read a cursor of ``sort``; raises ValueError with a message fit for the client."""
    try:
        padded = value.strip() + "=" * (-len(value.strip()) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        cursor = Cursor(
            str(data["s"]),
            _typed(data["k"]),
            str(data["id"]),
            _aware(datetime.fromisoformat(data["a"])) if data.get("a") else None,
        )
    except (ValueError, binascii.Error, KeyError, TypeError, UnicodeError) as exc:
        raise ValueError("not a cursor from an earlier page of this endpoint") from exc
    if cursor.sort != sort:
        raise ValueError(f"this cursor belongs to sort={cursor.sort}, not sort={sort}")
    return cursor


def parse_before(value: str, sort: str = "newest") -> Cursor:
    """``before``: an ISO 8601 time (newest-first lists only) or a cursor."""
    try:
        moment = _aware(datetime.fromisoformat(value.strip()))
    except ValueError:
        try:
            return decode_cursor(value, sort)
        except ValueError as exc:
            raise ValueError("before must be an ISO 8601 time or a next_cursor from an earlier page") from exc
    if sort != "newest":
        raise ValueError("a time in before only works with sort=newest; pass next_cursor as cursor")
    return Cursor(sort, moment)

"""The webhook body: ``{"type": "event.<change>", "timestamp": ..., "data": <EventChanged>, "links": ...}``.

Bodies stay under a size limit so receivers with small request limits still get them: long lists are cut
(the newest article ids and the most salient places are kept) and the body says so with ``"truncated": true``;
the ``links.event`` URL always leads to the full event.
"""

from __future__ import annotations

import json
from typing import Any

from wirewatch.contracts import EventChanged

# Lists of the snapshot that may be shortened, with which end to keep: article_ids are newest last.
_TRIMMABLE: tuple[tuple[str, bool], ...] = (
    ("article_ids", True),
    ("places", False),
    ("entities", False),
    ("keywords", False),
    ("actors", False),
)
_MAX_TITLE_CHARS = 1000


def event_url(api_base_url: str, event_id: str) -> str:
    return f"{api_base_url.rstrip('/')}/v1/events/{event_id}"


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_payload(changed: EventChanged, *, api_base_url: str, max_bytes: int) -> bytes:
    """The JSON body for one event change, at most ``max_bytes`` long whenever trimming lists can get there."""
    data = changed.model_dump(mode="json")
    body: dict[str, Any] = {
        "type": f"event.{changed.change}",
        "timestamp": changed.changed_at.isoformat(),
        "data": data,
        "links": {"event": event_url(api_base_url, changed.event.event_id)},
    }
    encoded = _encode(body)
    if len(encoded) <= max_bytes:
        return encoded
    body["truncated"] = True
    snapshot = data["event"]
    if len(snapshot["title"]) > _MAX_TITLE_CHARS:
        snapshot["title"] = snapshot["title"][:_MAX_TITLE_CHARS]
    data["changed_fields"] = data["changed_fields"][:50]
    # Halve every list until the body fits: a few rounds at most, and cheap next to an HTTP request.
    while len(encoded := _encode(body)) > max_bytes:
        if not any(snapshot[name] for name, _ in _TRIMMABLE):
            break
        for name, keep_tail in _TRIMMABLE:
            items = snapshot[name]
            keep = len(items) // 2
            snapshot[name] = items[len(items) - keep :] if keep_tail else items[:keep]
    return encoded

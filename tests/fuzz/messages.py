"""One valid example of every bus message, as JSON-ready dicts, and a strategy that damages them."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from wirewatch.contracts import (
    ArticleEnriched,
    ArticleIngested,
    ArticleSubmitted,
    DeadLetter,
    EventChanged,
    Message,
    ReplayRequested,
    WebhookDeliveryRequested,
)

from .values import json_values, nasty_text

AT = "2026-11-25T00:00:00+00:00"
_SNAPSHOT: dict[str, Any] = {
    "event_id": "evt_1", "version": 2, "title": "Quake hits the region", "category": "disaster",
    "event_type": {"category": "disaster", "type": "earthquake", "subtype": None, "confidence": 0.9},
    "countries": ["TR"], "primary_country": "TR",
    "places": [{"name": "Ankara", "geonameid": 323786, "lat": 39.9, "lon": 32.8, "country": "TR"}],
    "actors": ["AFAD"], "entities": ["Ankara"], "keywords": ["quake"], "languages": ["en"],
    "first_seen": AT, "last_seen": AT, "article_count": 3, "source_count": 2, "article_ids": ["a1", "a2"],
}  # fmt: skip
_CHANGED: dict[str, Any] = {"change": "updated", "event": _SNAPSHOT, "changed_fields": ["title"],
                            "article_id": "a2", "ingested_at": AT, "changed_at": AT}  # fmt: skip
_INGESTED: dict[str, Any] = {"article_id": "a1", "revision": 1, "url": "https://news.example/a",
                             "canonical_url": "https://news.example/a", "title": "Quake", "text": "A quake.",
                             "published_at": AT, "content_hash": "h" * 64, "ingested_at": AT}  # fmt: skip
_ENRICHMENT: dict[str, Any] = {
    "lang": "en",
    "entities": [{"text": "Ankara", "label": "GPE", "start": 0, "end": 6}],
    "places": _SNAPSHOT["places"],
    "countries": ["TR"],
    "primary_place": _SNAPSHOT["places"][0],
    "event_type": _SNAPSHOT["event_type"],
    "tone": -0.4,
    "numbers": [{"text": "6.8", "value": 6.8, "start": 10, "end": 13}],
    "dates": [{"text": "19 September 2023", "date": "2023-09-19", "start": 20, "end": 37}],
}

# (model, a valid example of it)
EXAMPLES: list[tuple[type[Message], dict[str, Any]]] = [
    (ArticleSubmitted, {"url": "https://news.example/a", "title": "Quake", "text": "A quake.",
                        "published_at": AT, "source": "Example", "lang": "en", "submitted_at": AT}),
    (ArticleIngested, _INGESTED),
    (ArticleEnriched, {"article": _INGESTED, "enrichment": _ENRICHMENT, "enriched_at": AT}),
    (EventChanged, _CHANGED),
    (WebhookDeliveryRequested, {"webhook_id": "msg_1", "subscription_id": "sub_1", "event": _CHANGED,
                                "requested_at": AT}),
    (ReplayRequested, {"replay_id": "r1", "subscription_id": "sub_1", "since": AT, "requested_at": AT}),
    (DeadLetter, {"service": "enrich", "subject": "articles.ingested", "num_delivered": 5, "error_type": "X",
                  "error": "boom", "body": "{}", "failed_at": AT}),
]  # fmt: skip
MODELS = [model for model, _ in EXAMPLES]

_REPLACEMENTS = st.one_of(
    json_values(),
    nasty_text(40),
    st.sampled_from([1e308, -1e308, 2**63, 2**64, -1, 0, "", "9999-12-31T23:59:59+23:59", "0001-01-01T00:00:00Z",
                     "2026-11-25T00:00:00", "NaN", [], {}]),
)  # fmt: skip


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@st.composite
def damaged(draw: st.DrawFn, example: dict[str, Any]) -> Any:
    """``example`` with a few fields replaced by any JSON, removed, or joined by unknown ones."""
    doc = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(doc)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(nasty_text(10))] = draw(_REPLACEMENTS)
        else:
            parent[path[-1]] = draw(_REPLACEMENTS)
    return doc

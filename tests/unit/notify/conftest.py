from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirewatch.contracts import EventChanged


def make_event(**overrides: object) -> EventChanged:
    """An EventChanged about the 2023 Karabakh offensive; ``overrides`` go to the snapshot, ``change`` to the top."""
    change = overrides.pop("change", "created")
    snapshot: dict[str, object] = {
        "event_id": "evt_karabakh",
        "version": 1,
        "title": "Azerbaijan launches military operation in Nagorno-Karabakh",
        "category": "conflict",
        "countries": ["AZ", "AM"],
        "primary_country": "AZ",
        "first_seen": datetime(2023, 9, 19, 10, tzinfo=UTC),
        "last_seen": datetime(2023, 9, 19, 12, tzinfo=UTC),
        "article_count": 3,
        "source_count": 2,
        "article_ids": ["a1", "a2", "a3"],
    }
    snapshot.update(overrides)
    return EventChanged.model_validate(
        {"change": change, "event": snapshot, "changed_at": datetime(2023, 9, 19, 12, 5, tzinfo=UTC)}
    )


@pytest.fixture
def event() -> EventChanged:
    return make_event()

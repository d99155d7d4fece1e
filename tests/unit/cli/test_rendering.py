"""What people and scripts see."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from rich.console import Console

from wirewatch.cli.rendering import (
    event_line,
    events_table,
    message_json,
    message_text,
    stack_panel,
    subscriptions_table,
)
from wirewatch.contracts import EventChanged, EventSnapshot

T0 = datetime(2023, 9, 19, 8, 40, tzinfo=UTC)


def _changed(change: str = "created") -> EventChanged:
    snapshot = EventSnapshot(
        event_id="evt_1",
        version=3,
        title="Azerbaijan launches operation in Nagorno-Karabakh",
        category="conflict",
        countries=["AZ", "AM"],
        primary_country="AZ",
        first_seen=T0,
        last_seen=T0,
        article_count=4,
        source_count=3,
    )
    return EventChanged(change=change, event=snapshot, changed_at=T0)  # type: ignore[arg-type]


def _render(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_event_line_says_change_category_country_title_and_counts():
    text = event_line(_changed("updated")).plain
    assert text.split()[:3] == ["updated", "conflict", "AZ"]
    assert "Azerbaijan launches operation in Nagorno-Karabakh" in text
    assert "articles=4" in text
    assert "sources=3" in text
    assert "duplicates" not in text
    dup = _changed().model_copy(update={"event": _changed().event.model_copy(update={"duplicate_count": 2})})
    assert event_line(dup).plain.endswith("articles=4 sources=3 duplicates=2")


def test_event_without_countries_shows_a_placeholder():
    changed = _changed()
    bare = changed.model_copy(
        update={"event": changed.event.model_copy(update={"countries": [], "primary_country": None})}
    )
    assert event_line(bare).plain.split()[2] == "--"


def test_messages_on_event_subjects_are_shown_in_words_others_as_json():
    event = _changed()
    assert message_text("events.created.conflict.AZ", event.model_dump_json().encode()).plain.startswith("created")
    other = message_text("articles.submit", b'{"title": "x"}').plain
    assert other.startswith("articles.submit\n")
    assert json.loads(other.split("\n", 1)[1]) == {"title": "x"}
    # Something on an event subject that is not an event is still shown, not dropped.
    assert "not json" in message_text("events.created.x.XX", b"not json").plain


def test_message_json_is_one_parseable_line():
    line = message_json("events.created.conflict.AZ", _changed().model_dump_json().encode())
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["subject"] == "events.created.conflict.AZ"
    assert parsed["data"]["event"]["event_id"] == "evt_1"
    assert json.loads(message_json("x", b"\xffraw")) == {"subject": "x", "data": "\ufffdraw"}


def test_events_table_lists_api_snapshots():
    event = _changed().event.model_dump(mode="json")
    out = _render(events_table([event, {"event_id": "evt_2", "title": "Sparse", "countries": ["MA"]}]))
    assert "evt_1" in out
    assert "Azerbaijan launches operation" in out
    assert "AZ" in out
    assert "evt_2" in out
    assert "MA" in out
    assert "2023-09-19 08:40" in out


def test_subscriptions_table_never_shows_the_secret():
    sub = {
        "subscription_id": "sub_1",
        "name": "karabakh desk",
        "webhook_url": "https://hooks.example/in",
        "secret": "whsec_c2VjcmV0",
        "filters": {"countries": ["AZ", "AM"], "categories": []},
        "enabled": True,
    }
    out = _render(subscriptions_table([sub]))
    assert "sub_1" in out
    assert "AZ, AM" in out
    assert "any" in out  # no category filter
    assert "whsec_" not in out


def test_stack_panel_shows_every_row():
    out = _render(stack_panel([("api", "http://127.0.0.1:8080"), ("NATS", "nats://127.0.0.1:4222")]))
    assert "http://127.0.0.1:8080" in out
    assert "nats://127.0.0.1:4222" in out

"""Fuzzing message decoding: every bus message from any bytes, from any JSON and from damaged valid messages.

Property: decoding gives the message or a ``ValidationError`` (which ``consume()`` turns into a dead letter with
the error), never another exception, within a bound; and whatever decodes can be sent on again: its JSON decodes
to the same message, so a hop never publishes what the next hop must dead-letter. The path from a real consumer to
the dead letters is fuzzed in test_dead_letters_fuzz.py.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from wirewatch.contracts import (
    EventChanged,
    Message,
    NumberMention,
    SubscriptionFilter,
    event_subject,
    matches,
)

from .campaign import bounded, budget
from .messages import EXAMPLES, MODELS, damaged
from .values import json_values

BOUND = 5.0


def _decode(model: type[Message], body: bytes) -> Message | None:
    refused: ValidationError | None = None
    try:
        message = model.model_validate_json(body)
    except ValidationError as exc:
        refused = exc
    if refused is not None:
        assert refused.errors(), "a validation error must name what is wrong"
        return None
    again = model.model_validate_json(message.model_dump_json())
    assert again == message, "what decodes must survive being sent on"
    return message


@budget(quick=80, campaign=5000)
@given(st.sampled_from(MODELS), st.binary(max_size=600))
def test_any_bytes_decode_to_a_message_or_a_validation_error(model: type[Message], body: bytes) -> None:
    with bounded("message decoding: any bytes", BOUND):
        _decode(model, body)


@budget(quick=80, campaign=3000)
@given(st.sampled_from(MODELS), json_values(max_leaves=30))
def test_any_json_decodes_to_a_message_or_a_validation_error(model: type[Message], value: Any) -> None:
    with bounded("message decoding: any JSON", BOUND):
        _decode(model, json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass"))


@st.composite
def _damaged_messages(draw: st.DrawFn) -> tuple[type[Message], bytes]:
    model, valid = draw(st.sampled_from(EXAMPLES))
    return model, json.dumps(draw(damaged(valid)), allow_nan=True).encode("utf-8", "surrogatepass")


@budget(quick=150, campaign=6000)
@given(_damaged_messages())
@example((NumberMention, b'{"text": "9", "value": 1e400, "start": 0, "end": 1}'))  # infinity does not survive JSON
def test_damaged_messages_decode_and_survive_being_sent_on_or_are_refused(case: tuple[type[Message], bytes]) -> None:
    with bounded("message decoding: damaged valid messages", BOUND):
        _decode(*case)


_FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "countries": st.lists(st.sampled_from(["TR", "tr", "XX", "", "Türkiye", "t"]), max_size=3),
        "categories": st.lists(st.sampled_from(["disaster", "Disaster ", "", "*", ">", "a.b"]), max_size=3),
        "keywords": st.lists(json_values(max_leaves=1), max_size=3),
        "near": json_values(max_leaves=4),
        "min_articles": json_values(max_leaves=1),
    },
)


@budget(quick=80, campaign=3000)
@given(_damaged_messages(), _FILTERS)
def test_decoded_events_get_a_safe_subject_and_any_filter_matches_or_not(
    case: tuple[type[Message], bytes], raw_filter: dict[str, Any]
) -> None:
    model, body = case
    with bounded("message decoding: event subjects and matching", BOUND):
        changed = _decode(model, body)
        if not isinstance(changed, EventChanged):
            return
        subject = event_subject(changed.change, changed.event.category, changed.event.primary_country)
        tokens = subject.split(".")
        assert len(tokens) == 4, subject
        assert all(token and not set(token) & set(" *>\t\r\n") for token in tokens), subject
        try:
            subscription_filter = SubscriptionFilter.model_validate(raw_filter)
        except ValidationError:
            return
        assert isinstance(matches(subscription_filter, changed), bool)

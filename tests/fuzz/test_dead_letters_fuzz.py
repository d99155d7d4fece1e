"""Fuzzing each service's decode path end to end: undecodable messages on its input reach ``dlq.<service>``.

Ingest, enrich, dedupe and notify run in this process with their real routers against the test's nats-server and
database. Each example publishes a few bodies that do not decode as the subject's message (damaged valid messages,
any JSON, any bytes) to the services' inputs. Property: every one lands in its service's dead letters with a
``ValidationError`` naming what is wrong and the original body, within a bound; nothing is lost and no consumer
stops (a valid article published after bad ones is still ingested).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from pydantic import ValidationError

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
from wirewatch.dedupe.main import create_service as create_dedupe
from wirewatch.dedupe.settings import DedupeSettings
from wirewatch.enrich.main import create_service as create_enrich
from wirewatch.enrich.settings import EnrichSettings
from wirewatch.ingest.main import create_service as create_ingest
from wirewatch.ingest.settings import IngestSettings
from wirewatch.notify.main import create_service as create_notify
from wirewatch.notify.settings import NotifySettings
from wirewatch.runtime import Service
from wirewatch.testing import eventually

from .campaign import bounded, budget
from .messages import EXAMPLES, damaged
from .values import json_values

pytestmark = [pytest.mark.connected, pytest.mark.slow]

BOUND = 20.0
# (subject, the service that consumes it, the message it must decode as)
INPUTS: list[tuple[str, str, type[Message]]] = [
    ("articles.submit", "ingest", ArticleSubmitted),
    ("articles.ingested", "enrich", ArticleIngested),
    ("articles.enriched", "dedupe", ArticleEnriched),
    ("events.updated.disaster.TR", "notify", EventChanged),
    ("notify.deliveries", "notify", WebhookDeliveryRequested),
    ("notify.replay", "notify", ReplayRequested),
]
_VALID = dict(EXAMPLES)


def _create(name: str, common: dict[str, Any]) -> Service:
    if name == "ingest":
        return create_ingest(IngestSettings(**common, poller_enabled=False))
    if name == "enrich":
        return create_enrich(EnrichSettings(**common))
    if name == "dedupe":
        return create_dedupe(DedupeSettings(**common))
    return create_notify(NotifySettings(**common))


@pytest.fixture
async def services(
    request: pytest.FixtureRequest, nats_url: str, mongo_url: str, mongo_db_name: str
) -> AsyncIterator[list[Service]]:
    """The services named by the test's ``services`` parameter, started in this process."""
    common: dict[str, Any] = {"nats_url": nats_url, "mongo_url": mongo_url, "mongo_db": mongo_db_name,
                              "max_deliver": 2, "retry_delays": (0.05,)}  # fmt: skip
    started: list[Service] = []
    try:
        for name in request.param:
            service = _create(name, common)
            await service.start()
            started.append(service)
        yield started
    finally:
        for service in reversed(started):
            await service.stop()


@pytest.fixture
async def dead_letters(nats_client: NatsClient) -> dict[tuple[str, int | None], DeadLetter]:
    letters: dict[tuple[str, int | None], DeadLetter] = {}

    async def on_letter(msg: Msg) -> None:
        letter = DeadLetter.model_validate_json(msg.data)
        letters[(letter.subject, letter.stream_sequence)] = letter

    await nats_client.subscribe("dlq.>", cb=on_letter)
    return letters


def _undecodable(model: type[Message], body: bytes) -> bool:
    try:
        model.model_validate_json(body)
    except ValidationError:
        return True
    return False


def _json(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


@st.composite
def _bad_inputs(draw: st.DrawFn) -> tuple[str, str, bytes]:
    subject, service, model = draw(st.sampled_from(INPUTS))
    sources = [json_values(max_leaves=15).map(_json), st.binary(max_size=300)]
    if (valid := _VALID.get(model)) is not None:
        sources.insert(0, damaged(valid).map(_json))
    body = draw(st.one_of(*sources))
    assume(_undecodable(model, body))
    return subject, service, body


@pytest.mark.parametrize("services", [("ingest", "enrich", "dedupe", "notify")], indirect=True)
@budget(quick=15, campaign=300)
@given(inputs=st.lists(_bad_inputs(), min_size=1, max_size=4))
async def test_undecodable_messages_reach_the_dead_letters_with_their_error(
    services: list[Service],
    nats_client: NatsClient,
    dead_letters: dict[tuple[str, int | None], DeadLetter],
    inputs: list[tuple[str, str, bytes]],
) -> None:
    js = nats_client.jetstream()
    with bounded("dead letters: undecodable input of every service", BOUND):
        sent = [(subject, service, body, (await js.publish(subject, body)).seq) for subject, service, body in inputs]
        await eventually(
            lambda: all((subject, seq) in dead_letters for subject, _, _, seq in sent),
            timeout=BOUND,
            interval=0.02,
            what="a dead letter for every undecodable message",
        )
    for subject, service, body, seq in sent:
        letter = dead_letters[(subject, seq)]
        assert letter.service == service
        assert letter.error_type == "ValidationError"
        assert "validation error" in letter.error
        assert letter.body == body.decode("utf-8", errors="replace")


# Ingest alone: enrich would wait for its model to finish loading before it let the valid article go at shutdown.
@pytest.mark.parametrize("services", [("ingest",)], indirect=True)
async def test_ingest_keeps_going_after_bad_input(
    services: list[Service], nats_client: NatsClient, dead_letters: dict[tuple[str, int | None], DeadLetter]
) -> None:
    js = nats_client.jetstream()
    for body in (b"\xff not json", b"[]", b'{"title": 1}', b'{"schema_version": 2, "title": "x"}'):
        await js.publish("articles.submit", body)
    article = ArticleSubmitted(title="Still flowing", text="After the bad input.", submitted_at=datetime.now(UTC))
    await js.publish("articles.submit", article.model_dump_json().encode())
    db = services[0].db
    await eventually(lambda: db["articles"].find_one({"title": "Still flowing"}), what="the valid article stored")
    await eventually(lambda: len(dead_letters) == 4, what="four dead letters")

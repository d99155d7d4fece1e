"""kill -9 of a real dedupe process in the middle of a stream: nothing lost, nothing doubled (issue 5).

The service runs as a child process (``python -m wirewatch.dedupe``) against the session's nats-server and
SecantusDB; it is killed with SIGKILL while articles are being decided, and a fresh process takes over. Whatever
the kill interrupted (a write before its publish, a provisional event before its check, a fetched batch not acked)
comes back through redelivery and the state in MongoDB.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from tests.integration.test_dedupe import HEADLINES, _collect, _event_messages, _headline, _publish, _store_articles
from tests.unit.dedupe.stories import enriched
from wirewatch.contracts import ArticleEnriched, EventType, Place
from wirewatch.dedupe.events import RECENT_CHANGES, EventState
from wirewatch.dedupe.features import features_from_enriched
from wirewatch.dedupe.scoring import ClusteringPolicy, choose_event
from wirewatch.runtime import ChildProcess, free_port, provision_streams
from wirewatch.testing import eventually

pytestmark = [pytest.mark.connected, pytest.mark.slow]

WAJIMA = Place(name="Wajima", geonameid=1848373, lat=37.39, lon=136.9, country="JP")
QUAKE = EventType(category="disaster", type="earthquake", confidence=0.9)
QUAKE_ENTITIES = (("Japan", "GPE"), ("Noto", "LOC"), ("Ishikawa", "GPE"))
# A second story, in another country: like HEADLINES, every pair joins whichever comes first (checked below).
QUAKE_HEADLINES = [
    "Strong earthquake strikes Noto peninsula in Japan's Ishikawa",
    "Japan issues tsunami warning after Noto earthquake in Ishikawa",
    "Magnitude 7.5 quake hits Ishikawa, Japan, buildings collapse in Wajima",
    "Fires break out in Wajima after powerful Noto earthquake",
    "Noto peninsula earthquake: Japan sends troops to Ishikawa",
    "Tsunami waves reach Wajima after Japan earthquake",
    "Ishikawa earthquake leaves thousands without power in Noto",
    "Japan earthquake: rescuers search collapsed homes in Wajima, Ishikawa",
]


KILL_AFTER = 5


def _quake(n: int, title: str) -> ArticleEnriched:
    return enriched(f"q{n}", title, "", source=f"quake outlet {n}", entities=QUAKE_ENTITIES, places=(WAJIMA,),
                    event_type=QUAKE)  # fmt: skip


def _stream() -> list[ArticleEnriched]:
    """Both stories interleaved, as a live feed mixes them."""
    karabakh = [_headline(n, t) for n, t in enumerate(HEADLINES)]
    quake = [_quake(n, t) for n, t in enumerate(QUAKE_HEADLINES)]
    mixed = [m for pair in zip(karabakh, quake, strict=False) for m in pair]
    return mixed + karabakh[len(quake) :]


def test_each_story_joins_whichever_article_comes_first_and_never_the_other_story():
    karabakh = [features_from_enriched(_headline(n, t)) for n, t in enumerate(HEADLINES)]
    quake = [features_from_enriched(_quake(n, t)) for n, t in enumerate(QUAKE_HEADLINES)]
    for story, other in ((quake, karabakh), (karabakh, quake)):
        for first in story:
            event = EventState.found(first)
            for second in story:
                if second is not first:
                    assert choose_event(second, [event], ClusteringPolicy()).kind == "join", (first.title, second.title)
            for stranger in other:
                assert choose_event(stranger, [event], ClusteringPolicy()).kind == "create", stranger.title


def _dedupe_process(nats_url: str, mongo_url: str, db: str, log: Path) -> ChildProcess:
    env = {
        "WIREWATCH_NATS_URL": nats_url,
        "WIREWATCH_MONGO_URL": mongo_url,
        "WIREWATCH_MONGO_DB": db,
        "WIREWATCH_DEDUPE_PORT": str(free_port()),
        "WIREWATCH_DEDUPE_BATCH_SIZE": "4",
        "WIREWATCH_DEDUPE_RETRY_DELAYS": "[0.2, 0.5]",
        "WIREWATCH_DEDUPE_MAX_DELIVER": "20",  # deliveries while the killed process's lease runs out are no failure
        # What the killed process fetched comes back after ack_wait; its unchecked creations after the lease.
        "WIREWATCH_DEDUPE_ACK_WAIT_SECONDS": "2",
        "WIREWATCH_DEDUPE_CREATION_LEASE_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    child = ChildProcess("dedupe", [sys.executable, "-m", "wirewatch.dedupe"], log_path=log, env=env)
    child.start()
    return child


@pytest.mark.timeout(60)
async def test_kill_9_mid_stream_loses_nothing_and_doubles_nothing(
    nats_url: str, mongo_url: str, mongo_db_name: str, nats_client: NatsClient, db: Any, tmp_path: Path
):
    await provision_streams(nats_client.jetstream())
    published = await _collect(nats_client)
    stream = _stream()
    await _store_articles(db, *stream)
    children: list[ChildProcess] = []
    try:
        for message in stream:
            await _publish(nats_client, message)
        children.append(_dedupe_process(nats_url, mongo_url, mongo_db_name, tmp_path / "dedupe-killed.log"))
        # Killed a few decisions in (with a batch fetched and unacked, most articles still to come), then restarted.
        await eventually(lambda: len(published) >= KILL_AFTER, timeout=30, what=f"{KILL_AFTER} decisions")
        children[0].kill()
        children.append(_dedupe_process(nats_url, mongo_url, mongo_db_name, tmp_path / "dedupe-restarted.log"))

        async def all_in() -> bool:
            counts: list[int] = [e["article_count"] async for e in db["events"].find({"pending": {"$exists": False}})]
            return sum(counts) == len(stream)

        await eventually(all_in, timeout=40, what="every article in an event")
        await asyncio.sleep(0.5)  # a last publish of a replay may still be on its way
    finally:
        for child in children:
            child.kill()

    events = [doc async for doc in db["events"].find({})]
    # One event per story, each holding each of its articles once.
    assert sorted((e["article_count"], e["version"], e["status"]) for e in events) == [
        (len(QUAKE_HEADLINES), len(QUAKE_HEADLINES), "active"),
        (len(HEADLINES), len(HEADLINES), "active"),
    ]
    members = Counter(m for e in events for m in e["members"])
    assert sorted(members) == sorted(m.article.article_id for m in stream)
    assert set(members.values()) == {1}
    # Every article's stored decision names its event.
    async for article in db["articles"].find({}):
        event = next(e for e in events if article["_id"] in e["members"])
        assert article["dedupe"]["event_id"] == event["_id"]
    # Every version of every event was published, and the stream keeps each exactly once (Nats-Msg-Id); except
    # by design: a crashed attempt redelivered after its change left the event's kept log (RECENT_CHANGES later
    # changes) re-sends the current state instead, so only a version that many behind the final one may be missing.
    seen = {(c.event.event_id, c.event.version) for _, c, _ in published}
    assert seen <= {(e["_id"], v) for e in events for v in range(1, e["version"] + 1)}
    for e in events:
        missing = {v for v in range(1, e["version"] + 1) if (e["_id"], v) not in seen}
        assert all(v <= e["version"] - RECENT_CHANGES for v in missing), (e["_id"], sorted(missing))
        assert (e["_id"], 1) in seen
        assert (e["_id"], e["version"]) in seen
    assert {c.event.event_id for _, c, _ in published if c.change == "created"} == {e["_id"] for e in events}
    assert {c.event.event_id for _, c, _ in published} == {e["_id"] for e in events}
    assert await _event_messages(nats_client) == len(seen)  # each published version once, no repeats

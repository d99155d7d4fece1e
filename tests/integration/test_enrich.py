"""Enrich against a real nats-server and SecantusDB: articles.ingested -> article document -> articles.enriched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from wirewatch.contracts import (
    ARTICLES_ENRICHED,
    ARTICLES_INGESTED,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    ArticleEnriched,
    ArticleIngested,
    Enrichment,
)
from wirewatch.enrich.main import create_service
from wirewatch.enrich.repository import EnrichmentRepository
from wirewatch.enrich.settings import EnrichSettings
from wirewatch.runtime import make_mongo_client, provision_streams
from wirewatch.testing import eventually

pytestmark = pytest.mark.connected

TITLE = "Azerbaijan Launches New Military Operation in Nagorno-Karabakh"
TEXT = (
    "The Republic of Azerbaijan's ministry of defense announced the commencement of anti-terrorist activities in "
    "the breakaway region of Nagorno-Karabakh. Explosions were reported in Stepanakert, known as Khankendi in "
    "Azerbaijan. Armenia's foreign ministry called on Russian peacekeepers to intervene. United Nations "
    "spokesperson Stephane Dujarric called for a peaceful resolution."
)
TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _article(revision: int = 1) -> ArticleIngested:
    return ArticleIngested(
        article_id="a1b2c3d4e5f6a1b2c3d4e5f6",
        revision=revision,
        url="https://news.example/karabakh",
        canonical_url="https://news.example/karabakh",
        title=TITLE,
        text=TEXT,
        published_at=datetime(2023, 9, 19, 10, 0, tzinfo=UTC),
        source="Example News",
        content_hash=f"hash-{revision}",
        ingested_at=datetime.now(UTC),
    )


@pytest.fixture
async def enrich(nats_url: str, mongo_url: str, mongo_db_name: str):
    service = create_service(
        EnrichSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, retry_delays=(0.1,))
    )
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def articles(mongo_url: str, mongo_db_name: str):
    client = make_mongo_client(mongo_url)
    try:
        yield client[mongo_db_name]["articles"]
    finally:
        await client.close()


async def _collect(nc: NatsClient, subject: str) -> list[Msg]:
    received: list[Msg] = []

    async def on_msg(msg: Msg) -> None:
        received.append(msg)

    await nc.subscribe(subject, cb=on_msg)
    return received


async def _publish(nc: NatsClient, article: ArticleIngested) -> None:
    await nc.jetstream().publish(
        ARTICLES_INGESTED,
        article.model_dump_json().encode(),
        headers={
            HEADER_MSG_ID: f"ingested:{article.article_id}:{article.revision}",
            HEADER_INGESTED_AT: article.ingested_at.isoformat(),
            HEADER_TRACEPARENT: TRACE,
        },
    )


async def _store_as_ingest_would(articles, article: ArticleIngested, **extra: object) -> None:
    await articles.insert_one(
        {"_id": article.article_id, "title": article.title, "text": article.text, "revision": article.revision, **extra}
    )


async def test_ingested_article_is_enriched_stored_and_published(enrich, nats_client: NatsClient, articles) -> None:
    published = await _collect(nats_client, ARTICLES_ENRICHED)
    article = _article()
    await _store_as_ingest_would(articles, article)
    await _publish(nats_client, article)
    # The message waits for the model, which loads in 4-6 s on an idle machine and three times that with the
    # machine's cores shared by other suites.
    await eventually(lambda: len(published) == 1, what="articles.enriched", timeout=60)

    msg = published[0]
    assert msg.headers is not None
    assert msg.headers[HEADER_MSG_ID] == f"enriched:{article.article_id}:1"
    assert msg.headers[HEADER_INGESTED_AT] == article.ingested_at.isoformat()
    assert msg.headers[HEADER_TRACEPARENT] == TRACE
    enriched = ArticleEnriched.model_validate_json(msg.data)
    assert enriched.article == article
    enrichment = enriched.enrichment
    assert enrichment.event_type is not None
    assert enrichment.event_type.category == "conflict"
    assert enrichment.countries[0] == "AZ"
    assert enrichment.primary_place is not None
    assert enrichment.primary_place.name == "Nagorno-Karabakh"
    assert {"Nagorno-Karabakh", "Stepanakert"} <= {p.name for p in enrichment.places}

    doc = await articles.find_one({"_id": article.article_id})
    assert doc is not None
    assert doc["enriched_revision"] == 1
    assert doc["title"] == TITLE  # ingest's fields are left alone
    assert Enrichment.model_validate(doc["enrichment"]) == enrichment
    assert (await enrich.readiness())["model"] == "ok"


async def test_older_revision_is_not_stored_over_a_newer_one(enrich, nats_client: NatsClient, articles) -> None:
    published = await _collect(nats_client, ARTICLES_ENRICHED)
    newer, older = _article(revision=2), _article(revision=1)
    await _store_as_ingest_would(articles, newer)
    await _publish(nats_client, newer)
    await eventually(lambda: len(published) == 1, what="revision 2 enriched", timeout=20)
    await _publish(nats_client, older)

    def stale_counted() -> bool:
        return bool(enrich.registry.get_sample_value("wirewatch_enrich_articles_total", {"outcome": "stale"}) == 1)

    await eventually(stale_counted, what="revision 1 judged stale", timeout=20)
    ok = enrich.registry.get_sample_value("wirewatch_messages_total", {"service": "enrich", "outcome": "ok"})
    assert ok == 2  # both acked
    assert len(published) == 1  # the stale revision is acked, not republished
    doc = await articles.find_one({"_id": newer.article_id})
    assert doc is not None
    assert doc["enriched_revision"] == 2


async def test_a_backlog_is_enriched_in_batches_each_message_acked_once(
    nats_url: str, mongo_url: str, mongo_db_name: str, nats_client: NatsClient, articles
) -> None:
    # Published before the service starts: the first pull fetch brings several at once.
    await provision_streams(nats_client.jetstream())
    published = await _collect(nats_client, ARTICLES_ENRICHED)
    backlog = [
        _article().model_copy(update={"article_id": f"backlog{i:017d}", "title": f"{TITLE} ({i})"}) for i in range(12)
    ]
    for article in backlog:
        await _store_as_ingest_would(articles, article)
        await _publish(nats_client, article)
    service = create_service(
        EnrichSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, batch_size=8)
    )
    await service.start()
    try:
        await eventually(lambda: len(published) == len(backlog), what="the backlog enriched", timeout=30)
        registry = service.registry
        batches = registry.get_sample_value("wirewatch_enrich_batch_size_count")
        assert batches is not None
        assert batches < len(backlog)  # fewer NLP batches than articles: they were enriched together
        ok = registry.get_sample_value("wirewatch_messages_total", {"service": "enrich", "outcome": "ok"})
        assert ok == len(backlog)
        stored = await articles.count_documents({"enriched_revision": 1})
        assert stored == len(backlog)
        ids = {ArticleEnriched.model_validate_json(m.data).article.article_id for m in published}
        assert ids == {a.article_id for a in backlog}
    finally:
        await service.stop()


async def test_bad_input_flows_on_with_what_could_be_extracted(enrich, nats_client: NatsClient, articles) -> None:
    published = await _collect(nats_client, ARTICLES_ENRICHED)
    garbage = _article().model_copy(
        update={"article_id": "garbage0000000000000000", "title": "Protest in Kyiv", "text": "\x00\x01\xff" * 5000}
    )
    empty = _article().model_copy(update={"article_id": "empty00000000000000000000", "title": "Kyiv", "text": ""})
    for article in (garbage, empty):
        await _store_as_ingest_would(articles, article)
        await _publish(nats_client, article)
    await eventually(lambda: len(published) == 2, what="both bad articles enriched and published", timeout=20)
    by_id = {
        e.article.article_id: e.enrichment for e in (ArticleEnriched.model_validate_json(m.data) for m in published)
    }
    assert any("binary" in w for w in by_id[garbage.article_id].warnings)
    assert by_id[garbage.article_id].countries == ["UA"]  # from the title
    assert any("title only" in w for w in by_id[empty.article_id].warnings)
    degraded = enrich.registry.get_sample_value("wirewatch_enrich_degraded_total")
    assert degraded == 2
    dead = enrich.registry.get_sample_value("wirewatch_dead_letters_total", {"service": "enrich", "reason": "failed"})
    assert not dead


async def test_a_bulk_store_gives_each_article_its_own_outcome(mongo_url: str, mongo_db_name: str, articles) -> None:
    client = make_mongo_client(mongo_url)
    repository = EnrichmentRepository(client[mongo_db_name])
    fresh, newer_stored, unknown = (_article().model_copy(update={"article_id": f"bulk{i:020d}"}) for i in range(3))
    await _store_as_ingest_would(articles, fresh)
    await _store_as_ingest_would(articles, newer_stored, enriched_revision=3)
    now = datetime.now(UTC)
    try:
        outcomes = await repository.store_many(
            [(fresh, Enrichment(summary="a"), now), (newer_stored, Enrichment(summary="b"), now),
             (unknown, Enrichment(summary="c"), now)]
        )  # fmt: skip
        assert outcomes == ["stored", "stale", "missing"]
        # A redelivery of the same revision overwrites its own write; the newer revision is still untouched.
        assert await repository.store(fresh, Enrichment(summary="a2"), now) == "stored"
        docs = {d["_id"]: d async for d in articles.find({})}
        assert docs[fresh.article_id]["enrichment"]["summary"] == "a2"
        assert docs[newer_stored.article_id]["enriched_revision"] == 3
        assert "enrichment" not in docs[newer_stored.article_id]
        assert unknown.article_id not in docs
    finally:
        await client.close()

"""/v1/events and /v1/articles queries against a real SecantusDB: each filter, the sorts, paging while new events
arrive, an event's timeline, and bad parameters as 422 problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.contracts import search_terms

pytestmark = pytest.mark.connected

T0 = datetime(2024, 2, 6, 12, 0, tzinfo=UTC)
STEPANAKERT = {"name": "Stepanakert", "lat": 39.8177, "lon": 46.7528, "country": "AZ"}
KYIV = {"name": "Kyiv", "lat": 50.45, "lon": 30.52, "country": "UA"}
FIJI = {"name": "Suva", "lat": -18.14, "lon": 178.44, "country": "FJ"}  # near the antimeridian
SAMOA = {"name": "Apia", "lat": -13.83, "lon": -171.76, "country": "WS"}


@pytest.fixture
async def api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield client


def event(event_id: str, minutes: int, **fields: Any) -> dict[str, Any]:
    """An event document as dedupe stores it, with search_terms computed by the shared function."""
    doc: dict[str, Any] = {
        "_id": event_id,
        "version": 1,
        "title": f"event {event_id}",
        "category": "other",
        "countries": [],
        "places": [],
        "entities": [],
        "actors": [],
        "keywords": [],
        "languages": ["en"],
        "first_seen": T0,
        "last_seen": T0 + timedelta(minutes=minutes),
        "article_count": 1,
        "source_count": 1,
        "status": "active",
    } | fields
    if doc.pop("with_terms", True):
        doc["search_terms"] = search_terms(
            doc["title"], doc["keywords"], [*doc["entities"], *doc["actors"]], [p["name"] for p in doc["places"]]
        )
    return doc


@pytest.fixture
async def events(db: Any) -> None:
    await db["events"].insert_many(
        [
            event(
                "ev_quake",
                50,
                title="Earthquake strikes southern Türkiye",
                category="disaster",
                event_type={"category": "disaster", "type": "earthquake", "confidence": 0.9},
                countries=["TR", "SY"],
                entities=["Recep Tayyip Erdoğan"],
                keywords=["earthquake", "rescue"],
                article_count=40,
                source_count=12,
                languages=["en", "tr"],
            ),
            event(
                "ev_karabakh",
                40,
                title="Azerbaijan launches operation in Karabakh",
                category="conflict",
                event_type={"category": "conflict", "type": "battles", "subtype": "armed_clash", "confidence": 0.8},
                countries=["AZ", "AM"],
                places=[STEPANAKERT],
                entities=["Azerbaijan", "Armenia"],
                article_count=9,
                source_count=5,
                first_seen=T0 + timedelta(minutes=30),
            ),
            event(
                "ev_kyiv",
                30,
                title="Drone attack on Kyiv",
                category="conflict",
                countries=["UA"],
                places=[KYIV],
                entities=["Ukraine"],
                article_count=3,
                source_count=2,
                languages=["uk"],
            ),
            event("ev_suva", 20, title="Cyclone nears Fiji", category="disaster", places=[FIJI], countries=["FJ"]),
            # Written before dedupe stored search_terms: found by its keywords and entities exactly.
            event(
                "ev_legacy",
                10,
                title="Old flood story",
                category="disaster",
                keywords=["flood"],
                entities=["Danube"],
                with_terms=False,
            ),
            event("ev_merged", 60, title="Earthquake duplicate", status="merged", merged_into="ev_quake"),
            # dedupe's creation check is not done yet: it may still be withdrawn
            event("ev_provisional", 70, title="Earthquake again", pending={"owner": "dedupe-1"}),
        ]
    )


async def ids(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/v1/events", params=params)
    assert response.status_code == 200, response.text
    return [e["event_id"] for e in response.json()["events"]]


async def test_each_event_filter(api: httpx.AsyncClient, events: None) -> None:
    # merged redirects and provisional events are not listed
    everything = ["ev_quake", "ev_karabakh", "ev_kyiv", "ev_suva", "ev_legacy"]
    assert await ids(api) == everything
    assert await ids(api, since=(T0 + timedelta(minutes=30)).isoformat()) == ["ev_quake", "ev_karabakh", "ev_kyiv"]
    assert await ids(api, until=(T0 + timedelta(minutes=30)).isoformat()) == ["ev_suva", "ev_legacy"]
    assert await ids(api, since="2024-02-06T12:15:00", time_field="first_seen") == ["ev_karabakh"]
    assert await ids(api, category="conflict") == ["ev_karabakh", "ev_kyiv"]
    assert await ids(api, category="Disaster,conflict", min_articles=5) == ["ev_quake", "ev_karabakh"]
    assert await ids(api, event_type="armed_clash") == ["ev_karabakh"]
    assert await ids(api, event_type="earthquake") == ["ev_quake"]
    assert await ids(api, country=["sy", "UA"]) == ["ev_quake", "ev_kyiv"]
    assert await ids(api, near="39.9,46.6,50") == ["ev_karabakh"]
    assert await ids(api, near="39.9,46.6,5") == []  # in the bounding box's reach but not in the circle
    assert await ids(api, near="50,30,2000") == ["ev_karabakh", "ev_kyiv"]
    assert await ids(api, near="-16,-175,1000") == ["ev_suva"]  # a circle across the antimeridian
    assert await ids(api, entity="recep tayyip erdogan") == ["ev_quake"]  # any case, accents folded
    assert await ids(api, entity="Danube") == ["ev_legacy"]  # no search_terms: the exact entity
    assert await ids(api, q="earthquake TURKIYE") == ["ev_quake"]
    assert await ids(api, q="flood") == ["ev_legacy"]  # no search_terms: the exact keyword
    assert await ids(api, q="karabakh operation") == ["ev_karabakh"]
    assert await ids(api, q="karabakh flood") == []
    assert await ids(api, min_sources=5) == ["ev_quake", "ev_karabakh"]
    assert await ids(api, language="tr") == ["ev_quake"]
    assert await ids(api, language="uk", category="conflict", country="UA", near="50.4,30.5,30") == ["ev_kyiv"]


async def test_sorts(api: httpx.AsyncClient, events: None, db: Any) -> None:
    assert await ids(api, sort="biggest") == ["ev_quake", "ev_karabakh", "ev_kyiv", "ev_suva", "ev_legacy"]
    # fastest-growing: the articles that joined in the last hour; events that did not grow are not listed.
    now = datetime.now(UTC)
    joined = [("ev_kyiv", 5), ("ev_suva", 2), ("ev_quake", 1)]
    await db["articles"].insert_many(
        [
            {
                "_id": f"a_{event_id}_{n}",
                "title": "t",
                "dedupe": {"event_id": event_id, "decided_at": now - timedelta(minutes=n)},
            }
            for event_id, count in joined
            for n in range(count)
        ]
        + [{"_id": "a_old", "title": "t", "dedupe": {"event_id": "ev_legacy", "decided_at": now - timedelta(hours=3)}}]
    )
    page = (await api.get("/v1/events", params={"sort": "fastest", "limit": 2})).json()
    assert [(e["event_id"], e["growth"]) for e in page["events"]] == [("ev_kyiv", 5), ("ev_suva", 2)]
    # A burst after the first page does not reshuffle the next one: the cursor carries the window.
    await db["articles"].insert_many(
        [
            {"_id": f"late_{n}", "title": "t", "dedupe": {"event_id": "ev_quake", "decided_at": datetime.now(UTC)}}
            for n in range(9)
        ]
    )
    rest = (await api.get("/v1/events", params={"sort": "fastest", "cursor": page["next_cursor"]})).json()
    assert [(e["event_id"], e["growth"]) for e in rest["events"]] == [("ev_quake", 1)]
    assert rest["next_cursor"] is None
    assert await ids(api, sort="fastest", category="conflict") == ["ev_kyiv"]
    assert (await ids(api, sort="fastest"))[0] == "ev_quake"  # a new first page sees the burst


async def test_pages_stay_stable_while_new_events_arrive(api: httpx.AsyncClient, db: Any) -> None:
    await db["events"].insert_many([event(f"ev_{n:02d}", n) for n in range(10)])
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    for page_number in range(10):
        page = (await api.get("/v1/events", params=params)).json()
        seen += [e["event_id"] for e in page["events"]]
        # New events (newer and same-time ones) arrive between pages: they must neither appear nor shift the rest.
        await db["events"].insert_many(
            [event(f"new_{page_number}", 100 + page_number), event(f"ev_{page_number:02d}x", 100 + page_number)]
        )
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == [f"ev_{n:02d}" for n in reversed(range(10))]
    # biggest pages, ties broken by id, are stable the same way
    await db["events"].delete_many({})
    await db["events"].insert_many([event(f"b_{n}", n, article_count=n % 3) for n in range(7)])
    seen, params = [], {"limit": 2, "sort": "biggest"}
    while True:
        page = (await api.get("/v1/events", params=params)).json()
        seen += [e["event_id"] for e in page["events"]]
        await db["events"].insert_one(event(f"b_new_{len(seen)}", 0, article_count=99))
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == ["b_5", "b_2", "b_4", "b_1", "b_6", "b_3", "b_0"]


async def test_bad_parameters_are_422_problems(api: httpx.AsyncClient, events: None) -> None:
    newest_cursor = None
    page = (await api.get("/v1/events", params={"limit": 1})).json()
    newest_cursor = page["next_cursor"]
    cases: list[tuple[dict[str, Any], list[str]]] = [
        ({"near": "39.8,46.7"}, ["query", "near"]),
        ({"near": "95,46.7,10"}, ["query", "near"]),
        ({"near": "a,b,c"}, ["query", "near"]),
        ({"near": "39,46,0"}, ["query", "near"]),
        ({"sort": "loudest"}, ["query", "sort"]),
        ({"since": "yesterday"}, ["query", "since"]),
        ({"since": "2024-02-07T00:00:00Z", "until": "2024-02-06T00:00:00Z"}, ["query", "until"]),
        ({"time_field": "published"}, ["query", "time_field"]),
        ({"country": "AZ,ARM"}, ["query", "country"]),
        ({"min_articles": -1}, ["query", "min_articles"]),
        ({"cursor": "garbage"}, ["query", "cursor"]),
        ({"cursor": newest_cursor, "sort": "biggest"}, ["query", "cursor"]),
        ({"cursor": newest_cursor, "before": newest_cursor}, ["query", "cursor"]),
        ({"before": "2024-02-06T00:00:00Z", "sort": "biggest"}, ["query", "before"]),
    ]
    for params, loc in cases:
        response = await api.get("/v1/events", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["type"] == "https://wirewatch.dev/problems/invalid-parameters"
        assert body["status"] == 422
        assert [e["loc"] for e in body["errors"]] == [loc], params
        assert body["detail"].startswith("1 invalid parameter: " + ".".join(loc))
    articles = await api.get("/v1/articles", params={"near": "1,2", "country": "x"})
    assert sorted(e["loc"][1] for e in articles.json()["errors"]) == ["country"]  # the first bad one is reported


async def test_event_detail_with_articles_and_timeline(api: httpx.AsyncClient, events: None, db: Any) -> None:
    await db["events"].update_one(
        {"_id": "ev_karabakh"},
        {
            "$set": {
                "recent_changes": [
                    {
                        "key": "a2:1",
                        "change": {"changed_fields": ["article_count", "source_count"]},
                        "decision": {"event_version": 2},
                    }
                ]
            }
        },
    )

    def decided(article_id: str, kind: str, version: int, **extra: Any) -> dict[str, Any]:
        dedupe = {"event_id": "ev_karabakh", "decision": kind, "event_version": version, **extra}
        dedupe["decided_at"] = T0 + timedelta(minutes=40 + version)
        return {"_id": article_id, "title": f"about {article_id}", "source": "A", "first_seen": T0, "dedupe": dedupe}

    await db["articles"].insert_many(
        [
            decided("a1", "create", 1, scores={"total": 1.0}),
            decided("a2", "join", 2, scores={"total": 0.71, "text": 0.6}),
            decided("a3", "duplicate", 3, duplicate_of="a2", merged_from="ev_old"),
        ]
    )
    detail = (await api.get("/v1/events/ev_karabakh")).json()
    assert detail["places"][0]["name"] == "Stepanakert"
    assert detail["entities"] == ["Azerbaijan", "Armenia"]
    assert "search_terms" not in detail
    assert {a["id"]: a["decision"] for a in detail["articles"]} == {"a1": "create", "a2": "join", "a3": "duplicate"}
    assert next(a for a in detail["articles"] if a["id"] == "a2")["scores"] == {"total": 0.71, "text": 0.6}
    timeline = detail["timeline"]
    assert [(t["change"], t["article_id"], t["event_version"]) for t in timeline] == [
        ("created", "a1", 1),
        ("joined", "a2", 2),
        ("duplicate", "a3", 3),
    ]
    assert timeline[1]["changed_fields"] == ["article_count", "source_count"]
    assert timeline[0]["changed_fields"] is None  # that version is no longer in the event's recent changes
    assert timeline[2]["merged_from"] == "ev_old"
    # A merged event answers with its survivor.
    assert (await api.get("/v1/events/ev_merged")).json()["event_id"] == "ev_quake"
    missing = await api.get("/v1/events/ev_nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"] == "https://wirewatch.dev/problems/not-found"


def article(article_id: str, minutes: int, **fields: Any) -> dict[str, Any]:
    return {
        "_id": article_id,
        "title": f"article {article_id}",
        "text": "body " * 50,
        "source": "Wire",
        "lang": "en",
        "first_seen": T0 + timedelta(minutes=minutes),
        "published_at": T0 + timedelta(minutes=minutes - 5),
    } | fields


async def test_article_list_filters_and_pages(api: httpx.AsyncClient, db: Any) -> None:
    quake = {"countries": ["TR"], "event_type": {"category": "disaster", "type": "earthquake", "confidence": 0.9},
             "keywords": ["earthquake"], "entities": [{"text": "Erdoğan", "label": "PERSON", "start": 0, "end": 7}],
             "places": [{"name": "Gaziantep", "lat": 37.07, "lon": 37.38, "country": "TR"}], "lang": "tr"}  # fmt: skip
    create = {"event_id": "ev_quake", "decision": "create"}
    duplicate = {"event_id": "ev_quake", "decision": "duplicate"}
    await db["articles"].insert_many(
        [
            article("a_quake", 30, title="Deprem: Gaziantep'te hasar", lang=None, enrichment=quake, dedupe=create),
            article("a_copy", 20, source="Other", enrichment=quake, dedupe=duplicate),
            article("a_plain", 10, title="Markets rally", enrichment={"countries": ["US"], "lang": "en"}),
            article("a_raw", 0, title="Just ingested"),
        ]
    )

    async def listed(**params: Any) -> list[str]:
        response = await api.get("/v1/articles", params=params)
        assert response.status_code == 200, response.text
        assert all("text" not in a for a in response.json()["articles"])
        return [a["id"] for a in response.json()["articles"]]

    assert await listed() == ["a_quake", "a_copy", "a_plain", "a_raw"]
    assert await listed(
        since=(T0 + timedelta(minutes=10)).isoformat(), until=(T0 + timedelta(minutes=30)).isoformat()
    ) == ["a_copy", "a_plain"]
    assert await listed(since=(T0 + timedelta(minutes=20)).isoformat(), time_field="published_at") == ["a_quake"]
    assert await listed(source="Other") == ["a_copy"]
    assert await listed(language="tr") == ["a_quake", "a_copy"]
    assert await listed(country="tr") == ["a_quake", "a_copy"]
    assert await listed(category="disaster", decision="create") == ["a_quake"]
    assert await listed(event_type="earthquake", event_id="ev_quake") == ["a_quake", "a_copy"]
    assert await listed(near="37,37.4,50") == ["a_quake", "a_copy"]
    assert await listed(entity="erdogan") == ["a_quake", "a_copy"]
    assert await listed(q="markets") == ["a_plain"]
    assert await listed(q="gaziantep earthquake") == ["a_quake", "a_copy"]
    first = (await api.get("/v1/articles", params={"limit": 3})).json()
    await db["articles"].insert_one(article("a_newer", 99))
    rest = (await api.get("/v1/articles", params={"limit": 3, "cursor": first["next_cursor"]})).json()
    assert [a["id"] for a in first["articles"] + rest["articles"]] == ["a_quake", "a_copy", "a_plain", "a_raw"]
    assert rest["next_cursor"] is None
    summary = first["articles"][0]
    assert (summary["event_id"], summary["category"], summary["countries"], summary["lang"]) == (
        "ev_quake",
        "disaster",
        ["TR"],
        "tr",
    )


async def test_pages_cross_time_windows_and_long_runs_of_ties(api: httpx.AsyncClient, db: Any) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    ages = [timedelta(minutes=5), timedelta(hours=20), timedelta(days=5), timedelta(days=60), timedelta(days=400)]
    docs = [event(f"w_{n}", 0, last_seen=now - age) for n, age in enumerate(ages)]
    # 70 events sharing one last_seen: more than a read batch, so the scan must page inside the tie.
    docs += [event(f"t_{n:02d}", 0, last_seen=now - timedelta(days=3)) for n in range(70)]
    await db["events"].insert_many(docs)
    expected = ["w_0", "w_1", *[f"t_{n:02d}" for n in reversed(range(70))], "w_2", "w_3", "w_4"]
    for limit in (1, 7, 200):
        seen: list[str] = []
        params: dict[str, Any] = {"limit": limit}
        while True:
            page = (await api.get("/v1/events", params=params)).json()
            seen += [e["event_id"] for e in page["events"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert seen == expected, limit

"""Time /v1/events queries on a seeded SecantusDB: every filter and sort, median of repeated requests.

    .venv/bin/python services/api/scripts/query_bench.py --events 20000 --articles 5000

Starts throwaway nats-server and SecantusDB, seeds synthetic events (with search_terms) and recently joined
articles, and drives the api in process over ASGI (no HTTP socket), so the numbers are database + api work.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.contracts import search_terms
from wirewatch.runtime import EmbeddedMongo, EmbeddedNats, free_port, make_mongo_client

WORDS = ["quake", "flood", "strike", "protest", "election", "drone"]
WORDS += ["shelling", "talks", "ceasefire", "summit", "wildfire", "storm"]
COUNTRIES = ["AZ", "AM", "UA", "RU", "TR", "SY", "FR", "DE", "US", "BR", "IN", "JP", "FJ", "KE"]
CATEGORIES = ["conflict", "disaster", "politics", "economy", "unrest"]
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("newest, no filter", {}),
    ("country", {"country": "AZ"}),
    ("category + min_articles", {"category": "conflict", "min_articles": 20}),
    ("since (last 2 h)", {"since": "{recent}"}),
    ("near 300 km", {"near": "40,45,300"}),
    ("q two words", {"q": "drone shelling"}),
    ("entity", {"entity": "person 7"}),
    ("sort=biggest", {"sort": "biggest"}),
    ("sort=fastest", {"sort": "fastest"}),
]


def _event(n: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    words = rng.sample(WORDS, 3)
    lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
    entities = [f"Person {rng.randrange(200)}", f"Org {rng.randrange(100)}"]
    places: list[dict[str, Any]] = [{"name": f"Place {n}", "lat": lat, "lon": lon, "country": rng.choice(COUNTRIES)}]
    title = " ".join(words) + f" in place {n}"
    last = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
    return {
        "_id": f"ev_{n:07d}",
        "version": 1,
        "title": title,
        "category": rng.choice(CATEGORIES),
        "countries": [places[0]["country"]],
        "places": places,
        "entities": entities,
        "actors": [],
        "keywords": words,
        "languages": ["en"],
        "first_seen": last - timedelta(hours=rng.randrange(48)),
        "last_seen": last,
        "article_count": rng.randrange(1, 60),
        "source_count": rng.randrange(1, 20),
        "status": "active",
        "search_terms": search_terms(title, words, entities, [str(p["name"]) for p in places]),
    }


async def _seed(mongo_url: str, events: int, articles: int) -> None:
    rng = random.Random(7)  # noqa: S311 - synthetic data, not secrets
    now = datetime.now(UTC)
    client = make_mongo_client(mongo_url)
    try:
        db = client["bench"]
        docs = [_event(n, now, rng) for n in range(events)]
        for start in range(0, len(docs), 1000):
            await db["events"].insert_many(docs[start : start + 1000])
        joined = [
            {
                "_id": f"a_{n:07d}",
                "title": "t",
                "dedupe": {
                    "event_id": f"ev_{rng.randrange(events):07d}",
                    "decided_at": now - timedelta(seconds=rng.randrange(3600)),
                },
            }
            for n in range(articles)
        ]
        for start in range(0, len(joined), 1000):
            await db["articles"].insert_many(joined[start : start + 1000])
    finally:
        await client.close()


async def _measure(nats_url: str, mongo_url: str, repeats: int) -> list[tuple[str, float, int]]:
    app = create_app(ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db="bench"))
    recent = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    rows = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as api:
            for name, template in QUERIES:
                params = {k: (recent if v == "{recent}" else v) for k, v in template.items()}
                timings = []
                found = 0
                for _ in range(repeats):
                    started = time.perf_counter()
                    response = await api.get("/v1/events", params={**params, "limit": 50})
                    timings.append(time.perf_counter() - started)
                    response.raise_for_status()
                    found = len(response.json()["events"])
                rows.append((name, statistics.median(timings) * 1000, found))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--articles", type=int, default=5_000, help="articles joined in the last hour")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mongo = EmbeddedMongo(Path(tmp) / "db", free_port())
        nats = EmbeddedNats(Path(tmp) / "nats", free_port(), free_port())
        mongo.start()
        nats.start()
        try:
            started = time.perf_counter()
            asyncio.run(_seed(mongo.url, args.events, args.articles))
            seconds = time.perf_counter() - started
            print(f"seeded {args.events} events, {args.articles} articles in {seconds:.1f} s")  # noqa: T201
            for name, ms, found in asyncio.run(_measure(nats.url, mongo.url, args.repeats)):
                print(f"| {name} | {ms:.1f} | {found} |")  # noqa: T201 - the report
        finally:
            nats.stop()
            mongo.stop()


if __name__ == "__main__":
    main()

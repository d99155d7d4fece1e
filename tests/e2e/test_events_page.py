"""The events page in headless Chromium against the api on real servers.

The api runs in-process under uvicorn on 127.0.0.1 against the session's SecantusDB and nats-server. The database is
seeded with event and article documents shaped as dedupe writes them; live changes are EventChanged messages
published on ``events.<change>.<category>.<cc>``, as dedupe publishes them, which /v1/stream hands to the page.
Every browser request is intercepted: anything not addressed to 127.0.0.1 is refused and fails the test.

Needs Debian's chromium at /usr/bin/chromium and Playwright's Python package (the driver only; no browser download).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from nats.aio.client import Client as NatsClient
from pydantic import SecretStr

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings
from wirewatch.contracts import EventChanged, EventSnapshot, event_subject
from wirewatch.runtime import free_port, make_mongo_client
from wirewatch.testing import eventually

try:
    from playwright.async_api import BrowserContext, Locator, Page, Route, async_playwright, expect
except ImportError:  # pragma: no cover - it is in requirements-dev.txt
    pytest.skip("Playwright's Python package is not installed", allow_module_level=True)

pytestmark = [pytest.mark.connected, pytest.mark.e2e]

CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()  # looked at once, at import
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 8000

NOW = datetime.now(UTC).replace(microsecond=0)
KARABAKH = {"name": "Stepanakert", "lat": 39.82, "lon": 46.75, "country": "AZ", "geonameid": 174875}
BERGEN = {"name": "Bergen", "lat": 60.39, "lon": 5.32, "country": "NO", "geonameid": 3161732}


def snapshot(event_id: str, *, version: int = 1, **fields: Any) -> EventSnapshot:
    country = fields.pop("country", "AZ")
    data: dict[str, Any] = {
        "event_id": event_id,
        "version": version,
        "title": f"Event {event_id}",
        "category": "conflict",
        "countries": [country],
        "primary_country": country,
        "first_seen": NOW - timedelta(hours=5),
        "last_seen": NOW - timedelta(hours=1),
        "article_count": 2,
        "source_count": 2,
        "article_ids": [],
        **fields,
    }
    return EventSnapshot.model_validate(data)


def event_document(event: EventSnapshot) -> dict[str, Any]:
    """What dedupe stores: the snapshot fields with ``_id`` plus its clustering state (not read by the api)."""
    doc = event.model_dump(mode="python", exclude={"event_id"})
    doc.update(_id=event.event_id, founder=event.article_ids[0] if event.article_ids else "", keys=[], members=[])
    doc.update(applied=[], recent_changes=[], sources=[], touched_at=NOW)
    return doc


def article_document(
    article_id: str, event_id: str, decision: str, scores: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """An article as ingest stores it, with the ``dedupe`` decision dedupe records on it."""
    return {
        "_id": article_id,
        "title": fields.get("title", f"Article {article_id}"),
        "url": f"https://news.example/{article_id}",
        "source": fields.get("source", "Example Wire"),
        "published_at": fields.get("published_at", NOW - timedelta(hours=2)),
        "first_seen": NOW - timedelta(hours=2),
        "revision": 1,
        "dedupe": {
            "event_id": event_id,
            "duplicate_of": fields.get("duplicate_of"),
            "decision": decision,
            "scores": scores,
            "revision": 1,
            "event_version": 1,
            "decided_at": NOW,
        },
    }


KARABAKH_EVENT = snapshot(
    "evt_karabakh",
    title="Azerbaijan launches military operation in Nagorno-Karabakh",
    places=[KARABAKH],
    article_count=3,
    source_count=3,
    article_ids=["art_tasnim", "art_ledger", "art_copy"],
    last_seen=NOW - timedelta(minutes=30),
)
FERRY_EVENT = snapshot(
    "evt_ferry",
    title="Ferry crews in Norway walk out over pay",
    category="labour",
    country="NO",
    places=[BERGEN],
    keywords=["ferry", "strike", "wages"],
    entities=["Bergen", "Norway"],
    last_seen=NOW - timedelta(hours=2),
)
# No place: its marker stands at the country's centre.
SUMMIT_EVENT = snapshot(
    "evt_summit",
    title="Leaders meet in Paris for climate talks",
    category="politics",
    country="FR",
    last_seen=NOW - timedelta(hours=3),
)
SEEDED = [KARABAKH_EVENT, FERRY_EVENT, SUMMIT_EVENT]  # newest first
JOIN_SCORES = {
    "text": 0.71,
    "entities": 0.5,
    "places": 1.0,
    "category": 1.0,
    "time": 1.0,
    "combined": 0.74,
    "final": 0.74,
    "candidates": 3,
    "runner_up": 0.12,
}
ARTICLES = [
    article_document("art_tasnim", "evt_karabakh", "create", {"candidates": 0}, title="Azerbaijan begins operation"),
    article_document(
        "art_ledger",
        "evt_karabakh",
        "join",
        JOIN_SCORES,
        title="Shelling reported in Stepanakert",
        source="Caucasus Ledger",
        published_at=NOW - timedelta(hours=1),
    ),
    article_document(
        "art_copy",
        "evt_karabakh",
        "duplicate",
        {"candidates": 0, "copy_similarity": 0.93},
        title="Azerbaijan begins operation (wire copy)",
        duplicate_of="art_tasnim",
    ),
]


async def seed(mongo_url: str, db_name: str) -> None:
    client = make_mongo_client(mongo_url)
    try:
        db = client[db_name]
        await db["events"].insert_many([event_document(e) for e in SEEDED])
        await db["articles"].insert_many(ARTICLES)
    finally:
        await client.close()


async def publish(nc: NatsClient, change: str, event: EventSnapshot) -> None:
    changed = EventChanged(change=change, event=event, changed_at=datetime.now(UTC))  # type: ignore[arg-type]
    await nc.publish(event_subject(change, event.category, event.primary_country), changed.model_dump_json().encode())
    await nc.flush()


ApiStarter = Callable[..., Awaitable[str]]


@pytest.fixture
async def start_api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[ApiStarter]:
    """Seeds the database, then serves the api on 127.0.0.1 with the given settings; returns its base URL."""
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start(**overrides: Any) -> str:
        await seed(mongo_url, mongo_db_name)
        settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, **overrides)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None))
        servers.append((server, asyncio.create_task(server.serve())))
        await eventually(lambda: server.started, what="api started")
        return f"http://127.0.0.1:{port}"

    yield start
    for server, task in servers:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, 10)


@pytest.fixture(scope="module")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BrowserContext]:
    if not HAVE_CHROMIUM:
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    async with async_playwright() as pw:
        context = await pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh user-data dir
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            await context.close()


@pytest.fixture
async def page(browser: BrowserContext) -> AsyncIterator[Page]:
    """A tab whose requests may only go to 127.0.0.1; page errors and stray requests fail the test.

    Tests take ``start_api`` before ``page``, so the tab (and its open stream) closes before the api stops.
    """
    outside: list[str] = []
    errors: list[str] = []

    async def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    tab = await browser.new_page()
    await tab.route("**/*", only_local)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
    finally:
        await tab.close()
    assert outside == [], f"the page tried to reach other hosts: {outside}"
    assert errors == [], f"errors in the page: {errors}"


async def open_page(page: Page, url: str) -> None:
    await page.goto(url)
    await expect(page.locator("body[data-ready=true]")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("#live")).to_have_text("live", timeout=WAIT_MS)


def row(page: Page, event_id: str) -> Locator:
    return page.locator(f'#events li[data-event-id="{event_id}"]')


async def test_page_lists_seeded_events_and_follows_the_stream(
    start_api: ApiStarter, page: Page, nats_client: NatsClient
) -> None:
    await open_page(page, await start_api())

    titles = page.locator("#events li .title")
    await expect(titles).to_have_text([e.title for e in SEEDED])
    await expect(page.locator("#map .marker")).to_have_count(3)  # the summit has no place: its country's centre
    await expect(page.locator("#map .labels text")).to_contain_text(["Azerbaijan", "Norway", "France"])

    fresh = snapshot(
        "evt_quake",
        title="Earthquake shakes central Chile",
        category="disaster",
        country="CL",
        places=[{"name": "Santiago", "lat": -33.45, "lon": -70.65, "country": "CL"}],
        last_seen=NOW,
    )
    await publish(nats_client, "created", fresh)
    await expect(titles.first).to_have_text(fresh.title, timeout=WAIT_MS)
    await expect(page.locator("#map .marker")).to_have_count(4)

    grown = KARABAKH_EVENT.model_copy(update={"version": 2, "article_count": 7, "source_count": 5})
    await publish(nats_client, "updated", grown)
    await expect(row(page, "evt_karabakh").locator(".articles")).to_have_text("7", timeout=WAIT_MS)
    await expect(row(page, "evt_karabakh").locator(".sources")).to_have_text("5")

    # A merge: the survivor grows, the absorbed event becomes a redirect and leaves the list and the map.
    survivor = grown.model_copy(update={"version": 3, "article_count": 9})
    absorbed = FERRY_EVENT.model_copy(update={"version": 2, "status": "merged", "merged_into": "evt_karabakh"})
    await publish(nats_client, "merged", survivor)
    await publish(nats_client, "merged", absorbed)
    await expect(row(page, "evt_ferry")).to_have_count(0, timeout=WAIT_MS)
    await expect(row(page, "evt_karabakh").locator(".articles")).to_have_text("9")
    await expect(page.locator("#map .marker")).to_have_count(3)


async def test_country_filter_applies_to_the_list_and_the_stream(
    start_api: ApiStarter, page: Page, nats_client: NatsClient
) -> None:
    # A write token is configured: reads stay open, so the page works without asking for one.
    await open_page(page, await start_api(token=SecretStr("write-only-secret")))
    await expect(page.locator("#token-form")).to_be_hidden()

    async with page.expect_request(lambda r: "/v1/events?" in r.url and "country=NO" in r.url):
        await page.fill("#filters input[name=country]", "no")
    await expect(page.locator("#events li .title")).to_have_text([FERRY_EVENT.title], timeout=WAIT_MS)
    await expect(page.locator("#map .marker")).to_have_count(1)
    await expect(page.locator("#live")).to_have_text("live", timeout=WAIT_MS)  # the stream, reopened filtered

    await publish(nats_client, "created", snapshot("evt_az_new", title="Another Karabakh event", last_seen=NOW))
    await publish(nats_client, "created", snapshot("evt_no_new", title="Oslo storm", country="NO", last_seen=NOW))
    await expect(page.locator("#events li .title")).to_have_text(["Oslo storm", FERRY_EVENT.title], timeout=WAIT_MS)

    await page.click("#filters button[type=reset]")
    # Reloaded from the database: the seeded events (the two live ones were only published, never stored).
    await expect(page.locator("#events li .title")).to_have_text([e.title for e in SEEDED], timeout=WAIT_MS)

    await page.fill("#filters input[name=q]", "strike")  # one of its keywords, not a word of its title
    await expect(page.locator("#events li .title")).to_have_text([FERRY_EVENT.title], timeout=WAIT_MS)
    await page.fill("#filters input[name=q]", "")
    await page.fill("#filters input[name=min_articles]", "3")
    await expect(page.locator("#events li .title")).to_have_text([KARABAKH_EVENT.title], timeout=WAIT_MS)


async def test_event_view_shows_articles_and_why_they_joined(start_api: ApiStarter, page: Page, tmp_path: Path) -> None:
    await open_page(page, await start_api())
    await row(page, "evt_karabakh").click()

    view = page.locator("#event-view")
    await expect(view.locator("h2")).to_have_text(KARABAKH_EVENT.title, timeout=WAIT_MS)
    await expect(view).to_contain_text("Places: Stepanakert")
    articles = view.locator("li[data-article-id]")
    await expect(articles).to_have_count(3)
    ledger = view.locator('li[data-article-id="art_ledger"]')
    await expect(ledger.locator(".why")).to_have_text(
        "joined: final score 0.74 among 3 candidate event(s), runner-up 0.12", timeout=WAIT_MS
    )
    await expect(ledger.locator(".score .name")).to_have_text(
        ["text", "entities", "places", "category", "time", "combined", "final"]
    )
    await expect(ledger.locator(".score .value").first).to_have_text("0.71")
    await expect(view.locator('li[data-article-id="art_tasnim"] .why')).to_have_text(
        "started this event: no candidate event"
    )
    await expect(view.locator('li[data-article-id="art_copy"] .why')).to_have_text(
        "copy of article art_tasnim (similarity 0.93)"
    )
    await expect(page.locator('#map .marker.selected[data-event-id="evt_karabakh"]')).to_have_count(1)

    # For a person to look at: the page with an event open.
    shot = tmp_path / "events-page.png"
    await page.screenshot(path=str(shot))
    print(f"events page screenshot: {shot}")
    assert shot.stat().st_size > 10_000


@pytest.mark.skipif("protect_reads" not in ApiSettings.model_fields, reason="this api has no read protection")
async def test_page_asks_for_a_token_when_reads_are_protected(start_api: ApiStarter, page: Page) -> None:
    url = await start_api(token=SecretStr("writer-secret"), read_token=SecretStr("reader-secret"), protect_reads=True)
    await page.goto(url)
    form = page.locator("#token-form")
    await expect(form).to_be_visible(timeout=WAIT_MS)
    await expect(page.locator("#events li")).to_have_count(0)

    await form.locator("input[name=token]").fill("reader-secret")
    await form.locator("button").click()
    await expect(page.locator("#events li .title")).to_have_text([e.title for e in SEEDED], timeout=WAIT_MS)
    await expect(page.locator("#live")).to_have_text("live", timeout=WAIT_MS)
    await expect(form).to_be_hidden()
    assert await page.evaluate("sessionStorage.getItem('wirewatch.token')") == "reader-secret"

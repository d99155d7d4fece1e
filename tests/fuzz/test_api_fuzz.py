"""Fuzzing the api through the real FastAPI app (in-process, over ASGI) with the real NATS and database.

Targets: ``POST /v1/articles`` (any JSON, damaged articles, raw bytes with any content type), ``POST
/v1/subscriptions`` (damaged subscriptions), the query parameters of ``GET /v1/events`` and ``GET /v1/articles``
(known names with hostile values, unknown names), and the ids in their paths. The database holds a small seeded
story set, so the read paths run over real documents. Property: every answer is a success or a 4xx
``application/problem+json`` with a message saying what is wrong, never a 500, within a bound.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from wirewatch.api.settings import ApiSettings
from wirewatch.cli.loadtest_seed import seed_database
from wirewatch.runtime import make_mongo_client

from ..integration.api_support import start_api
from .campaign import bounded, budget
from .messages import damaged
from .values import json_values, nasty_text

pytestmark = [pytest.mark.connected]

BOUND = 10.0
_ARTICLE = {"url": "https://news.example/a", "title": "Quake", "text": "A quake.",
            "published_at": "2023-09-19T10:00:00Z", "source": "Example", "lang": "en"}  # fmt: skip
_SUBSCRIPTION = {"webhook_url": "https://hooks.example/in", "name": "ops",
                 "filters": {"countries": ["TR"], "categories": ["disaster"], "keywords": ["quake"],
                             "near": {"lat": 39.9, "lon": 32.8, "radius_km": 100}, "min_articles": 2}}  # fmt: skip
_EVENT_PARAMS = ["since", "until", "time_field", "category", "event_type", "country", "near", "entity", "q",
                 "min_articles", "min_sources", "language", "sort", "limit", "cursor", "before"]  # fmt: skip
_ARTICLE_PARAMS = ["since", "until", "time_field", "source", "language", "country", "category", "event_type",
                   "event_id", "decision", "near", "entity", "q", "limit", "cursor"]  # fmt: skip
_PARAM_VALUES = st.one_of(
    nasty_text(40),
    st.sampled_from(["2023-09-19T10:00:00Z", "2023-09-19", "9999-12-31T23:59:59+23:59", "0001-01-01T00:00:00-23:59",
                     "1e400", "-1", "0", "201", "newest", "biggest", "fastest", "39.9,32.8,100", "91,0,1", "0,0,-1",
                     "nan,nan,nan", "inf,0,1", "0,0,1e400", "eyJ0IjoxfQ", "e30", "TR", "tr,ua", ",,,", "a" * 300,
                     "x" * 2000]),
    st.integers().map(str),
    st.floats().map(str),
)  # fmt: skip


@pytest.fixture
async def api(nats_url: str, mongo_url: str, mongo_db_name: str) -> AsyncIterator[httpx.AsyncClient]:
    client = make_mongo_client(mongo_url)
    try:
        await seed_database(client[mongo_db_name], 20)
    finally:
        await client.close()
    settings = ApiSettings(nats_url=nats_url, mongo_url=mongo_url, mongo_db=mongo_db_name, write_rate_per_minute=0)
    async for http in start_api(settings):
        yield http


def _clear(response: httpx.Response, ok: set[int]) -> None:
    """A success in ``ok``, or a client error that is problem+json and says what is wrong; never a 5xx."""
    status = response.status_code
    assert status < 500, f"{status}: {response.text[:800]}"
    if status in ok:
        return
    assert 400 <= status < 500, f"unexpected {status}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    problem = response.json()
    assert problem["status"] == status
    assert isinstance(problem["detail"], str)
    assert problem["detail"].strip(), problem


def _body(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


_ARTICLE_BODIES = st.one_of(
    json_values(max_leaves=20).map(_body),
    damaged(_ARTICLE).map(_body),
    st.lists(damaged(_ARTICLE), min_size=1, max_size=4).map(_body),
    st.binary(max_size=400),
)
_CONTENT_TYPES = st.sampled_from(["application/json", "application/json; charset=latin-1", "text/plain", "", "a/b"])


@budget(quick=30, campaign=1000)
@given(body=_ARTICLE_BODIES, content_type=_CONTENT_TYPES)
async def test_pushed_articles_are_accepted_or_refused_clearly(
    api: httpx.AsyncClient, body: bytes, content_type: str
) -> None:
    with bounded("api: POST /v1/articles", BOUND):
        response = await api.post("/v1/articles", content=body, headers={"content-type": content_type})
    _clear(response, {202})
    if response.status_code == 202:
        answer = response.json()
        ids = [a["id"] for a in (answer if isinstance(answer, list) else [answer])]
        assert all(isinstance(i, str) and i for i in ids)


@budget(quick=25, campaign=1000)
@given(body=st.one_of(damaged(_SUBSCRIPTION).map(_body), json_values(max_leaves=10).map(_body)))
@example(body=_body({"webhook_url": "https://hooks.example/in", "filters": {"categories": ["\ud800"]}}))
@example(body=_body({"nats_target": "ops", "name": "\udfff", "filters": {"keywords": ["a\ud800"]}}))
async def test_subscriptions_are_created_or_refused_clearly(api: httpx.AsyncClient, body: bytes) -> None:
    with bounded("api: POST /v1/subscriptions", BOUND):
        response = await api.post("/v1/subscriptions", content=body, headers={"content-type": "application/json"})
    _clear(response, {201})


def _query(names: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    known = st.tuples(st.sampled_from(names), _PARAM_VALUES)
    unknown = st.tuples(nasty_text(10), _PARAM_VALUES)
    return st.lists(st.one_of(known, known, unknown), max_size=6)


def _url(path: str, params: list[tuple[str, str]]) -> str:
    # Encoded by hand: surrogates are sent as their UTF-8-with-surrogatepass bytes, as a hostile client could.
    def enc(text: str) -> str:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return path + ("?" + "&".join(f"{enc(k)}={enc(v)}" for k, v in params) if params else "")


@budget(quick=40, campaign=1500)
@given(params=_query(_EVENT_PARAMS))
async def test_event_queries_answer_or_refuse_clearly(api: httpx.AsyncClient, params: list[tuple[str, str]]) -> None:
    with bounded("api: GET /v1/events query", BOUND):
        response = await api.get(_url("/v1/events", params))
    _clear(response, {200})


@budget(quick=30, campaign=1000)
@given(params=_query(_ARTICLE_PARAMS))
async def test_article_queries_answer_or_refuse_clearly(api: httpx.AsyncClient, params: list[tuple[str, str]]) -> None:
    with bounded("api: GET /v1/articles query", BOUND):
        response = await api.get(_url("/v1/articles", params))
    _clear(response, {200})


@budget(quick=20, campaign=500)
@given(
    collection=st.sampled_from(["events", "articles", "subscriptions", "feeds"]),
    item_id=st.one_of(nasty_text(30), st.just("x" * 5000), st.just("..%2F..%2Fetc")),
)
async def test_ids_in_paths_answer_or_refuse_clearly(api: httpx.AsyncClient, collection: str, item_id: str) -> None:
    with bounded("api: GET /v1/<collection>/<id>", BOUND):
        response = await api.get(f"/v1/{collection}/" + quote(item_id.encode("utf-8", "surrogatepass"), safe=""))
    _clear(response, {200, 307})  # 307: an empty id is the collection, with its slash redirected away

"""Auth on every write route, protected reads, 401 vs 403, the write rate limit, problem+json and /docs."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings

pytestmark = pytest.mark.connected

WRITE = "write-token-0123456789"
READ = "read-token-9876543210"
PROBLEM = "application/problem+json"


def _settings(nats_url: str, mongo_url: str, mongo_db_name: str, **overrides: Any) -> ApiSettings:
    return ApiSettings(
        nats_url=nats_url,
        mongo_url=mongo_url,
        mongo_db=mongo_db_name,
        token=SecretStr(WRITE),
        read_token=SecretStr(READ),
        **overrides,
    )


async def _client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield client


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x_1", path)


def _writes(app: FastAPI) -> list[tuple[str, str]]:
    """Every non-GET route, as the app's own OpenAPI document lists them (routers included at any depth)."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() not in {"GET", "HEAD", "OPTIONS"}
    )


async def test_every_write_route_needs_the_token(
    nats_url: str, mongo_url: str, mongo_db_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(_settings(nats_url, mongo_url, mongo_db_name))
    writes = _writes(app)
    # The routes this issue names must be among them, so the enumeration cannot pass by finding nothing.
    paths = {path for _, path in writes}
    assert {"/v1/articles", "/v1/feeds", "/v1/subscriptions", "/v1/subscriptions/{subscription_id}/replay"} <= paths
    assert len(writes) >= 9
    caplog.set_level(logging.DEBUG)
    async for api in _client(app):
        for method, path in writes:
            url = _concrete(path)
            missing = await api.request(method, url, json={})
            assert missing.status_code == 401, (method, path, missing.text)
            assert missing.headers["www-authenticate"] == "Bearer"
            assert missing.headers["content-type"] == PROBLEM
            assert "bearer token" in missing.json()["detail"]
            wrong = await api.request(method, url, json={}, headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401, (method, path)
            read_only = await api.request(method, url, json={}, headers={"Authorization": f"Bearer {READ}"})
            assert read_only.status_code == 403, (method, path)
            assert "only read" in read_only.json()["detail"]
            allowed = await api.request(method, url, json={}, headers={"Authorization": f"Bearer {WRITE}"})
            assert allowed.status_code not in {401, 403}, (method, path)
        # reads stay open by default
        assert (await api.get("/v1/events")).status_code == 200
    assert WRITE not in caplog.text
    assert READ not in caplog.text


async def test_protected_reads(nats_url: str, mongo_url: str, mongo_db_name: str) -> None:
    app = create_app(_settings(nats_url, mongo_url, mongo_db_name, protect_reads=True))
    async for api in _client(app):
        refused = await api.get("/v1/events")
        assert refused.status_code == 401
        assert "reads need a bearer token" in refused.json()["detail"]
        assert (await api.get("/v1/articles", headers={"Authorization": "Bearer nope"})).status_code == 401
        for token in (READ, WRITE):
            assert (await api.get("/v1/events", headers={"Authorization": f"Bearer {token}"})).status_code == 200
        # operations and documentation stay open
        for path in ("/healthz", "/metrics", "/docs", "/openapi.json"):
            assert (await api.get(path)).status_code == 200, path


async def test_writes_are_rate_limited_per_client(nats_url: str, mongo_url: str, mongo_db_name: str) -> None:
    app = create_app(_settings(nats_url, mongo_url, mongo_db_name, write_rate_per_minute=60, write_burst=3))
    async for api in _client(app):
        auth = {"Authorization": f"Bearer {WRITE}"}
        answers = [
            (await api.post("/v1/feeds", json={"url": f"https://f{n}.example/rss"}, headers=auth)).status_code
            for n in range(4)
        ]
        assert answers == [201, 201, 201, 429]
        limited = await api.post("/v1/feeds", json={"url": "https://f9.example/rss"}, headers=auth)
        assert limited.status_code == 429
        assert limited.headers["content-type"] == PROBLEM
        assert 1 <= int(limited.headers["retry-after"]) <= 2
        assert "retry in" in limited.json()["detail"]
        assert (await api.get("/v1/feeds")).status_code == 200  # reads are not limited


async def test_errors_are_problems_and_docs_have_examples(nats_url: str, mongo_url: str, mongo_db_name: str) -> None:
    app = create_app(_settings(nats_url, mongo_url, mongo_db_name))
    async for api in _client(app):
        for response, status in (
            (await api.get("/v1/nowhere"), 404),
            (await api.put("/v1/events"), 405),
            (await api.get("/v1/articles/none"), 404),
        ):
            assert response.status_code == status
            assert response.headers["content-type"] == PROBLEM
            body = response.json()
            assert {"type", "title", "status", "detail"} <= set(body)
            assert body["status"] == status
        docs = await api.get("/docs")
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
        schema = (await api.get("/openapi.json")).json()
    components = schema["components"]["schemas"]
    assert "Problem" in components
    assert "HTTPValidationError" not in components
    events = schema["paths"]["/v1/events"]["get"]
    assert events["responses"]["422"]["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert {p["name"] for p in events["parameters"]} >= {"near", "q", "sort", "cursor", "since", "min_sources"}
    submit = schema["paths"]["/v1/articles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert submit["anyOf"][0]["examples"][0]["title"]
    assert components["EventPage"]["examples"]

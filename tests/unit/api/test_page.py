"""The events page's routes and files, without a browser: served with its CSP, and nothing referenced off-site."""

from __future__ import annotations

import json
import re

import httpx
from fastapi import FastAPI

from wirewatch.api.page import STATIC_DIR, install_page

# src="...", href="...", import ... from "...", fetch("...") and url(...) in the page's own files.
_REFERENCE = re.compile(r"""(?:src|href)="([^"]+)"|from "([^"]+)"|fetch\("([^"`]+)"|url\(([^)]+)\)""")


def _client() -> httpx.AsyncClient:
    app = FastAPI()
    install_page(app)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://page.test")


async def test_index_is_served_with_a_same_origin_policy() -> None:
    async with _client() as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "script-src 'self'" in policy


async def test_static_files_are_served_and_paths_cannot_escape() -> None:
    async with _client() as client:
        script = await client.get("/static/app.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert (await client.get("/static/world.json")).json()["countries"]["AZ"][2] == "Azerbaijan"
        assert (await client.get("/static/%2e%2e/page.py")).status_code == 404
        assert (await client.get("/static/missing.js")).status_code == 404


def test_every_reference_is_local_and_exists() -> None:
    for path in STATIC_DIR.iterdir():
        if path.suffix not in {".html", ".js", ".css"}:
            continue
        for match in _REFERENCE.finditer(path.read_text(encoding="utf-8")):
            ref = next(group for group in match.groups() if group)
            if ref.startswith(("data:", "/v1/", "/openapi.json")):
                continue
            assert not re.match(r"^(?:[a-z]+:)?//", ref), f"{path.name} refers off-site: {ref}"
            target = STATIC_DIR / ref.removeprefix("/static/").removeprefix("./")
            assert target.is_file(), f"{path.name} refers to a missing file: {ref}"


def test_world_data_is_compact_and_in_range() -> None:
    world = json.loads((STATIC_DIR / "world.json").read_text(encoding="utf-8"))
    cell = world["cell"]
    cols, rows = world["land"][0::2], world["land"][1::2]
    assert len(cols) == len(rows) > 1000
    assert max(cols) < 360 / cell
    assert max(rows) < 180 / cell
    assert min(cols + rows) >= 0
    for lat, lon, name in world["countries"].values():
        assert -90 <= lat <= 90
        assert -180 <= lon <= 180
        assert name

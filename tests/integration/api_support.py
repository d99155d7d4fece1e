"""The api app in-process behind an httpx client, with its lifespan (connections, indexes) run for real."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from wirewatch.api.main import create_app
from wirewatch.api.settings import ApiSettings


async def start_api(settings: ApiSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            yield client

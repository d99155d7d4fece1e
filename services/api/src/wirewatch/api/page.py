"""The events page: ``/`` (one HTML file) and its assets under ``/static/``, shipped inside the package.

Plain HTML, CSS and ES modules, no build step and nothing fetched from elsewhere: the page reads ``/v1/events``,
``/v1/events/{id}``, ``/v1/articles/{id}`` and ``/v1/stream`` of the same origin, with the bearer token it was given
when reads are token-protected. The Content-Security-Policy says the same to the browser, so a stray external
reference fails loudly instead of leaking requests.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"

# Same origin only; inline styles for the SVG map's computed attributes are not needed (attributes, not style).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def install_page(app: FastAPI) -> None:
    """Serve the page at ``/`` and its files at ``/static/`` (neither is part of the OpenAPI schema)."""

    @app.get("/", include_in_schema=False)
    async def events_page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "index.html",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"},
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

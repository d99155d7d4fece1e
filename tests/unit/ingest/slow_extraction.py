"""Stand-ins for ``extract_page`` that the extraction worker processes import by name in the worker tests."""

from __future__ import annotations

import os
import time

from wirewatch.ingest.extraction import ExtractedPage


def sleepy_or_quick(html: str | bytes, url: str | None) -> ExtractedPage:
    """Hangs on a page that says ``hang``, raises on ``raise``, dies on ``die``; else echoes the page."""
    text = html.decode() if isinstance(html, bytes) else html
    if text == "hang":
        time.sleep(60)
    if text == "raise":
        raise RuntimeError("lxml gave up")
    if text == "die":
        os._exit(3)
    return ExtractedPage(title=url or "", text=text)

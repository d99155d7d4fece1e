"""Refusing JSON bodies that hold a lone surrogate (``"\\ud800"``): valid JSON, but not Unicode text.

Python's JSON parser turns the escape into a string no encoder accepts, so such a value got through validation and
failed later, when MongoDB or NATS had to encode it: a 500 instead of telling the client (found by tests/fuzz).
The check is cheap for ordinary bodies: only one with a surrogate escape in it is parsed here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .body_replay import replaying
from .errors import problem_response

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _holds_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, list):
        return any(_holds_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(k) or _holds_lone_surrogate(v) for k, v in value.items())
    return False


def lone_surrogate_in(body: bytes) -> bool:
    """Whether ``body`` is JSON holding a string with a lone surrogate (a pair escaped as two is fine)."""
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        return _holds_lone_surrogate(json.loads(body))
    except ValueError:
        return False  # not JSON at all: the route's own parsing says so


class LoneSurrogateMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in {"POST", "PUT", "PATCH"}:
            await self.app(scope, receive, send)
            return
        # Read the whole body (the body limit middleware outside this one has bounded it) and hand it on.
        chunks: list[bytes] = []
        message: Message = {"type": "http.request", "body": b"", "more_body": True}
        while message.get("more_body", False):
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
        body = b"".join(chunks)
        if lone_surrogate_in(body):
            detail = "the JSON body holds a lone surrogate escape (e.g. \\ud800): strings must be Unicode text"
            errors = [{"loc": ["body"], "msg": detail, "type": "value_error"}]
            await problem_response(422, "1 invalid parameter: body: " + detail, errors=errors)(scope, receive, send)
            return
        await self.app(scope, replaying(message, body, receive), send)

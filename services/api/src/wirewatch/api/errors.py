"""One shape for every rejected request: ``{"detail": "message"}``, or for 422 ``{"detail": [field errors]}``.

Field errors are ``{"loc": [...], "msg": ..., "type": ...}`` whether FastAPI found them (bad JSON, a missing
body, a query parameter) or the api did (batch items, cursors). The submitted input is not echoed back: it can be
a 200 000 character article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError


def field_errors(errors: Sequence[Any], prefix: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"loc": [*prefix, *error.get("loc", ())], "msg": error.get("msg", ""), "type": error.get("type", "")}
        for error in errors
    ]


def invalid_request(exc: ValidationError, *location: str | int) -> RequestValidationError:
    """Turn a pydantic error found inside a handler into the same 422 FastAPI gives for its own checks."""
    return RequestValidationError(field_errors(exc.errors(include_url=False, include_input=False), location))


def invalid_parameter(location: tuple[str | int, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": location, "msg": message, "type": "value_error"}])


async def _validation_failed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": field_errors(exc.errors())}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_failed)

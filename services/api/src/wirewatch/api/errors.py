"""One shape for every refused request: RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail"}`` always; a 422 adds ``errors``, one ``{"loc": [...], "msg", "type"}`` per
bad field, whether FastAPI found it (bad JSON, a missing body, a query parameter) or the api did (batch items,
cursors). The submitted input is never echoed back: it can be a 200 000 character article. ``type`` is a stable
URI per kind of problem, so scripts can branch on it without parsing the words.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from wirewatch.runtime import dependency_unavailable

log = logging.getLogger("wirewatch.api")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://wirewatch.dev/problems/"
# The type URI of each status the api answers with; others fall back to "about:blank" as RFC 9457 says.
_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "body-too-large",
    422: "invalid-parameters",
    429: "rate-limited",
    500: "internal-error",
    503: "unavailable",
}


class FieldError(BaseModel):
    loc: list[str | int] = Field(description='where: ["query", "near"], ["body", 1, "title"]')
    msg: str
    type: str


class Problem(BaseModel):
    """An error answer (RFC 9457)."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "type": PROBLEM_BASE + "invalid-parameters",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "1 invalid parameter: query.near: near must be lat,lon,km",
                    "errors": [{"loc": ["query", "near"], "msg": "near must be lat,lon,km", "type": "value_error"}],
                }
            ]
        }
    }

    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(default=None, description="each bad field (422 only)")


def problem_type(status: int) -> str:
    return PROBLEM_BASE + _TYPES[status] if status in _TYPES else "about:blank"


def problem_response(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON)


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


def _summary(errors: list[dict[str, Any]]) -> str:
    parts = [".".join(str(p) for p in e["loc"]) + f": {e['msg']}" if e["loc"] else e["msg"] for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    noun = "parameter" if len(errors) == 1 else "parameters"
    return f"{len(errors)} invalid {noun}: " + "; ".join(parts) + more


async def _validation_failed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    return problem_response(422, _summary(errors), errors=errors)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(exc.status_code, detail, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    if dependency_unavailable(exc):
        # The database (or the bus) is away, which /readyz also says: a client should come back, not report a bug.
        log.warning("dependency unavailable", extra={"method": request.method, "error": type(exc).__name__})
        return problem_response(
            503, "the database or the bus is unavailable; retry later", headers={"Retry-After": "5"}
        )
    # The path is not logged: it may carry ids a client considers private.
    log.error("unhandled error", extra={"method": request.method, "error": type(exc).__name__}, exc_info=exc)
    return problem_response(500, "internal error; the api's log has the details")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    _document_problems(app)


def _document_problems(app: FastAPI) -> None:
    """OpenAPI: every 4xx/5xx answer is a :class:`Problem` in ``application/problem+json``, 422s included."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        defs = components["Problem"].pop("$defs", {})
        components.update(defs)
        content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for code, response in operation.get("responses", {}).items():
                    if code[:1] in {"4", "5"}:
                        response["content"] = content
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

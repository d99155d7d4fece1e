"""The write endpoints' bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .settings import ApiSettings

# auto_error=False: the token is optional (dev stack) and a missing one must answer 401, not FastAPI's 403.
_bearer = HTTPBearer(auto_error=False, description="WIREWATCH_API_TOKEN; required for POST and DELETE when set")


def token_guard(settings: ApiSettings) -> Callable[[HTTPAuthorizationCredentials | None], None]:
    """A dependency that lets a request through when no token is configured or it presents the right one."""
    expected = settings.token.get_secret_value().encode() if settings.token else None

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
        if expected is None:
            return
        given = credentials.credentials.encode() if credentials else b""
        # Constant-time comparison so response timing does not leak how much of a guess was right.
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "a valid bearer token is required: Authorization: Bearer <WIREWATCH_API_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return require_token

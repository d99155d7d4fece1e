"""Bearer tokens: writes need ``WIREWATCH_API_TOKEN``; reads need a token only when ``protect_reads`` is set.

401 means "who are you?" (no token, not a bearer token, or a token the api does not know) and carries
``WWW-Authenticate: Bearer``; 403 means "I know you, but no": the read-only token presented on a write. Tokens are
compared in constant time and never logged or echoed.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .settings import ApiSettings

# auto_error=False: the token is optional (dev stack), and a missing one must answer 401, not FastAPI's 403.
_bearer = HTTPBearer(
    auto_error=False,
    description="WIREWATCH_API_TOKEN for writes; WIREWATCH_API_READ_TOKEN or the write token for reads when "
    "WIREWATCH_API_PROTECT_READS is set",
)
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CHALLENGE = {"WWW-Authenticate": "Bearer"}

Guard = Callable[..., None]


def _secret(value: object) -> bytes | None:
    get = getattr(value, "get_secret_value", None)
    return get().encode() if get is not None else None


def _same(given: bytes, expected: bytes | None) -> bool:
    # Constant-time comparison so response timing does not leak how much of a guess was right.
    return expected is not None and hmac.compare_digest(given, expected)


def access_guard(settings: ApiSettings) -> Guard:
    """A dependency for every ``/v1`` route: writes need the write token, reads a token when reads are protected.

    With no write token configured everything is open (the dev stack), whatever the other settings say.
    """
    write = _secret(settings.token)
    read = _secret(settings.read_token)

    def require_access(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> None:
        if write is None:
            return
        is_read = request.method in _READ_METHODS
        if is_read and not settings.protect_reads:
            return
        if credentials is None:
            what = "reads need" if is_read else "writes need"
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                f"{what} a bearer token: Authorization: Bearer <WIREWATCH_API_TOKEN>",
                headers=_CHALLENGE,
            )
        given = credentials.credentials.encode()
        if _same(given, write):
            return
        if _same(given, read):
            if is_read:
                return
            raise HTTPException(status.HTTP_403_FORBIDDEN, "this token may only read; writes need WIREWATCH_API_TOKEN")
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the bearer token is not valid here", headers=_CHALLENGE)

    return require_access


def token_guard(settings: ApiSettings) -> Guard:
    """The write routes' own guard (kept on each route besides the router-wide one, so none can lose it)."""
    return access_guard(settings)

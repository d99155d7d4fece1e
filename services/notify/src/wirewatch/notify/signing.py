"""Standard Webhooks signatures (https://www.standardwebhooks.com/): ``v1,<base64 HMAC-SHA256>``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret


class InvalidSecretError(ValueError):
    """A subscription's secret is not ``whsec_`` followed by base64."""


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part after ``whsec_``."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise InvalidSecretError("webhook secret is not valid base64 after whsec_") from exc
    if not key:
        raise InvalidSecretError("webhook secret is empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one message: HMAC-SHA256 over ``{id}.{timestamp}.{body}``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(secrets: list[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a Standard Webhooks receiver needs to verify ``body``.

    With several secrets (during a rotation's overlap) the signatures are space-separated, as the spec says, so
    a receiver that still has the old secret and one that has the new one both verify.
    """
    if not secrets:
        raise InvalidSecretError("no signing secret")
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets),
        "content-type": "application/json",
    }


def unsigned_headers(msg_id: str, timestamp: int) -> dict[str, str]:
    """The headers of a NATS target's message: the same ids, no signature (NATS permissions guard the subject)."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp), "content-type": "application/json"}

"""The stable id of the webhook a subscription gets for one event version.

Whether a subscription wants an event is :func:`wirewatch.contracts.matches`, shared with the api's stream.
"""

from __future__ import annotations

import hashlib


def webhook_id(subscription_id: str, event_id: str, event_version: int) -> str:
    """``msg_<hash>``: the same for one (subscription, event, version), so repeats are recognisable everywhere.

    It is the ``_id`` of the delivery record and the ``webhook-id`` header the receiver can deduplicate on; a
    replay of the same version keeps it. The first request's Nats-Msg-Id is the same id.
    """
    basis = f"{subscription_id}\x1f{event_id}\x1f{event_version}"
    return "msg_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]

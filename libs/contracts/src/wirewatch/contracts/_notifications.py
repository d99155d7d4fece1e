"""Notify's internal work items: one webhook delivery to attempt."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime

from ._base import Message
from ._events import EventChanged


class WebhookDeliveryRequested(Message):
    """A webhook to send for one (subscription, event, event version).

    ``webhook_id`` is stable for that triple, so a receiver can drop repeats and a re-published request is
    dropped by JetStream's duplicate window.
    """

    schema_version: Literal[1] = 1
    webhook_id: str
    subscription_id: str
    event: EventChanged
    requested_at: AwareDatetime

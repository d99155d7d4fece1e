"""Notify's internal work items: one webhook delivery to attempt."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

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
    replay_id: str | None = Field(default=None, description="set when a replay asked for it again")

    def bus_message_id(self) -> str:
        """The Nats-Msg-Id: the webhook id, plus the replay's id for a replay (else the duplicate window drops it)."""
        return self.webhook_id if self.replay_id is None else f"{self.webhook_id}:{self.replay_id}"


class ReplayRequested(Message):
    """Send again: one delivery (``webhook_id``), or every event change since ``since`` that the subscription's
    filter matches. Published by the api on ``notify.replay``; notify does the work.

    A replayed event version keeps its webhook id (receivers drop what they already have); only the bus message
    id differs, so JetStream's duplicate window does not swallow the replay.
    """

    schema_version: Literal[1] = 1
    replay_id: str
    subscription_id: str
    webhook_id: str | None = None
    since: AwareDatetime | None = None
    requested_at: AwareDatetime

    @model_validator(mode="after")
    def _one_kind(self) -> ReplayRequested:
        if (self.webhook_id is None) == (self.since is None):
            raise ValueError("a replay names either one delivery (webhook_id) or a start time (since)")
        return self

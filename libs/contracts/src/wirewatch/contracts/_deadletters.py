"""Dead letters: messages a service gave up on, with the reason."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from ._base import Message


class DeadLetter(Message):
    """A message that could not be processed, kept with its error so nothing is dropped silently."""

    schema_version: Literal[1] = 1
    service: str
    subject: str
    stream_sequence: int | None = None
    num_delivered: int = Field(ge=0)
    error_type: str
    error: str
    body: str = Field(description="the original payload, decoded as UTF-8 with replacement characters")
    headers: dict[str, str] = Field(default_factory=dict)
    failed_at: AwareDatetime

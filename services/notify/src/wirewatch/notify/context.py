"""The bus side of one delivery request: the message to settle and what a dead letter needs to say."""

from __future__ import annotations

from dataclasses import dataclass

from faststream.nats import NatsMessage


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    msg: NatsMessage
    num_delivered: int
    stream_sequence: int | None
    headers: dict[str, str]

    @classmethod
    def of(cls, msg: NatsMessage) -> DeliveryContext:
        metadata = msg.raw_message.metadata
        return cls(
            msg=msg,
            num_delivered=metadata.num_delivered or 1,
            stream_sequence=metadata.sequence.stream if metadata.sequence else None,
            headers={k: v for k, v in (msg.headers or {}).items() if isinstance(v, str)},
        )

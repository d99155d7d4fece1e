"""Delivery to a NATS target: the webhook body, published to ``notify.out.<name>`` in the NOTIFY_OUT stream.

Delivered means JetStream stored it (the publish was acknowledged); the webhook id (plus a replay's id) is the
Nats-Msg-Id, so a retried publish is stored once. Consumers read the subject with their own JetStream consumer.
"""

from __future__ import annotations

import time

from faststream.nats import NatsBroker

from wirewatch.contracts import HEADER_MSG_ID, NOTIFY_OUT_STREAM

from .sender import SendResult


class NatsTargetPublisher:
    def __init__(self, broker: NatsBroker, *, timeout: float) -> None:
        self._broker = broker
        self._timeout = timeout

    async def send(self, subject: str, headers: dict[str, str], body: bytes, *, message_id: str) -> SendResult:
        started = time.perf_counter()
        try:
            await self._broker.publish(
                body,
                subject,
                headers={**headers, HEADER_MSG_ID: message_id},
                stream=NOTIFY_OUT_STREAM.name,
                timeout=self._timeout,
            )
        except Exception as exc:  # noqa: BLE001 - any publish failure is a failed attempt, retried on schedule
            return SendResult(None, time.perf_counter() - started, f"publish failed: {type(exc).__name__}: {exc}"[:500])
        return SendResult(None, time.perf_counter() - started, None, f"stored in {NOTIFY_OUT_STREAM.name}", stored=True)

"""Dead letters of notify: ``dlq.notify`` gets the request and why it died, with the attempts made."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from faststream.nats import NatsBroker

from wirewatch.contracts import (
    DEAD_LETTERS_STREAM,
    HEADER_MSG_ID,
    WEBHOOK_DELIVERIES,
    DeadLetter,
    dead_letter_subject,
)
from wirewatch.runtime import HopMetrics

from .context import DeliveryContext

log = logging.getLogger("wirewatch.notify")

SERVICE = "notify"
_MAX_ERROR_CHARS = 4000


def attempt_history(attempts: list[dict[str, Any]]) -> str:
    """One line per attempt: when, the answer (or error) and how long it took."""
    lines = []
    for number, attempt in enumerate(attempts, 1):
        at = attempt.get("at")
        when = at.isoformat() if isinstance(at, datetime) else str(at)
        answer = attempt.get("error") or f"HTTP {attempt.get('status_code')}"
        lines.append(f"#{number} {when} {answer} ({attempt.get('latency_ms')} ms)")
    return "\n".join(lines)


class DeadLetterSink:
    def __init__(self, broker: NatsBroker, hop_metrics: HopMetrics) -> None:
        self._broker = broker
        self._hop_metrics = hop_metrics

    async def send(self, ctx: DeliveryContext, body: str, error: str, error_type: str, *, key: str) -> None:
        """Publish the request with why it died to ``dlq.notify``, then ack it (never the other way round)."""
        letter = DeadLetter(
            service=SERVICE,
            subject=WEBHOOK_DELIVERIES,
            stream_sequence=ctx.stream_sequence,
            num_delivered=ctx.num_delivered,
            error_type=error_type,
            error=error[:_MAX_ERROR_CHARS],
            body=body,
            headers=ctx.headers,
            failed_at=datetime.now(UTC),
        )
        await self._broker.publish(
            letter,
            dead_letter_subject(SERVICE),
            headers={HEADER_MSG_ID: f"dlq:{SERVICE}:{key}"},
            stream=DEAD_LETTERS_STREAM.name,
        )
        await ctx.msg.ack()
        self._hop_metrics.dead_letters.labels(SERVICE, error_type).inc()
        log.error("delivery dead-lettered", extra={"key": key, "error_type": error_type, "error": error[:300]})

"""JetStream stream definitions: the one place that owns each stream's configuration.

Services and the dev runner apply these with ``wirewatch.runtime.provision_streams``; nothing else declares
streams (FastStream subscribers use ``JStream(..., declare=False)``), so two owners can never fight over a config.
"""

from __future__ import annotations

from dataclasses import dataclass

DAY = 24 * 3600


@dataclass(frozen=True, slots=True)
class StreamDefinition:
    """What a JetStream stream must look like."""

    name: str
    subjects: tuple[str, ...]
    max_age_seconds: int
    duplicate_window_seconds: int = 120
    max_bytes: int = -1
    work_queue: bool = False
    description: str = ""


ARTICLES_STREAM = StreamDefinition(
    name="ARTICLES",
    subjects=("articles.>",),
    max_age_seconds=7 * DAY,
    description="articles.submit, articles.ingested, articles.enriched",
)
EVENTS_STREAM = StreamDefinition(
    name="EVENTS",
    subjects=("events.>",),
    max_age_seconds=30 * DAY,
    description="events.<change>.<category>.<country>: event snapshots and what changed",
)
DELIVERIES_STREAM = StreamDefinition(
    name="DELIVERIES",
    subjects=("notify.deliveries", "notify.replay"),
    max_age_seconds=2 * DAY,
    # A webhook id repeated within an hour is the same delivery re-requested after a redelivery.
    duplicate_window_seconds=3600,
    work_queue=True,
    description="notify's work queue of webhook attempts (retries are delayed redeliveries) and replay requests",
)
NOTIFY_OUT_STREAM = StreamDefinition(
    name="NOTIFY_OUT",
    subjects=("notify.out.>",),
    max_age_seconds=7 * DAY,
    # The webhook id is the Nats-Msg-Id, so a retried publish of the same delivery is stored once.
    duplicate_window_seconds=3600,
    description="notify.out.<name>: matching events for subscriptions whose target is a NATS subject",
)
DEAD_LETTERS_STREAM = StreamDefinition(
    name="DEAD_LETTERS",
    subjects=("dlq.>",),
    max_age_seconds=30 * DAY,
    description="messages a service gave up on, with their error",
)

ALL_STREAMS: tuple[StreamDefinition, ...] = (
    ARTICLES_STREAM,
    EVENTS_STREAM,
    DELIVERIES_STREAM,
    NOTIFY_OUT_STREAM,
    DEAD_LETTERS_STREAM,
)

"""Subject names on the bus and the headers every message carries."""

from __future__ import annotations

import re

ARTICLES_SUBMIT = "articles.submit"
ARTICLES_INGESTED = "articles.ingested"
ARTICLES_ENRICHED = "articles.enriched"
EVENTS_ALL = "events.>"
WEBHOOK_DELIVERIES = "notify.deliveries"
# Replays asked for through the api; notify turns them into webhook deliveries.
DELIVERY_REPLAYS = "notify.replay"
DEAD_LETTERS_ALL = "dlq.>"

UNKNOWN_COUNTRY = "XX"
UNKNOWN_CATEGORY = "other"

# Header names. Nats-Msg-Id lets JetStream drop a repeated publish inside the stream's duplicate window.
HEADER_MSG_ID = "Nats-Msg-Id"
HEADER_TRACEPARENT = "traceparent"
HEADER_INGESTED_AT = "Wirewatch-Ingested-At"

_TOKEN = re.compile(r"[^a-z0-9_-]+")


def _token(value: str, fallback: str) -> str:
    cleaned = _TOKEN.sub("_", value.strip().lower()).strip("_")
    return cleaned or fallback


def event_subject(change: str, category: str | None, country: str | None) -> str:
    """``events.<change>.<category>.<country>``, e.g. ``events.created.conflict.AZ``.

    Tokens are sanitised so that a category or country can never add a level or a wildcard to the subject.
    """
    cat = _token(category or "", UNKNOWN_CATEGORY)
    cc = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", cc):
        cc = UNKNOWN_COUNTRY
    return f"events.{_token(change, 'updated')}.{cat}.{cc}"


def dead_letter_subject(service: str) -> str:
    """Where a service puts messages it gave up on: ``dlq.<service>``."""
    return f"dlq.{_token(service, 'unknown')}"

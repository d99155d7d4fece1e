"""wirewatch message contracts: every message on the bus, its subjects, headers and streams."""

from ._articles import (
    MAX_TEXT_CHARS,
    ArticleEnriched,
    ArticleIngested,
    ArticleSubmitted,
    Enrichment,
    Entity,
    EventType,
    Origin,
    Place,
)
from ._base import Message
from ._deadletters import DeadLetter
from ._events import ChangeKind, EventChanged, EventSnapshot
from ._identity import article_id, canonical_url, content_hash
from ._notifications import WebhookDeliveryRequested
from ._streams import (
    ALL_STREAMS,
    ARTICLES_STREAM,
    DEAD_LETTERS_STREAM,
    DELIVERIES_STREAM,
    EVENTS_STREAM,
    StreamDefinition,
)
from ._subjects import (
    ARTICLES_ENRICHED,
    ARTICLES_INGESTED,
    ARTICLES_SUBMIT,
    DEAD_LETTERS_ALL,
    EVENTS_ALL,
    HEADER_INGESTED_AT,
    HEADER_MSG_ID,
    HEADER_TRACEPARENT,
    UNKNOWN_CATEGORY,
    UNKNOWN_COUNTRY,
    WEBHOOK_DELIVERIES,
    dead_letter_subject,
    event_subject,
)
from ._subscriptions import Subscription, SubscriptionFilter

__all__ = [
    "ALL_STREAMS",
    "ARTICLES_ENRICHED",
    "ARTICLES_INGESTED",
    "ARTICLES_STREAM",
    "ARTICLES_SUBMIT",
    "DEAD_LETTERS_ALL",
    "DEAD_LETTERS_STREAM",
    "DELIVERIES_STREAM",
    "EVENTS_ALL",
    "EVENTS_STREAM",
    "HEADER_INGESTED_AT",
    "HEADER_MSG_ID",
    "HEADER_TRACEPARENT",
    "MAX_TEXT_CHARS",
    "UNKNOWN_CATEGORY",
    "UNKNOWN_COUNTRY",
    "WEBHOOK_DELIVERIES",
    "ArticleEnriched",
    "ArticleIngested",
    "ArticleSubmitted",
    "ChangeKind",
    "DeadLetter",
    "Enrichment",
    "Entity",
    "EventChanged",
    "EventSnapshot",
    "EventType",
    "Message",
    "Origin",
    "Place",
    "StreamDefinition",
    "Subscription",
    "SubscriptionFilter",
    "WebhookDeliveryRequested",
    "article_id",
    "canonical_url",
    "content_hash",
    "dead_letter_subject",
    "event_subject",
]

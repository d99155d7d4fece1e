"""Notify settings (env prefix ``WIREWATCH_NOTIFY_``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from wirewatch.runtime import ServiceSettings

# Svix's schedule: the delay before each attempt (the first is immediate), about 27.5 hours in all.
SVIX_SCHEDULE: tuple[float, ...] = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_NOTIFY_", extra="ignore")

    port: int = 8084
    # Where the full event can be read; the webhook payload links to {api_base_url}/v1/events/{id}.
    api_base_url: str = "http://127.0.0.1:8080"
    # Addresses or networks webhooks may reach although they are private/loopback ("127.0.0.1,10.0.0.0/8").
    allow_addresses: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # A webhook counts as delivered when the endpoint answers 2xx within this many seconds (connect included).
    delivery_timeout: float = Field(default=15.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    delivery_schedule: tuple[float, ...] = Field(default=SVIX_SCHEDULE, min_length=1)
    # Each retry waits up to this share longer (0.1 = up to 10 %), so a failed batch does not return as one wave.
    delivery_jitter: float = Field(default=0.1, ge=0, le=1)
    # A Retry-After longer than this is capped, so an endpoint cannot park a delivery for days.
    max_retry_after: float = Field(default=10 * 3600, ge=0)
    # Webhook bodies are kept under this size by trimming long lists (the link gives the full event).
    max_payload_bytes: int = Field(default=20_000, ge=2_000)
    # How long the matcher trusts its copy of the enabled subscriptions.
    subscription_cache_seconds: float = Field(default=2.0, ge=0)
    # Deliveries in flight at once, and per endpoint, so one slow endpoint cannot hold up the others.
    max_concurrency: int = Field(default=64, ge=1)
    per_endpoint_concurrency: int = Field(default=4, ge=1)
    # When an endpoint is at its limit and as many again wait for it, a further delivery is put back for at
    # least this long (not an attempt); longer when the endpoint is slow (about one answer's time).
    busy_delay: float = Field(default=0.25, ge=0)
    # Circuit breaker: this many failures in a row open it; for the cooldown deliveries are not sent (each is
    # recorded as a skipped attempt), then one probe decides whether it closes again.
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=30.0, ge=0)
    # An endpoint that has failed (without a success) for this long is disabled (Svix: 5 days).
    disable_after: float = Field(default=5 * 24 * 3600, ge=0)
    # Requests waiting for a retry count as unacknowledged in JetStream; the default (1000) would let a few
    # failing endpoints' retries stall every delivery, so the limit is far above any backlog we expect.
    max_ack_pending: int = Field(default=200_000, ge=1000)
    # Delivery records (each with its attempts and the event version sent) are kept this long, like the events.
    deliveries_keep_seconds: int = Field(default=30 * 24 * 3600, ge=3600)
    # A replay "since" reads at most this many event changes (it stops there and logs it).
    replay_max_events: int = Field(default=50_000, ge=1)
    # Deliveries that fail inside notify (database down, ...) are retried this many times before dead-lettering.
    max_internal_failures: int = Field(default=10, ge=1)

    @field_validator("allow_addresses", mode="before")
    @classmethod
    def _split_addresses(cls, value: Any) -> Any:
        # The environment gives "127.0.0.1,10.0.0.0/8" or a JSON list; code gives a list.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

"""Api settings (env prefix ``WIREWATCH_API_``)."""

import json
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from wirewatch.runtime import ServiceSettings


class ApiSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_API_", extra="ignore")

    port: int = 8080
    # Bearer token for POST/DELETE (``WIREWATCH_API_TOKEN``). Unset or empty means open, as the dev stack runs.
    # A SecretStr so that printing or logging the settings never shows it.
    token: SecretStr | None = None
    # A second token that may only read (``WIREWATCH_API_READ_TOKEN``); presented on a write it is a 403.
    read_token: SecretStr | None = None
    # Reads (GET) need a token too (either one) when true; health, metrics and /docs stay open.
    protect_reads: bool = False
    # Writes per client address: a token bucket of ``write_burst`` refilled at ``write_rate_per_minute``;
    # over it a write is a 429 with Retry-After. 0 turns the limit off.
    write_rate_per_minute: float = Field(default=600.0, ge=0)
    write_burst: int = Field(default=60, ge=1)
    # "fastest-growing" ranks events by the articles that joined them in this many seconds before the query.
    growth_window_seconds: int = Field(default=3600, ge=60, le=7 * 86400)
    # Requests with a larger body are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Articles in one batch POST; a bigger batch is a bulk import and belongs in a JSONL file.
    max_batch: int = Field(default=500, ge=1)
    # Articles listed with an event (its newest ones); the snapshot's counts say how many there are.
    event_articles_limit: int = Field(default=100, ge=1)
    # Webhook URLs on these private addresses/networks are accepted at creation; notify's own allowlist
    # (WIREWATCH_NOTIFY_ALLOW_ADDRESSES, also read here when this is unset) still decides at delivery.
    webhook_allow_addresses: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices(
            "WIREWATCH_API_WEBHOOK_ALLOW_ADDRESSES", "WIREWATCH_NOTIFY_ALLOW_ADDRESSES", "webhook_allow_addresses"
        ),
    )
    # /v1/stream: events buffered per client before a slow client is dropped, clients at once, keep-alive period.
    stream_queue_size: int = Field(default=256, ge=1)
    stream_max_clients: int = Field(default=1000, ge=1)
    stream_heartbeat: float = Field(default=15.0, gt=0)

    @field_validator("webhook_allow_addresses", mode="before")
    @classmethod
    def _split_addresses(cls, value: Any) -> Any:
        # "127.0.0.1,10.0.0.0/8" or a JSON list from the environment, as notify reads it.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("token", "read_token")
    @classmethod
    def _empty_token_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

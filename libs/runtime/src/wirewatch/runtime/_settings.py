"""Settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Connection and runtime settings.

    Subclasses set ``env_prefix`` (``WIREWATCH_ENRICH_`` ...) for their own options; the bus and database URLs
    are shared by every service and read from ``WIREWATCH_NATS_URL`` / ``WIREWATCH_MONGO_URL`` /
    ``WIREWATCH_MONGO_DB``.
    """

    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", extra="ignore")

    nats_url: str = Field(
        default="nats://127.0.0.1:4222", validation_alias=AliasChoices("WIREWATCH_NATS_URL", "nats_url")
    )
    mongo_url: str = Field(
        default="mongodb://127.0.0.1:27017", validation_alias=AliasChoices("WIREWATCH_MONGO_URL", "mongo_url")
    )
    mongo_db: str = Field(default="wirewatch", validation_alias=AliasChoices("WIREWATCH_MONGO_DB", "mongo_db"))
    # 3 on a 3-node JetStream cluster; 1 on a single server (the embedded stack), which refuses more.
    stream_replicas: int = Field(
        default=1, ge=1, le=5, validation_alias=AliasChoices("WIREWATCH_STREAM_REPLICAS", "stream_replicas")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("WIREWATCH_LOG_LEVEL", "log_level"))
    host: str = "127.0.0.1"
    port: int = 0
    # Deliveries before a failing message is dead-lettered; JetStream redelivers with the delays below.
    max_deliver: int = Field(default=5, ge=1)
    retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0, 15.0)
    batch_size: int = Field(default=16, ge=1)
    shutdown_timeout: float = 10.0
    # How long a starting service waits for nats-server and the database before it gives up and exits.
    startup_timeout: float = Field(default=120.0, ge=0)

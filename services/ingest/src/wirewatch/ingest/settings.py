"""Ingest settings (env prefix ``WIREWATCH_INGEST_``)."""

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from wirewatch.runtime import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_INGEST_", extra="ignore")

    port: int = 8081

    # --- feed poller (feeds registry, schedule, fetching) ---
    # A TOML file of feeds upserted into the registry at start (see deploy/feeds.example.toml).
    feeds_file: Path | None = None
    poller_enabled: bool = True
    # How often the poller looks for due feeds; a feed's own interval is set per feed.
    poll_tick_seconds: float = Field(default=1.0, gt=0)
    # Fetches in flight at once, overall and per host (politeness: one slow site cannot take every slot).
    feed_concurrency: int = Field(default=32, ge=1)
    feed_per_host: int = Field(default=2, ge=1)
    # Whole-fetch deadline (connect + headers + body): a body that trickles forever is cut here.
    feed_timeout_seconds: float = Field(default=30.0, gt=0)
    feed_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    feed_max_redirects: int = Field(default=5, ge=0)
    # A claimed feed is someone else's to poll until the lease ends (a replica that died mid-fetch frees it then).
    feed_lease_seconds: float = Field(default=120.0, gt=0)
    # Fraction of the interval added or removed at random so feeds added together do not poll together forever.
    feed_jitter: float = Field(default=0.1, ge=0, lt=1)
    feed_backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    # Stale: no new item for this many times the feed's usual gap between items (or its interval if longer).
    feed_stale_factor: float = Field(default=5.0, gt=1)
    # Item keys remembered per feed so an item is published once, not at every poll (see README, "Feeds").
    feed_seen_max: int = Field(default=2000, ge=10)
    # Addresses outgoing requests may reach although not public, e.g. ["127.0.0.1"] in tests and the dev stack.
    http_allowlist: list[str] = Field(default_factory=list)

    @field_validator("feeds_file", mode="before")
    @classmethod
    def _no_feeds_file_when_empty(cls, value: object) -> object:
        # WIREWATCH_INGEST_FEEDS_FILE= (as in .env.example) means no file, not the current directory.
        return None if isinstance(value, str) and not value.strip() else value

    # --- article pages (fetch_page submissions: download, extraction) ---
    # Whole-download deadline (connect + redirects + body) and body size limit of one page.
    page_timeout_seconds: float = Field(default=15.0, gt=0)
    page_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    page_max_redirects: int = Field(default=5, ge=0)
    # Pages downloaded from one host at a time (a feed's new items all point at the same site).
    page_per_host: int = Field(default=4, ge=1)
    # Deliveries that may try a page that failed transiently (timeout, 5xx) before the item stands on its own;
    # capped at max_deliver - 1 so the last delivery can always fall back instead of dead-lettering.
    page_fetch_attempts: int = Field(default=3, ge=1)
    # Worker processes for HTML extraction, and how long one page may take before its worker is killed.
    extraction_workers: int = Field(default=2, ge=1)
    extraction_timeout_seconds: float = Field(default=20.0, gt=0)

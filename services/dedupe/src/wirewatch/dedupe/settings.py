"""Dedupe settings (env prefix ``WIREWATCH_DEDUPE_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from wirewatch.runtime import ServiceSettings


class DedupeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_DEDUPE_", extra="ignore")

    port: int = 8083
    # Events whose last article is older than this (relative to the new article) are not candidates.
    window_days: float = Field(default=7.0, gt=0)
    # At most this many candidate events are scored per article, newest first.
    max_candidates: int = Field(default=24, ge=1)
    # Near-duplicate signatures expire after this many days (TTL index on dedupe_index.indexed_at).
    index_ttl_days: float = Field(default=14.0, gt=0)
    # Minimum final score to join an event (see ClusteringPolicy).
    join_threshold: float = Field(default=0.30, ge=0, le=1)
    # An event with no new article for this long goes dormant (not joined any more); swept every interval.
    dormant_after_hours: float = Field(default=72.0, gt=0)
    dormancy_sweep_seconds: float = Field(default=60.0, gt=0)
    # An article fetched by a replica that stopped or died comes back to another one after this long.
    ack_wait_seconds: float = Field(default=60.0, gt=0)
    # A new event stays provisional while its creation is checked; if its creator dies, another replica finishes
    # the check after this long (see creations.py). Keep it well under ack_wait_seconds.
    creation_lease_seconds: float = Field(default=5.0, gt=0)

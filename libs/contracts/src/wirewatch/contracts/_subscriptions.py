"""Subscriptions: written by the api (and CLI), read by notify. Stored in the ``subscriptions`` collection."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator

from ._base import Message
from ._events import ChangeKind

_COUNTRY = re.compile(r"^[A-Z]{2}$")


class SubscriptionFilter(Message):
    """Which events a subscriber wants; an empty list means "any"."""

    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes")
    categories: list[str] = Field(default_factory=list, description="event categories, e.g. conflict, politics")
    change_kinds: list[ChangeKind] = Field(default_factory=list)
    min_articles: int = Field(default=1, ge=1)

    @field_validator("countries")
    @classmethod
    def _upper_iso_codes(cls, values: list[str]) -> list[str]:
        codes = [v.strip().upper() for v in values]
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(bad)}")
        return codes

    @field_validator("categories")
    @classmethod
    def _lower_categories(cls, values: list[str]) -> list[str]:
        return [v.strip().lower() for v in values if v.strip()]


class Subscription(Message):
    """A subscriber's webhook endpoint, its signing secret and its filter."""

    schema_version: Literal[1] = 1
    subscription_id: str
    name: str | None = None
    webhook_url: str = Field(max_length=2048)
    secret: str = Field(pattern=r"^whsec_[A-Za-z0-9+/=]+$", description="Standard Webhooks signing secret")
    filters: SubscriptionFilter = Field(default_factory=SubscriptionFilter)
    enabled: bool = True
    created_at: AwareDatetime

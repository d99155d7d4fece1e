"""Subscriptions: written by the api (and CLI), read by notify. Stored in the ``subscriptions`` collection.

A subscription has a filter (which events it wants, :func:`wirewatch.contracts.matches` decides) and one target:
a webhook URL signed with a ``whsec_`` secret, or a NATS subject under :data:`NOTIFY_OUT_PREFIX`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from ._base import Message
from ._events import ChangeKind

# Subjects of the NATS targets: ``notify.out.<name>``; the stream NOTIFY_OUT keeps them.
NOTIFY_OUT_PREFIX = "notify.out."
SECRET_PATTERN = r"^whsec_[A-Za-z0-9+/=]+$"  # noqa: S105 - the format of a secret, not one

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
# One or more subject tokens; no wildcards, spaces or empty tokens, so a name can never widen the subject.
_SUBJECT_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+){0,7}$")
_MAX_TERMS = 100  # entries in one filter list: matching is linear in them


def _terms(values: list[str], what: str, max_chars: int = 200) -> list[str]:
    """Trimmed, non-empty, de-duplicated (first kept) and not too long."""
    cleaned: list[str] = []
    for value in values:
        term = " ".join(value.split())
        if not term:
            raise ValueError(f"{what} must not be blank")
        if len(term) > max_chars:
            raise ValueError(f"{what} longer than {max_chars} characters: {term[:40]!r}...")
        if term.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(term)
    return cleaned


class GeoCircle(Message):
    """A point and a radius: events with a place within ``radius_km`` of it match."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=20_040, description="great-circle distance; half the equator at most")


def _shown(values: list[str]) -> str:
    # Lone surrogates as escapes: pydantic cannot build an error message holding one (a 500 at the api instead of
    # a 422; found by tests/fuzz).
    return ", ".join(values).encode("utf-8", "backslashreplace").decode("utf-8")


class SubscriptionFilter(Message):
    """Which events a subscriber wants. Every given part must pass; an empty part accepts anything.

    Within one list any entry is enough (countries ``["AZ", "AM"]`` = Azerbaijan or Armenia).
    """

    countries: list[str] = Field(default_factory=list, max_length=_MAX_TERMS, description="ISO 3166-1 alpha-2 codes")
    categories: list[str] = Field(
        default_factory=list, max_length=_MAX_TERMS, description="event categories, e.g. conflict, politics"
    )
    event_types: list[str] = Field(
        default_factory=list,
        max_length=_MAX_TERMS,
        description="ACLED-style type or sub-event type, e.g. battles, armed clash, protests",
    )
    near: GeoCircle | None = Field(default=None, description="a place of the event within a radius of a point")
    entities: list[str] = Field(
        default_factory=list, max_length=_MAX_TERMS, description="named entities or actors, e.g. Armenia, UN"
    )
    keywords: list[str] = Field(
        default_factory=list, max_length=_MAX_TERMS, description="words or phrases in the title or keywords"
    )
    languages: list[str] = Field(
        default_factory=list, max_length=_MAX_TERMS, description="ISO 639-1 codes of the event's articles"
    )
    change_kinds: list[ChangeKind] = Field(default_factory=list)
    min_articles: int = Field(default=1, ge=1)
    min_sources: int = Field(default=1, ge=1, description="distinct sources (outlets) reporting the event")

    @field_validator("countries")
    @classmethod
    def _upper_iso_codes(cls, values: list[str]) -> list[str]:
        codes = [v.strip().upper() for v in values]
        bad = [c for c in codes if not _COUNTRY.match(c)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {_shown(bad)}")
        return list(dict.fromkeys(codes))

    @field_validator("languages")
    @classmethod
    def _lower_language_codes(cls, values: list[str]) -> list[str]:
        codes = [v.strip().lower() for v in values]
        bad = [c for c in codes if not _LANGUAGE.match(c)]
        if bad:
            raise ValueError(f"not ISO 639-1 language codes: {_shown(bad)}")
        return list(dict.fromkeys(codes))

    @field_validator("categories", "event_types")
    @classmethod
    def _lower_categories(cls, values: list[str]) -> list[str]:
        return [t.lower() for t in _terms(values, "a category or event type", 100)]

    @field_validator("entities")
    @classmethod
    def _entities(cls, values: list[str]) -> list[str]:
        return _terms(values, "an entity")

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, values: list[str]) -> list[str]:
        return _terms(values, "a keyword")


class PreviousSecret(Message):
    """A rotated-out secret that still signs (next to the new one) until ``expires_at``."""

    secret: str = Field(pattern=SECRET_PATTERN)
    expires_at: AwareDatetime


class Subscription(Message):
    """A subscriber's filter and target: a webhook (URL + signing secret) or a NATS subject.

    Disabled subscriptions get nothing; ``disabled_reason`` says why (410 Gone, failing since ``failing_since``
    for too long, or by hand) and since when (``disabled_at``).
    """

    schema_version: Literal[1] = 1
    subscription_id: str
    name: str | None = None
    webhook_url: str | None = Field(default=None, max_length=2048)
    secret: str | None = Field(default=None, pattern=SECRET_PATTERN, description="Standard Webhooks signing secret")
    previous_secrets: list[PreviousSecret] = Field(default_factory=list)
    nats_subject: str | None = Field(default=None, max_length=256, description="notify.out.<name>")
    filters: SubscriptionFilter = Field(default_factory=SubscriptionFilter)
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_at: AwareDatetime | None = None
    failing_since: AwareDatetime | None = Field(default=None, description="first failure since the last success")
    created_at: AwareDatetime

    @model_validator(mode="after")
    def _one_target(self) -> Subscription:
        if (self.webhook_url is None) == (self.nats_subject is None):
            raise ValueError("a subscription needs exactly one target: webhook_url or nats_subject")
        if self.webhook_url is not None and self.secret is None:
            raise ValueError("a webhook subscription needs a signing secret")
        if self.nats_subject is not None and not is_notify_subject(self.nats_subject):
            raise ValueError(f"nats_subject must be {NOTIFY_OUT_PREFIX}<name> without wildcards")
        return self

    @property
    def target(self) -> Literal["webhook", "nats"]:
        return "webhook" if self.webhook_url is not None else "nats"

    def signing_secrets(self, now: datetime) -> list[str]:
        """The secrets to sign with now: the current one first, then those still in their overlap period."""
        current = [self.secret] if self.secret else []
        return current + [p.secret for p in self.previous_secrets if p.expires_at > now]


def notify_subject(name: str) -> str:
    """``notify.out.<name>`` for a target name such as ``alerts`` or ``team.ops``; ValueError when unusable."""
    name = name.strip().removeprefix(NOTIFY_OUT_PREFIX)
    if not _SUBJECT_NAME.match(name):
        raise ValueError(
            "a NATS target name is 1-8 dot-separated tokens of letters, digits, '_' or '-' (no wildcards or spaces)"
        )
    return NOTIFY_OUT_PREFIX + name


def is_notify_subject(subject: str) -> bool:
    return subject.startswith(NOTIFY_OUT_PREFIX) and bool(_SUBJECT_NAME.match(subject[len(NOTIFY_OUT_PREFIX) :]))

"""What the subscription, delivery and replay endpoints accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from wirewatch.contracts import SubscriptionFilter, notify_subject

from .models import _http_url

# Events are kept this long in the EVENTS stream; a replay cannot reach further back.
MAX_OVERLAP_SECONDS = 30 * 24 * 3600


class SubscriptionIn(BaseModel):
    """A new subscription: a filter and exactly one target, ``webhook_url`` or ``nats_target``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    webhook_url: str | None = Field(default=None, max_length=2048)
    nats_target: str | None = Field(
        default=None, max_length=200, description="a name; events go to the subject notify.out.<name>"
    )
    name: str | None = Field(default=None, max_length=200)
    filters: SubscriptionFilter = Field(default_factory=SubscriptionFilter)

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value.strip())

    @field_validator("nats_target")
    @classmethod
    def _nats_target(cls, value: str | None) -> str | None:
        return None if value is None else notify_subject(value)

    @field_validator("filters", mode="before")
    @classmethod
    def _known_filters(cls, value: Any) -> Any:
        # The filter model ignores unknown fields (so old readers accept new ones); a client's typo must not be
        # silently dropped, turning "countrys: [AZ]" into "everything".
        if isinstance(value, dict):
            # Names as escapes where they are not valid text: pydantic cannot build an error message holding a
            # lone surrogate (``{"\\ud800": 1}`` gave a 500; found by tests/fuzz).
            unknown = sorted(
                str(name).encode("utf-8", "backslashreplace").decode("utf-8")
                for name in set(value) - set(SubscriptionFilter.model_fields)
            )
            if unknown:
                known = ", ".join(SubscriptionFilter.model_fields)
                raise ValueError(f"unknown filter(s): {', '.join(unknown)}; known: {known}")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> SubscriptionIn:
        if (self.webhook_url is None) == (self.nats_target is None):
            raise ValueError("give exactly one target: webhook_url or nats_target")
        return self


class RotateSecretIn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    overlap_seconds: int = Field(
        default=24 * 3600,
        ge=0,
        le=MAX_OVERLAP_SECONDS,
        description="how long the old secret keeps signing next to the new one",
    )


class SecretRotated(BaseModel):
    subscription_id: str
    secret: str = Field(description="the new signing secret, shown only here")
    previous_secret_expires_at: datetime = Field(description="until then webhooks carry both signatures")


class SubscriptionView(BaseModel):
    """A subscription as listed: everything but its secrets, which are shown only when created or rotated."""

    subscription_id: str
    name: str | None = None
    target: Literal["webhook", "nats"] = "webhook"
    webhook_url: str | None = None
    nats_subject: str | None = None
    filters: SubscriptionFilter
    enabled: bool
    disabled_reason: str | None = Field(default=None, description="why notify (or someone) disabled it")
    disabled_at: datetime | None = None
    failing_since: datetime | None = Field(default=None, description="its endpoint fails since then (no success)")
    secret_overlap_until: datetime | None = Field(default=None, description="a rotated-out secret signs until then")
    created_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _from_document(cls, value: Any) -> Any:
        if isinstance(value, dict) and "previous_secrets" in value:
            ends = [p.get("expires_at") for p in value.get("previous_secrets") or [] if isinstance(p, dict)]
            value = {**value, "secret_overlap_until": max((e for e in ends if e is not None), default=None)}
        if isinstance(value, dict):
            value = {**value, "target": "nats" if value.get("nats_subject") else "webhook"}
        return value


class SubscriptionList(BaseModel):
    subscriptions: list[SubscriptionView]


class DeliveryAttempt(BaseModel):
    at: datetime | None = None
    status_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    response_snippet: str | None = None
    replay_id: str | None = None


class DeliveryView(BaseModel):
    webhook_id: str
    subscription_id: str
    event_id: str | None = None
    event_version: int | None = None
    change: str | None = None
    status: str
    dead_reason: str | None = None
    attempts: list[DeliveryAttempt] = Field(default_factory=list)
    replay_ids: list[str] = Field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    delivered_at: datetime | None = None


class DeliveryList(BaseModel):
    deliveries: list[DeliveryView]


class ReplayAccepted(BaseModel):
    replay_id: str
    status: Literal["accepted"] = "accepted"
    subscription_id: str
    webhook_id: str | None = None
    since: datetime | None = None

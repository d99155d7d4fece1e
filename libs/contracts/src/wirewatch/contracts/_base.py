"""The base every bus message derives from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """A message on the bus.

    Messages are immutable values; each concrete message pins ``schema_version`` with a ``Literal`` so a consumer
    that meets a version it does not know rejects it with a clear validation error instead of misreading it.
    Unknown fields are ignored so that a producer can add optional fields before every consumer is upgraded.
    Infinities and NaN are refused: JSON has no way to write them (pydantic sends ``null``), so a message holding
    one would be dead-lettered by the next hop; the producer hears about it instead (found by tests/fuzz).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=False, allow_inf_nan=False)

"""Api settings (env prefix ``WIREWATCH_API_``)."""

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from wirewatch.runtime import ServiceSettings


class ApiSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_API_", extra="ignore")

    port: int = 8080
    # Bearer token for POST/DELETE (``WIREWATCH_API_TOKEN``). Unset or empty means open, as the dev stack runs.
    # A SecretStr so that printing or logging the settings never shows it.
    token: SecretStr | None = None
    # Requests with a larger body are refused with 413 before they are parsed.
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # Articles in one batch POST; a bigger batch is a bulk import and belongs in a JSONL file.
    max_batch: int = Field(default=500, ge=1)
    # Articles listed with an event (its newest ones); the snapshot's counts say how many there are.
    event_articles_limit: int = Field(default=100, ge=1)

    @field_validator("token")
    @classmethod
    def _empty_token_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

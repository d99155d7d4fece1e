"""Ingest settings (env prefix ``WIREWATCH_INGEST_``)."""

from pydantic_settings import SettingsConfigDict

from wirewatch.runtime import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_INGEST_", extra="ignore")

    port: int = 8081

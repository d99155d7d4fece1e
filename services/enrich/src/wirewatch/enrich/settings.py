"""Enrich settings (env prefix ``WIREWATCH_ENRICH_``)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from wirewatch.runtime import ServiceSettings

from .enricher import DEFAULT_MAX_CHARS


class EnrichSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_ENRICH_", extra="ignore")

    port: int = 8082
    # Characters of title + body the NLP looks at; the rest of a long article is skipped (and said so).
    max_chars: int = Field(default=DEFAULT_MAX_CHARS, ge=1_000)
    # Messages handled at once (default: twice the batch size, so one batch is in the NLP while the previous one is
    # stored, published and acked).
    in_flight: int | None = Field(default=None, ge=1)
    # Run the NLP in a single-threaded child process (see nlp_process.py: about 30 % less CPU per article than in a
    # thread of this process); False runs it in a worker thread here.
    nlp_process: bool = True

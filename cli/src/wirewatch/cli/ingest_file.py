"""Submit articles from a JSONL file: parse each line into an ``ArticleSubmitted`` and publish it to JetStream.

A line is ``{"url"?, "title", "text"?, "published_at"?, "source"?, "lang"?}``; other keys are ignored. A bad line is
reported with its number and reason and skipped: one broken line must not cost the rest of a large import.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js.errors import NoStreamResponseError
from pydantic import ValidationError

from wirewatch.contracts import (
    ARTICLES_STREAM,
    ARTICLES_SUBMIT,
    HEADER_MSG_ID,
    ArticleSubmitted,
    article_id,
    canonical_url,
    content_hash,
)
from wirewatch.runtime import WirewatchError

from .bus import BusUnavailableError, connect

FIELDS = ("url", "title", "text", "published_at", "source", "lang")


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedLine:
    line: int
    article: ArticleSubmitted


@dataclass(slots=True)
class IngestReport:
    """What happened to a file: lines published, lines skipped and why."""

    published: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class InvalidLineError(WirewatchError):
    """A line that cannot become an article; the message says why."""


def parse_published_at(value: Any) -> datetime | None:
    """ISO 8601 date or time. A time without an offset and a bare date are taken as UTC (feeds often omit it)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidLineError("published_at must be an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidLineError(f"published_at is not an ISO 8601 date: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_line(raw: str, *, submitted_at: datetime) -> ArticleSubmitted:
    """One JSONL line as a submission with ``origin="file"``; raises :class:`InvalidLineError` saying why not."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidLineError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise InvalidLineError(f"expected a JSON object, got {type(data).__name__}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InvalidLineError("missing title" if title is None else "title must be a non-empty string")
    fields = {key: data[key] for key in FIELDS if data.get(key) is not None}
    fields["published_at"] = parse_published_at(data.get("published_at"))
    try:
        return ArticleSubmitted.model_validate({**fields, "origin": "file", "submitted_at": submitted_at})
    except ValidationError as exc:
        raise InvalidLineError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """``field: problem`` for each error, on one line."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "line"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def parse_lines(lines: Iterable[str], *, submitted_at: datetime | None = None) -> Iterator[ParsedLine | LineError]:
    """Parse every non-blank line, yielding the article or the error for that line number (1-based)."""
    when = submitted_at or datetime.now(UTC)
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield ParsedLine(number, parse_line(raw, submitted_at=when))
        except InvalidLineError as exc:
            yield LineError(number, str(exc))


def submission_msg_id(article: ArticleSubmitted) -> str:
    """Stable per article and content: re-running an import inside the duplicate window publishes nothing twice,
    while an edited article (new content) still goes through as a new revision."""
    digest = content_hash(article.title, article.text)
    ident = article_id(canonical_url(article.url) if article.url else None, digest)
    return f"submit:{ident}:{digest[:16]}"


async def publish_article(nc: NatsClient, article: ArticleSubmitted) -> None:
    """Publish to ``articles.submit`` and wait for JetStream to store it."""
    js = nc.jetstream()
    try:
        await js.publish(
            ARTICLES_SUBMIT,
            article.model_dump_json().encode(),
            stream=ARTICLES_STREAM.name,
            headers={HEADER_MSG_ID: submission_msg_id(article)},
        )
    except NoStreamResponseError:
        raise BusUnavailableError(
            f"JetStream stream {ARTICLES_STREAM.name} does not exist: start the services (wirewatch dev) first"
        ) from None


async def submit_lines(
    lines: Iterable[str], nats_url: str, *, on_error: Callable[[LineError], None] | None = None
) -> IngestReport:
    """Parse and publish every line; a line that fails (parse or publish) is reported and skipped.

    Raises :class:`BusUnavailableError` when NATS or the stream is missing: then no line could go through.
    """
    report = IngestReport()
    nc = await connect(nats_url, name="ingest")
    try:
        for item in parse_lines(lines):
            if isinstance(item, ParsedLine):
                try:
                    await publish_article(nc, item.article)
                except BusUnavailableError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a publish that timed out fails its line, not the import
                    item_error = LineError(item.line, f"publish failed: {exc or type(exc).__name__}")
                    report.errors.append(item_error)
                    if on_error:
                        on_error(item_error)
                else:
                    report.published += 1
                continue
            report.errors.append(item)
            if on_error:
                on_error(item)
    finally:
        await nc.close()
    return report

"""``wirewatch ingest --url``: page URLs become fetch-the-page submissions on articles.submit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from typer.testing import CliRunner, Result

from wirewatch.cli.main import app
from wirewatch.contracts import ARTICLES_STREAM, ArticleSubmitted
from wirewatch.runtime import provision_streams

pytestmark = pytest.mark.connected


async def _invoke(args: Sequence[str]) -> Result:
    """Run the command in a worker thread: it runs its own event loop, as it does from a shell."""
    runner = CliRunner(env={"COLUMNS": "200"})
    return await asyncio.to_thread(runner.invoke, app, list(args), catch_exceptions=False)


async def _submitted(nc: NatsClient) -> list[ArticleSubmitted]:
    js = nc.jetstream()
    info = await js.stream_info(ARTICLES_STREAM.name)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(ARTICLES_STREAM.name, seq)
        found.append(ArticleSubmitted.model_validate_json(msg.data or b""))
    return found


async def test_urls_are_submitted_for_fetching_and_bad_ones_reported(nats_url: str, nats_client: NatsClient):
    await provision_streams(nats_client.jetstream())
    result = await _invoke(
        [
            "ingest",
            "--url",
            "https://news.example/world/1?utm_source=x",
            "--url",
            "ftp://news.example/file",
            "--url",
            "http://news.example/world/2",
            "--nats-url",
            nats_url,
        ]
    )
    assert result.exit_code == 1, result.output
    assert "ftp://news.example/file" in result.stderr
    assert "not an absolute http(s) URL" in result.stderr
    assert "published 2 article(s), skipped 1 bad line(s) or URL(s)" in result.stdout
    stored = await _submitted(nats_client)
    assert [s.url for s in stored] == ["https://news.example/world/1?utm_source=x", "http://news.example/world/2"]
    assert all(s.fetch_page and s.title == "" and s.origin == "push" for s in stored)


async def test_file_and_urls_together(nats_url: str, nats_client: NatsClient, tmp_path: Path):
    await provision_streams(nats_client.jetstream())
    file = tmp_path / "a.jsonl"
    file.write_text(json.dumps({"title": "From the file"}) + "\n", encoding="utf-8")
    result = await _invoke(["ingest", str(file), "--url", "https://news.example/a", "--nats-url", nats_url])
    assert result.exit_code == 0, result.output
    assert [s.title for s in await _submitted(nats_client)] == ["From the file", ""]


async def test_nothing_to_ingest_is_a_usage_error():
    result = await _invoke(["ingest"])
    assert result.exit_code == 2
    assert "--url" in result.stderr

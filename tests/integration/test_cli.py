"""The wirewatch CLI against a real nats-server (and the real api for the api commands)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from typer.testing import CliRunner, Result

from wirewatch.cli.main import app
from wirewatch.cli.stack import Stack
from wirewatch.cli.tail import tail
from wirewatch.contracts import ARTICLES_STREAM, ARTICLES_SUBMIT, ArticleSubmitted, EventChanged, EventSnapshot
from wirewatch.runtime import EmbeddedNats, free_port, provision_streams

pytestmark = pytest.mark.connected


async def _invoke(args: Sequence[str]) -> Result:
    """Run the command in a worker thread: it runs its own event loop, as it does from a shell."""
    runner = CliRunner(env={"COLUMNS": "200"})
    return await asyncio.to_thread(runner.invoke, app, list(args), catch_exceptions=False)


async def _submitted(nc: NatsClient) -> list[tuple[ArticleSubmitted, str | None]]:
    js = nc.jetstream()
    info = await js.stream_info(ARTICLES_STREAM.name)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(ARTICLES_STREAM.name, seq)
        assert msg.subject == ARTICLES_SUBMIT
        found.append((ArticleSubmitted.model_validate_json(msg.data or b""), (msg.headers or {}).get("Nats-Msg-Id")))
    return found


def _write(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_ingest_publishes_good_lines_and_reports_bad_ones(nats_url: str, nats_client: NatsClient, tmp_path: Path):
    await provision_streams(nats_client.jetstream())
    good = {"title": "Azerbaijan launches operation", "url": "https://a.example/1", "published_at": "2023-09-19T08:40Z"}
    file = _write(
        tmp_path / "articles.jsonl",
        [
            json.dumps(good),
            "{broken",
            json.dumps({"text": "a body without a title"}),
            json.dumps({"title": "When?", "published_at": "last tuesday"}),
            json.dumps({"title": "Title only"}),
        ],
    )
    result = await _invoke(["ingest", str(file), "--nats-url", nats_url])
    assert result.exit_code == 1, result.output
    assert f"{file}:2:" in result.stderr
    assert "invalid JSON" in result.stderr
    assert f"{file}:3: missing title" in result.stderr
    assert f"{file}:4:" in result.stderr
    assert "last tuesday" in result.stderr
    assert "published 2 article(s), skipped 3 bad line(s)" in result.stdout

    stored = await _submitted(nats_client)
    assert [a.title for a, _ in stored] == ["Azerbaijan launches operation", "Title only"]
    assert all(a.origin == "file" for a, _ in stored)
    assert all(msg_id and msg_id.startswith("submit:") for _, msg_id in stored)
    assert stored[0][0].published_at == datetime(2023, 9, 19, 8, 40, tzinfo=UTC)

    # The same file again inside the duplicate window: JetStream drops every repeat.
    file2 = _write(tmp_path / "again.jsonl", [json.dumps(good), json.dumps({"title": "Title only"})])
    again = await _invoke(["ingest", str(file2), "--nats-url", nats_url])
    assert again.exit_code == 0, again.output
    assert len(await _submitted(nats_client)) == 2


async def test_ingest_demo_corpus_file(nats_url: str, nats_client: NatsClient, tmp_path: Path):
    from wirewatch.cli.demo import demo_lines  # noqa: PLC0415

    await provision_streams(nats_client.jetstream())
    file = _write(tmp_path / "demo.jsonl", demo_lines())
    result = await _invoke(["ingest", str(file), "--nats-url", nats_url])
    assert result.exit_code == 0, result.output
    assert len(await _submitted(nats_client)) == len(demo_lines())


async def test_ingest_says_clearly_when_the_bus_is_not_there(nats_url: str, tmp_path: Path):
    file = _write(tmp_path / "a.jsonl", [json.dumps({"title": "x"})])
    no_stream = await _invoke(["ingest", str(file), "--nats-url", nats_url])  # fresh JetStream: no ARTICLES
    assert no_stream.exit_code == 3
    assert "ARTICLES does not exist" in no_stream.stderr
    no_server = await _invoke(["ingest", str(file), "--nats-url", f"nats://127.0.0.1:{free_port()}"])
    assert no_server.exit_code == 3
    assert "cannot connect to NATS" in no_server.stderr


def _event(title: str) -> EventChanged:
    now = datetime.now(UTC)
    snapshot = EventSnapshot(
        event_id="evt_1",
        version=1,
        title=title,
        category="conflict",
        countries=["AZ"],
        primary_country="AZ",
        first_seen=now,
        last_seen=now,
        article_count=3,
        source_count=2,
    )
    return EventChanged(change="created", event=snapshot, changed_at=now)


async def _publish_until_done(nc: NatsClient, task: asyncio.Task[Result], messages: list[tuple[str, bytes]]) -> None:
    # The tail subscribes in its own thread; keep publishing until it has seen enough, so no sleep guesses.
    for _ in range(200):
        if task.done():
            return
        for subject, data in messages:
            await nc.publish(subject, data)
        await nc.flush()
        await asyncio.sleep(0.05)


async def test_tail_count_prints_json_lines(nats_url: str, nats_client: NatsClient):
    task = asyncio.create_task(_invoke(["tail", "events.>", "--json", "--count", "3", "--nats-url", nats_url]))
    await _publish_until_done(
        nats_client, task, [("events.created.conflict.AZ", _event("Karabakh").model_dump_json().encode())]
    )
    result = await task
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert first["subject"] == "events.created.conflict.AZ"
    assert first["data"]["event"]["title"] == "Karabakh"


async def test_tail_shows_events_in_words_and_other_messages_as_json(nats_url: str, nats_client: NatsClient):
    task = asyncio.create_task(_invoke(["tail", ">", "--count", "2", "--nats-url", nats_url]))
    await _publish_until_done(
        nats_client,
        task,
        [
            ("events.created.conflict.AZ", _event("Offensive in Karabakh").model_dump_json().encode()),
            ("dlq.enrich", b'{"error": "boom"}'),
        ],
    )
    result = await task
    assert result.exit_code == 0, result.output
    assert "created  conflict   AZ Offensive in Karabakh  articles=3 sources=2" in result.stdout
    assert "dlq.enrich" in result.stdout
    assert '"error": "boom"' in result.stdout


async def test_tail_timeout_before_count_fails(nats_url: str):
    result = await _invoke(["tail", "nothing.here", "--count", "1", "--timeout", "0.5", "--nats-url", nats_url])
    assert result.exit_code == 1
    assert "0 of 1" in result.stderr


@pytest.mark.slow
async def test_subscriptions_and_events_through_the_api(api_stack: Stack):
    api = ["--api-url", api_stack.api_url or ""]
    added = await _invoke(
        ["subscriptions", "add", "--url", "https://hooks.example/in", "--country", "az", "--country", "AM",
         "--category", "conflict", "--name", "karabakh desk", "--json", *api]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    created = json.loads(added.stdout)
    assert created["secret"].startswith("whsec_")
    assert created["filters"]["countries"] == ["AZ", "AM"]
    sub_id = created["subscription_id"]

    listed = await _invoke(["subscriptions", "list", "--json", *api])
    assert listed.exit_code == 0, listed.output
    assert [s["subscription_id"] for s in json.loads(listed.stdout)] == [sub_id]
    table = await _invoke(["subscriptions", "list", *api])
    assert sub_id in table.stdout
    assert "karabakh desk" in table.stdout
    assert "whsec_" not in table.stdout

    removed = await _invoke(["subscriptions", "remove", sub_id, *api])
    assert removed.exit_code == 0, removed.output
    gone = await _invoke(["subscriptions", "remove", sub_id, *api])
    assert gone.exit_code == 1
    assert "404" in gone.stderr

    bad = await _invoke(["subscriptions", "add", "--url", "https://hooks.example/in", "--country", "Azerbaijan", *api])
    assert bad.exit_code == 1
    assert "countries" in bad.stderr

    events = await _invoke(["events", "list", "--country", "AZ", "--json", *api])
    assert events.exit_code == 0, events.output
    assert json.loads(events.stdout) == {"events": [], "next_cursor": None}


async def test_api_commands_fail_clearly_when_the_api_is_unreachable():
    url = f"http://127.0.0.1:{free_port()}"
    for args in (["subscriptions", "list"], ["events", "list"], ["subscriptions", "remove", "sub_x"]):
        result = await _invoke([*args, "--api-url", url])
        assert result.exit_code == 3, result.output
        assert f"cannot reach the api at {url}" in result.stderr


async def test_tail_ends_when_the_server_goes_away(tmp_path: Path):
    server = EmbeddedNats(tmp_path / "nats", free_port(), free_port())
    server.start()
    try:
        ready = asyncio.Event()
        task = asyncio.create_task(tail(server.url, "events.>", lambda *_: None, on_ready=ready.set))
        await asyncio.wait_for(ready.wait(), 10)
    finally:
        server.stop()
    result = await asyncio.wait_for(task, 15)
    assert result.connection_lost
    assert result.received == 0

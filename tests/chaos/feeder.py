"""Pushes the corpus into the running pipeline the way clients do, through whatever fault is going on.

Most submissions go straight to ``articles.submit`` (JetStream publish with a Nats-Msg-Id, as the feed poller and
``wirewatch ingest`` do); every fourth goes through the api's ``POST /v1/articles``. A client retries until the
publish is acknowledged (a 202 from the api), so a submission is never lost on the client's side; repeats of one
submission carry the same message id, so JetStream drops them. Every wait is bounded by the feeder's deadline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import nats
from nats.aio.client import Client as NatsClient

from wirewatch.contracts import ARTICLES_SUBMIT, HEADER_MSG_ID

from .corpus import POISON, Submission

log = logging.getLogger("wirewatch.chaos")

API_SHARE = 4  # every API_SHARE-th submission goes through the api
_RETRY_PAUSE = 0.25


async def quiet_nats_error(exc: Exception) -> None:
    """nats-py logs every failed reconnect with a traceback; during a planned restart one line is enough."""
    log.debug("nats client: %r", exc)


class FeedTimeoutError(AssertionError):
    """The pipeline would not take a submission before the deadline."""


@dataclass
class Feeder:
    nats_url: str
    api_url: str
    deadline_seconds: float = 300.0
    rate_per_second: float = 100.0
    submitted: int = 0
    retries: int = 0
    poison_sent: list[tuple[str, str, bytes]] = field(default_factory=list)
    _nc: NatsClient | None = None
    _api: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Feeder:
        # Reconnects forever (bounded by our own deadline), as a client that outlives a server restart must.
        self._nc = await nats.connect(
            self.nats_url,
            name="chaos-feeder",
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.25,
            error_cb=quiet_nats_error,
        )
        self._api = httpx.AsyncClient(base_url=self.api_url, timeout=5.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._api is not None:
            await self._api.aclose()
        if self._nc is not None:
            await self._nc.close()

    async def feed(self, submissions: Sequence[Submission]) -> None:
        """Submit each, paced at ``rate_per_second``, a few at a time."""
        deadline = time.monotonic() + self.deadline_seconds
        interval = 1.0 / self.rate_per_second
        window = asyncio.Semaphore(8)

        async def one(submission: Submission) -> None:
            async with window:
                await self.submit(submission, deadline)

        tasks = []
        for submission in submissions:
            tasks.append(asyncio.create_task(one(submission)))
            await asyncio.sleep(interval)
        await asyncio.gather(*tasks)

    async def submit(self, submission: Submission, deadline: float) -> None:
        via_api = submission.index % API_SHARE == 0
        while True:
            try:
                if via_api:
                    await self._post(submission)
                else:
                    await self._publish(ARTICLES_SUBMIT, submission.msg_id, self._body(submission))
            except (TimeoutError, OSError, httpx.HTTPError, nats.errors.Error, RetryableAnswerError) as exc:
                if time.monotonic() > deadline:
                    what = f"submission {submission.index} not accepted before the deadline"
                    raise FeedTimeoutError(f"{what}: {exc!r}") from exc
                self.retries += 1
                await asyncio.sleep(_RETRY_PAUSE)
            else:
                self.submitted += 1
                return

    async def poison(self) -> None:
        """Publish every poison payload once (each with its own message id)."""
        deadline = time.monotonic() + self.deadline_seconds
        for number, (service, subject, body) in enumerate(POISON):
            while True:
                try:
                    await self._publish(subject, f"chaos-poison:{number}", body)
                    break
                except (TimeoutError, OSError, nats.errors.Error) as exc:
                    if time.monotonic() > deadline:
                        raise FeedTimeoutError(f"poison {number} not accepted: {exc!r}") from exc
                    await asyncio.sleep(_RETRY_PAUSE)
            self.poison_sent.append((service, subject, body))

    @staticmethod
    def _body(submission: Submission) -> bytes:
        payload = {
            "schema_version": 1,
            "origin": "nats",
            "submitted_at": submission.payload["published_at"],
            **submission.payload,
        }
        return json.dumps(payload).encode()

    async def _publish(self, subject: str, msg_id: str, body: bytes) -> None:
        assert self._nc is not None
        await self._nc.jetstream().publish(subject, body, headers={HEADER_MSG_ID: msg_id}, timeout=2.0)

    async def _post(self, submission: Submission) -> None:
        assert self._api is not None
        response = await self._api.post("/v1/articles", json=submission.payload)
        if response.status_code != httpx.codes.ACCEPTED:
            if response.status_code >= 500 or response.status_code == httpx.codes.TOO_MANY_REQUESTS:
                raise RetryableAnswerError(f"api answered {response.status_code}: {response.text[:200]}")
            raise AssertionError(f"api refused submission {submission.index}: {response.status_code} {response.text}")


class RetryableAnswerError(Exception):
    """The api said: not now (5xx, 429)."""

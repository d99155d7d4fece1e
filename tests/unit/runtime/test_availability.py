"""Which failures mean "a server is away" (retry through the outage) and which are the message's own."""

from __future__ import annotations

import nats.errors
import nats.js.errors
import pytest
from pymongo.errors import AutoReconnect, DuplicateKeyError, NetworkTimeout, ServerSelectionTimeoutError

from wirewatch.runtime import RetryLater, dependency_unavailable, unavailable_delay


@pytest.mark.parametrize(
    "exc",
    [
        ServerSelectionTimeoutError("127.0.0.1:27017: connection refused"),
        AutoReconnect("connection closed"),
        NetworkTimeout("timed out"),
        nats.errors.ConnectionClosedError(),
        nats.errors.NoRespondersError(),
        nats.errors.TimeoutError(),
        nats.js.errors.ServiceUnavailableError(code=503, description="JetStream not ready"),
    ],
)
def test_driver_errors_of_an_unreachable_server_mean_unavailable(exc: BaseException) -> None:
    assert dependency_unavailable(exc)


def test_a_wrapped_driver_error_still_means_unavailable() -> None:
    outer = RuntimeError("could not store the article")
    outer.__cause__ = ServerSelectionTimeoutError("no servers")
    assert dependency_unavailable(outer)
    implicit = KeyError("while handling the outage")
    implicit.__context__ = AutoReconnect("connection reset")
    assert dependency_unavailable(implicit)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad input"),
        RetryLater("page did not load"),
        TimeoutError("our own work took too long"),
        DuplicateKeyError("E11000"),
        KeyError("title"),
    ],
)
def test_failures_of_the_message_itself_count_towards_dead_lettering(exc: BaseException) -> None:
    assert not dependency_unavailable(exc)


def test_the_delay_doubles_up_to_the_cap() -> None:
    assert [unavailable_delay(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert unavailable_delay(10_000, first=0.1, cap=3.0) == 3.0

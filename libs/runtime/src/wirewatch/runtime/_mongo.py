"""The MongoDB client every service uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.monitoring import CommandListener


def make_mongo_client(
    url: str, *, app_name: str = "wirewatch", listeners: Sequence[CommandListener] = ()
) -> AsyncMongoClient[dict[str, Any]]:
    """An async client with timeouts short enough that a dead database shows up as not-ready, not a hang."""
    return AsyncMongoClient(
        url,
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        socketTimeoutMS=30000,
        event_listeners=list(listeners),
    )

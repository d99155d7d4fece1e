"""The matcher's short-lived copy of the enabled subscriptions.

Every event is matched against every enabled subscription; reading them all from MongoDB per event would put
one collection scan on each event's path, so the list is refreshed at most every ``ttl`` seconds. A new
subscription therefore takes effect within ``ttl`` seconds.
"""

from __future__ import annotations

import asyncio
import time

from wirewatch.contracts import Subscription

from .repository import SubscriptionRepository


class SubscriptionCache:
    def __init__(self, repository: SubscriptionRepository, ttl: float) -> None:
        self._repository = repository
        self._ttl = ttl
        self._loaded_at = float("-inf")
        self._subscriptions: list[Subscription] = []
        # One refresh at a time: concurrent handlers wait for it instead of each scanning the collection.
        self._lock = asyncio.Lock()

    async def enabled(self) -> list[Subscription]:
        if time.monotonic() - self._loaded_at < self._ttl:
            return self._subscriptions
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self._ttl:
                self._subscriptions = await self._repository.enabled()
                self._loaded_at = time.monotonic()
        return self._subscriptions

"""Notify's short-lived copy of the enabled subscriptions.

Every event is matched against every enabled subscription, and every delivery needs its subscription (target,
secrets); reading them from MongoDB each time would put a query on every event's and every webhook's path, so
the list is refreshed at most every ``ttl`` seconds. A new subscription, a rotated secret or a re-enabled one
therefore takes effect within ``ttl`` seconds. One that is not in the copy (disabled, deleted, or too new) is
read from the database.
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
        self._by_id: dict[str, Subscription] = {}
        # One refresh at a time: concurrent handlers wait for it instead of each scanning the collection.
        self._lock = asyncio.Lock()

    async def enabled(self) -> list[Subscription]:
        if time.monotonic() - self._loaded_at < self._ttl:
            return self._subscriptions
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self._ttl:
                self._subscriptions = await self._repository.enabled()
                self._by_id = {s.subscription_id: s for s in self._subscriptions}
                self._loaded_at = time.monotonic()
        return self._subscriptions

    async def get(self, subscription_id: str) -> Subscription | None:
        await self.enabled()
        found = self._by_id.get(subscription_id)
        return found if found is not None else await self._repository.get(subscription_id)

    def forget(self, subscription_id: str) -> None:
        """Drop one from the copy at once (it was just disabled here), so no further delivery uses it."""
        if self._by_id.pop(subscription_id, None) is not None:
            self._subscriptions = [s for s in self._subscriptions if s.subscription_id != subscription_id]

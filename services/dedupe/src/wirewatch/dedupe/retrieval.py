"""Candidate retrieval through bounded postings: the cost per article does not grow with the stored events.

Every event is listed under its lookup keys (``t:<term>``, ``e:<entity>``, ``c:<country>``; see
:attr:`EventState.keys`). A key's posting list keeps only its ``POSTINGS_PER_KEY`` most recently indexed events,
so a lookup reads at most ``len(keys) * POSTINGS_PER_KEY`` ids whatever the number of stored events; events share
more keys with the article rank first. The service keeps postings in MongoDB (``dedupe_postings``), the offline
clusterer in a dictionary; both rank with :func:`rank_candidates`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

# Events kept per key, newest last. A story's specific keys (names, rare words) have short lists; for common ones
# ("c:US") only recent events stay findable through that key, which is what recency-ranked clustering wants anyway.
POSTINGS_PER_KEY = 64


def rank_candidates(postings: Iterable[Sequence[str]], *, exclude: str | None, limit: int) -> list[str]:
    """Event ids by the number of the article's keys they share, then by recency in the lists; at most ``limit``.

    ``postings`` holds one list per key of the article (oldest first, as stored). Deterministic for equal input.
    """
    votes: dict[str, int] = {}
    recency: dict[str, int] = {}
    for events in postings:
        newest_first = list(dict.fromkeys(reversed(events)))  # a repeated id counts once, at its latest place
        for age, event_id in enumerate(newest_first):
            votes[event_id] = votes.get(event_id, 0) + 1
            recency[event_id] = min(recency.get(event_id, age), age)
    votes.pop(exclude or "", None)
    ranked = sorted(votes, key=lambda e: (-votes[e], recency[e], e))
    return ranked[:limit]


def add_posting(events: list[str], event_id: str) -> list[str]:
    """The in-memory twin of the MongoDB ``$push`` with ``$slice``: append, keep the newest entries."""
    kept = [e for e in events if e != event_id]
    kept.append(event_id)
    return kept[-POSTINGS_PER_KEY:]

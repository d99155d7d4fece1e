"""The dedupe algorithm over an in-memory store: for batch runs (``wirewatch cluster``) and offline evaluation.

It makes the same calls as the service (copy detection, :func:`choose_event`, the :class:`EventState`
transitions); only the storage differs, and one process needs no concurrency control.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .copies import KnownCopy, copy_signature, find_original
from .events import EventState, in_window, new_keys
from .features import ArticleFeatures
from .merging import absorb, merge_pair, redirected, survivor_first
from .quality import bcubed
from .retrieval import add_posting, rank_candidates
from .scoring import MAX_CANDIDATES, ClusteringPolicy, Decision, choose_event
from .signatures import Signature

__all__ = ["OfflineClusterer", "bcubed"]


@dataclass
class OfflineClusterer:
    """Online clustering of articles fed one at a time, in order; state lives in dictionaries."""

    policy: ClusteringPolicy = field(default_factory=ClusteringPolicy)
    window: timedelta = timedelta(days=7)
    max_candidates: int = MAX_CANDIDATES
    events: dict[str, EventState] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    _postings: dict[str, list[str]] = field(default_factory=dict)
    _copies: dict[str, KnownCopy] = field(default_factory=dict)
    _bands: dict[int, set[str]] = field(default_factory=dict)
    _hashes: dict[str, set[str]] = field(default_factory=dict)

    def add(self, features: ArticleFeatures, content_hash: str, text: str = "") -> Decision:
        """Decide one article and apply the decision; returns it."""
        signature = copy_signature(features.title, text)
        match = find_original(features.article_id, content_hash, signature, self._neighbours(content_hash, signature))
        if match is not None and match.event_id in self.events:
            decision = Decision(
                "duplicate", self.resolve(match.event_id), duplicate_of=match.original_id, similarity=match.similarity
            )
            self._store(self.events[self.resolve(match.event_id)].with_duplicate(features))
            original = match.original_id
        else:
            decision = choose_event(features, self._candidates(features), self.policy)
            if decision.event_id is None:
                event = EventState.found(features)
                decision = Decision("create", event.event_id, decision.scores, decision.candidates, decision.runner_up)
            else:
                event = self.events[decision.event_id].with_article(features)
            self._store(event)
            original = features.article_id
            if (pair := merge_pair(decision, self.policy)) is not None:
                self._merge(*pair)
        assert decision.event_id is not None
        self._remember(features.article_id, content_hash, signature, original, decision.event_id)
        self.decisions[features.article_id] = decision
        return decision

    def assignments(self) -> dict[str, str]:
        """Article id -> event id, through merge redirects."""
        return {a: self.resolve(d.event_id) for a, d in self.decisions.items() if d.event_id is not None}

    def resolve(self, event_id: str) -> str:
        """The event an id stands for now: itself, or where merges sent it."""
        seen = 0
        while (target := self.events[event_id].merged_into) is not None and seen < len(self.events):
            event_id, seen = target, seen + 1
        return event_id

    def _merge(self, joined: str, other: str) -> None:
        survivor, absorbed = survivor_first(self.events[joined], self.events[other])
        self._store(absorb(survivor, absorbed))
        self._store(redirected(absorbed, survivor.event_id))

    def _candidates(self, features: ArticleFeatures) -> list[EventState]:
        ranked = rank_candidates(
            (self._postings.get(key, []) for key in features.keys), exclude=None, limit=self.max_candidates
        )
        return [e for e in map(self.events.__getitem__, ranked) if in_window(e, features.at, self.window)]

    def _store(self, event: EventState) -> None:
        previous = self.events.get(event.event_id)
        for key in new_keys(previous, event):
            self._postings[key] = add_posting(self._postings.get(key, []), event.event_id)
        self.events[event.event_id] = event

    def _neighbours(self, content_hash: str, signature: Signature) -> list[KnownCopy]:
        ids = set(self._hashes.get(content_hash, set()))
        for band in signature.bands:
            ids |= self._bands.get(band, set())
        return [self._copies[i] for i in sorted(ids)]

    def _remember(self, article_id: str, content_hash: str, signature: Signature, original: str, event: str) -> None:
        self._copies[article_id] = KnownCopy(article_id, content_hash, signature.values, original, event)
        self._hashes.setdefault(content_hash, set()).add(article_id)
        for band in signature.bands:
            self._bands.setdefault(band, set()).add(article_id)

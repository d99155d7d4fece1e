"""One article through dedupe: replay, revision, copy, or clustering; with the concurrency rules of replicas.

Rules that keep several replicas and redeliveries correct:
- every event change is a ``replace`` filtered on the version it was computed from; on a conflict the change is
  recomputed from the fresh document (lost updates are impossible);
- an event records which article revisions it applied (``applied``) and the change each caused, so a redelivery
  finds its own work and re-publishes the same EventChanged instead of applying it twice;
- creating an event is validated against creation sequences, one per lookup key: a replica reads the sequences of
  its article's keys and its new event's keys, searches, inserts and lists its new event, then advances every one
  of those sequences from the value it read. If another creation touched a shared key meanwhile, an advance fails
  and the replica searches again (now seeing that event) and withdraws its own when it should join instead. Two
  creations that share no key cannot be each other's candidates, so they never conflict. So two replicas cannot
  both create an event for one story from articles they handled at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from wirewatch.contracts import ArticleEnriched, EventChanged
from wirewatch.runtime import RetryLater

from .copies import copy_signature, find_original
from .events import EventState, applied_key, changed_fields, event_id_for, new_keys
from .features import ArticleFeatures, features_from_enriched
from .merger import EventMerger
from .merging import merge_pair
from .repository import DedupeRepository
from .scoring import MAX_CANDIDATES, ClusteringPolicy, Decision, choose_event
from .signatures import Signature

MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to publish for an article, and whether it is a replay of an earlier, identical decision."""

    change: EventChanged
    decision: str
    replayed: bool = False
    candidates: int = 0
    merges: tuple[EventChanged, ...] = ()  # two events this article showed to be one (see merger.py)


@dataclass(frozen=True, slots=True)
class _Context:
    message: ArticleEnriched
    features: ArticleFeatures
    signature: Signature

    @property
    def key(self) -> str:
        return applied_key(self.features.article_id, self.features.revision)


class ArticleClusterer:
    def __init__(
        self,
        repository: DedupeRepository,
        *,
        policy: ClusteringPolicy | None = None,
        window: timedelta = timedelta(days=7),
        max_candidates: int = MAX_CANDIDATES,
        on_conflict: Callable[[str], None] | None = None,
    ) -> None:
        self.repository = repository
        self.merger = EventMerger(repository)
        self.policy = policy or ClusteringPolicy()
        self.window = window
        self.max_candidates = max_candidates
        self._on_conflict = on_conflict or (lambda _kind: None)

    async def cluster_article(self, message: ArticleEnriched) -> Outcome | None:
        """Decide and store; returns the change to publish, or None for a stale revision (nothing to do)."""
        article = message.article
        ctx = _Context(message, features_from_enriched(message), copy_signature(article.title, article.text))
        done = await self.repository.event_applied(ctx.key)
        if done is not None:
            if done.version == 1 and done.founder == article.article_id and (record := done.change_for(ctx.key)):
                # Our own new event that nobody joined: the earlier attempt may have stopped before it was listed
                # and checked against concurrent creations, so finish that check (it may still withdraw the event).
                resumed = (EventChanged.model_validate(record["change"]), record, Decision("create", done.event_id))
                return await self._cluster(ctx, resumed)
            return await self._replay(done, ctx)
        member_of = await self.repository.event_of_member(article.article_id)
        if member_of is not None:
            if member_of.revision_of(article.article_id) > article.revision:
                return None  # an older revision arriving late: the newer one already shaped the event
            return await self._update(member_of, ctx, Decision("revision", member_of.event_id))
        known = await self.repository.known_copies(article.content_hash, ctx.signature)
        match = find_original(article.article_id, article.content_hash, ctx.signature, known)
        if match is not None:
            original_event = await self.repository.load_event(match.event_id)
            if original_event is not None and original_event.merged_into is not None:
                original_event = await self.repository.load_event(original_event.merged_into)
            if original_event is not None and original_event.status == "active":
                decision = Decision(
                    "duplicate", original_event.event_id, duplicate_of=match.original_id, similarity=match.similarity
                )
                return await self._update(original_event, ctx, decision)
        return await self._cluster(ctx)

    # ---- the three ways to change an event ------------------------------------------------------------------

    async def _update(self, event: EventState | None, ctx: _Context, decision: Decision) -> Outcome:
        """Apply ``decision`` (join, revision, duplicate) to ``event``, re-reading it on version conflicts."""
        for _ in range(MAX_ATTEMPTS):
            if event is None:
                raise RetryLater(f"event {decision.event_id} disappeared while being joined")
            if ctx.key in event.applied:
                return await self._replay(event, ctx)
            if decision.kind == "duplicate":
                after = event.with_duplicate(ctx.features)
            elif decision.kind == "revision":
                after = event.with_revision(ctx.features)
            else:
                after = event.with_article(ctx.features)
            change, record = self._change(event, after, ctx, decision)
            if await self.repository.replace_event(after.with_change(ctx.key, record), event.version):
                await self.repository.index_event(after.event_id, new_keys(event, after))
                return await self._finish(change, record, decision, ctx)
            self._on_conflict("version")
            event = await self.repository.load_event(event.event_id)
        raise RetryLater(f"event {decision.event_id} kept changing under us")

    async def _cluster(
        self, ctx: _Context, created: tuple[EventChanged, dict[str, Any], Decision] | None = None
    ) -> Outcome:
        own_id = event_id_for(ctx.features.article_id)
        if created is not None:
            await self.repository.index_event(own_id, EventState.found(ctx.features).keys)
        # Creation sequences are kept per lookup key: two creations conflict only when one could be the other's
        # candidate, so creations of unrelated stories never serialise (see repository.advance_key_sequences).
        guarded = list(dict.fromkeys([*ctx.features.keys, *EventState.found(ctx.features).keys]))
        for _ in range(MAX_ATTEMPTS):
            seen = await self.repository.key_sequences(guarded)
            candidates = await self.repository.candidates(
                ctx.features, window=self.window, limit=self.max_candidates, exclude=own_id
            )
            decision = choose_event(ctx.features, candidates, self.policy)
            if decision.kind == "join":
                if created is not None and not await self.repository.withdraw_event(own_id):
                    # Someone joined our new event before we could withdraw it: it is real now, keep it.
                    return await self._finish(*created, ctx)
                # Candidates come without their member lists (see repository.candidates): load the whole event.
                joined = await self._update(await self.repository.load_event(decision.event_id or ""), ctx, decision)
                if (pair := merge_pair(decision, self.policy)) is not None and not joined.replayed:
                    joined = replace(joined, merges=tuple(await self.merger.merge(*pair)))
                return joined
            if created is None:
                decision = Decision("create", own_id, decision.scores, decision.candidates, decision.runner_up)
                event = EventState.found(ctx.features)
                change, record = self._change(None, event, ctx, decision)
                if not await self.repository.insert_event(event.with_change(ctx.key, record)):
                    existing = await self.repository.load_event(own_id)
                    if existing is not None and ctx.key in existing.applied:
                        return await self._replay(existing, ctx)
                    raise RetryLater(f"event {own_id} exists without this article")
                await self.repository.index_event(own_id, event.keys)
                created = (change, record, decision)
            if await self.repository.advance_key_sequences(seen):
                return await self._finish(*created, ctx)
            self._on_conflict("creation")
        raise RetryLater("too many concurrent event creations")

    # ---- recording and replaying ----------------------------------------------------------------------------

    def _change(
        self, before: EventState | None, after: EventState, ctx: _Context, decision: Decision
    ) -> tuple[EventChanged, dict[str, Any]]:
        now = datetime.now(UTC)
        old = before.snapshot() if before is not None and before.version > 0 else None
        snapshot = after.snapshot()
        change = EventChanged(
            change="created" if old is None else "updated",
            event=snapshot,
            changed_fields=changed_fields(old, snapshot),
            article_id=ctx.features.article_id,
            ingested_at=ctx.message.article.ingested_at,
            changed_at=now,
        )
        record = {
            "change": change.model_dump(mode="json"),
            "decision": {
                "event_id": after.event_id,
                "duplicate_of": decision.duplicate_of,
                "decision": decision.kind,
                "scores": decision.scores_dict(),
                "revision": ctx.features.revision,
                "event_version": after.version,
                "decided_at": now,
            },
        }
        return change, record

    async def _replay(self, event: EventState, ctx: _Context) -> Outcome:
        """This revision was applied before: restore its bookkeeping and hand back the same change."""
        # A crash may have come between the event write and its postings: list it again (repeats are harmless).
        await self.repository.index_event(event.event_id, event.keys)
        record = event.change_for(ctx.key)
        if record is None:  # older than the kept change log: publish the current state instead
            change = EventChanged(
                change="updated",
                event=event.snapshot(),
                changed_fields=[],
                article_id=ctx.features.article_id,
                ingested_at=ctx.message.article.ingested_at,
                changed_at=datetime.now(UTC),
            )
            return Outcome(change, "replay", replayed=True)
        change = EventChanged.model_validate(record["change"])
        decision = record["decision"]
        await self._remember(ctx, decision)
        return Outcome(change, decision["decision"], replayed=True)

    async def _finish(self, change: EventChanged, record: dict[str, Any], decision: Decision, ctx: _Context) -> Outcome:
        await self._remember(ctx, record["decision"])
        return Outcome(change, decision.kind, candidates=decision.candidates)

    async def _remember(self, ctx: _Context, decision: dict[str, Any]) -> None:
        article = ctx.message.article
        original = decision.get("duplicate_of") or article.article_id
        await self.repository.remember_copy(
            article.article_id, article.content_hash, ctx.signature, original, decision["event_id"]
        )
        await self.repository.record_decision(article.article_id, article.revision, decision)

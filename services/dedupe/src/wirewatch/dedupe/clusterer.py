"""One article through dedupe: replay, revision, copy, or clustering; with the concurrency rules of replicas.

Rules that keep several replicas and redeliveries correct:
- every event change is a ``replace`` filtered on the version it was computed from; on a conflict the change is
  recomputed from the fresh document (lost updates are impossible);
- an event records which article revisions it applied (``applied``) and the change each caused, so a redelivery
  finds its own work and re-publishes the same EventChanged instead of applying it twice;
- a new event is provisional until its creation is checked against concurrent creations (creation sequences per
  lookup key); nobody joins a provisional event, so a creator whose check shows it should join another event can
  always withdraw its own, and two replicas cannot leave two events for one story. The invariant and the protocol,
  including how a dead creator's check is finished by someone else, are in creations.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from wirewatch.contracts import ArticleEnriched, EventChanged
from wirewatch.runtime import RetryLater

from .copies import copy_signature, find_original
from .creations import LEASE, Creation, Creations
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
    # Changes of creations this article finished for a creator that died (creations.py); published first.
    resolved: tuple[EventChanged, ...] = ()

    def published(self) -> tuple[EventChanged, ...]:
        """Everything to publish, in order."""
        return (*self.resolved, self.change, *self.merges)


@dataclass(frozen=True, slots=True)
class _Context:
    message: ArticleEnriched
    features: ArticleFeatures
    signature: Signature

    @property
    def key(self) -> str:
        return applied_key(self.features.article_id, self.features.revision)


@dataclass(slots=True)
class _Held:
    own: Creation | None  # the provisional event this run holds the lease of, if any


def _context(message: ArticleEnriched) -> _Context:
    article = message.article
    return _Context(message, features_from_enriched(message), copy_signature(article.title, article.text))


class ArticleClusterer:
    def __init__(
        self,
        repository: DedupeRepository,
        *,
        policy: ClusteringPolicy | None = None,
        window: timedelta = timedelta(days=7),
        max_candidates: int = MAX_CANDIDATES,
        on_conflict: Callable[[str], None] | None = None,
        creation_lease: timedelta = LEASE,
    ) -> None:
        self.repository = repository
        self.merger = EventMerger(repository)
        self.creations = Creations(repository, lease=creation_lease)
        self.policy = policy or ClusteringPolicy()
        self.window = window
        self.max_candidates = max_candidates
        self._on_conflict = on_conflict or (lambda _kind: None)

    async def cluster_article(self, message: ArticleEnriched, *, _again: bool = False) -> Outcome | None:
        """Decide and store; returns the change to publish, or None for a stale revision (nothing to do)."""
        article = message.article
        ctx = _context(message)
        done = await self.repository.event_applied(ctx.key)
        if done is not None:
            if done.provisional and not _again:
                # Our own new event, still unchecked: an earlier attempt stopped or died during the check. Finish it
                # once its lease is free, or (when someone else finished it meanwhile) replay what they did.
                outcome = await self.creations.wait(done.event_id, None, self._take_over)
                return outcome if outcome is not None else await self.cluster_article(message, _again=True)
            if done.provisional:
                raise RetryLater(f"event {done.event_id} is still being created")
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
            if event.provisional:  # a later revision of a founder whose creation is still being checked
                raise RetryLater(f"event {decision.event_id} is still being created")
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

    async def _cluster(self, ctx: _Context, own: Creation | None = None, *, nested: bool = False) -> Outcome:
        """Join the best event or create one, checked against concurrent creations (creations.py).

        ``own``: resume the check of our provisional event. ``nested``: we are finishing another article's creation
        for its dead creator, and take over no further ones (bounded work per message).
        """
        held = _Held(own)
        try:
            return await self._decide(ctx, held, nested)
        except BaseException:
            if held.own is not None:  # stopping early: whoever comes next may finish the check at once
                await self.creations.release(held.own)
            raise

    async def _decide(self, ctx: _Context, held: _Held, nested: bool) -> Outcome:
        own_id = event_id_for(ctx.features.article_id)
        if held.own is not None:  # resuming: a crash may have come before the event was listed
            await self.repository.index_event(own_id, EventState.found(ctx.features).keys)
        # Creation sequences are kept per lookup key: two creations conflict only when one could be the other's
        # candidate, so creations of unrelated stories never serialise (see repository.advance_key_sequences).
        guarded = list(dict.fromkeys([*ctx.features.keys, *EventState.found(ctx.features).keys]))
        resolved: tuple[EventChanged, ...] = ()
        for _ in range(MAX_ATTEMPTS):
            if held.own is not None:
                await self.creations.renew(held.own)
            seen = await self.repository.key_sequences(guarded)
            candidates = await self.repository.candidates(
                ctx.features, window=self.window, limit=self.max_candidates, exclude=own_id
            )
            decision = choose_event(ctx.features, candidates, self.policy)
            target = next((c for c in candidates if c.event_id == decision.event_id), None)
            if target is not None and target.provisional:
                # Never join an unchecked event: wait for its creator's verdict, then decide again. Of two creators
                # waiting for each other, the larger event id gives way first (so waits never form a cycle).
                if held.own is not None and target.event_id < own_id:
                    await self.creations.withdraw(held.own)
                    held.own = None
                self._on_conflict("provisional")
                take_over = None if nested else self._take_over
                finished = await self.creations.wait(target.event_id, held.own, take_over)
                resolved += finished.published() if finished is not None else ()
                continue
            if target is not None:
                if held.own is not None:
                    await self.creations.withdraw(held.own)  # still provisional: nobody else is in it
                    held.own = None
                # Candidates come without their member lists (see repository.candidates): load the whole event.
                joined = await self._update(await self.repository.load_event(target.event_id), ctx, decision)
                if (pair := merge_pair(decision, self.policy)) is not None and not joined.replayed:
                    joined = replace(joined, merges=tuple(await self.merger.merge(*pair)))
                return replace(joined, resolved=resolved)
            if held.own is None:
                created = await self._create(ctx, decision)
                if isinstance(created, Outcome):
                    return replace(created, resolved=resolved)
                held.own = created
            if await self.repository.advance_key_sequences(seen):
                await self.creations.confirm(held.own)
                own, held.own = held.own, None
                return replace(await self._finish(own.change, own.record, own.decision, ctx), resolved=resolved)
            self._on_conflict("creation")
        raise RetryLater("too many concurrent event creations")

    async def _create(self, ctx: _Context, searched: Decision) -> Creation | Outcome:
        """Insert our new event, provisional, and list it; a replay when an earlier attempt finished it."""
        event = EventState.found(ctx.features)
        decision = Decision("create", event.event_id, searched.scores, searched.candidates, searched.runner_up)
        change, record = self._change(None, event, ctx, decision)
        own, pending = self.creations.start(ctx.message, change, record, decision)
        if not await self.repository.insert_event(event.with_change(ctx.key, record), pending):
            existing = await self.repository.load_event(event.event_id)
            if existing is not None and not existing.provisional and ctx.key in existing.applied:
                return await self._replay(existing, ctx)
            raise RetryLater(f"event {event.event_id} is being created by another attempt")
        await self.repository.index_event(event.event_id, event.keys)
        return own

    async def finish_stale_creations(self, limit: int = 100) -> list[EventChanged]:
        """Finish creations left unchecked for a whole lease after their lease ran out (the periodic sweep):
        normally the founder's redelivery or a waiting article does it first. Returns the changes to publish."""
        published: list[EventChanged] = []
        for event_id in await self.repository.stale_creations(datetime.now(UTC) - self.creations.lease, limit):
            if (claimed := await self.creations.claim(event_id)) is None:
                continue
            try:
                published += (await self._take_over(*claimed)).published()
            except RetryLater:  # it waits on another creation in progress: the next sweep comes back to it
                continue
        return published

    async def _take_over(self, message_json: str, owner: str) -> Outcome:
        """Finish the check of a creation whose creator stopped (its lease ran out), as that creator would have."""
        self._on_conflict("takeover")
        ctx = _context(ArticleEnriched.model_validate_json(message_json))
        event = await self.repository.load_event(event_id_for(ctx.features.article_id))
        record = event.change_for(ctx.key) if event is not None else None
        if event is None or record is None:  # cannot happen: the claim just found it provisional
            raise RetryLater(f"provisional event of {ctx.features.article_id} lost its founder's record")
        decision = Decision("create", event.event_id)
        own = Creation(event.event_id, owner, EventChanged.model_validate(record["change"]), record, decision)
        return await self._cluster(ctx, own, nested=True)

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
            # The earlier attempt may have stopped before the article's own decision was written (a crash, the
            # database going away): write what is still known, or the article stays undecided for good.
            founder = event.event_id == event_id_for(ctx.features.article_id)
            known: dict[str, Any] = {
                "event_id": event.event_id,
                "duplicate_of": None,
                "decision": "create" if founder else "join",
                "scores": {},
                "revision": ctx.features.revision,
                "event_version": event.version,
                "decided_at": change.changed_at,
            }
            await self.repository.record_decision(ctx.features.article_id, ctx.features.revision, known)
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

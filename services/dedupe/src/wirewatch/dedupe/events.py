"""An event's state and how articles change it. Pure: storage is the repository's job.

The stored document is the :class:`~wirewatch.contracts.EventSnapshot` fields plus internal ones (term profile,
counts, keys, members) that clustering needs; :meth:`EventState.snapshot` is what goes on the bus.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from wirewatch.contracts import UNKNOWN_CATEGORY, EventSnapshot, EventType, Place, search_terms

from .features import ArticleFeatures, place_key
from .terms import key_terms, top_terms

PROFILE_TERMS = 200  # the event's term profile keeps its heaviest terms only, so documents stay small
KEY_TERMS = 10
KEY_ENTITIES = 10
RECENT_ARTICLES = 50
RECENT_CHANGES = 8  # changes kept for re-publishing after a redelivery (older ones re-send the current state)
SNAPSHOT_PLACES, SNAPSHOT_ACTORS, SNAPSHOT_ENTITIES, SNAPSHOT_KEYWORDS = 10, 10, 20, 10

Counts = dict[str, int]


def event_id_for(article_id: str) -> str:
    """The id of the event an article founds: deterministic, so a redelivery re-finds its own event."""
    return "ev_" + hashlib.sha256(f"event:{article_id}".encode()).hexdigest()[:21]


def applied_key(article_id: str, revision: int) -> str:
    return f"{article_id}:{revision}"


def ranked(counts: Counts) -> list[str]:
    # Stable sort: equal counts keep first-seen order (counts are stored as ordered pairs).
    return [k for k, _ in sorted(counts.items(), key=lambda item: -item[1])]


def _add(counts: Counts, items: tuple[str, ...] | list[str]) -> Counts:
    merged = dict(counts)
    for item in dict.fromkeys(items):
        merged[item] = merged.get(item, 0) + 1
    return merged


def _pairs(counts: dict[str, Any]) -> list[list[Any]]:
    # Stored as [key, value] pairs, never as sub-documents: words and names may contain "." or start with "$".
    return [[k, v] for k, v in counts.items()]


@dataclass(frozen=True, slots=True)
class PendingCreation:
    """Marks a provisional event: who is checking its creation, until when, and the founder's message (JSON), so
    that another replica can finish the check if its creator died (see creations.py)."""

    owner: str
    lease_until: datetime
    message: str

    def document(self) -> dict[str, Any]:
        return {"owner": self.owner, "lease_until": self.lease_until, "message": self.message}


@dataclass(frozen=True, slots=True)
class EventState:
    """One event. ``version`` increases by one with every change; each version is published exactly once."""

    event_id: str
    version: int
    title: str
    category: str
    first_seen: datetime
    last_seen: datetime
    founder: str
    event_type: dict[str, Any] | None = None
    article_count: int = 0
    duplicate_count: int = 0
    status: str = "active"
    merged_into: str | None = None  # set when this event was found to be another one (a redirect)
    merged_from: tuple[str, ...] = ()  # events this one absorbed (their ids redirect here)
    term_profile: dict[str, float] = field(default_factory=dict)
    entity_counts: Counts = field(default_factory=dict)
    actor_counts: Counts = field(default_factory=dict)
    keyword_counts: Counts = field(default_factory=dict)
    country_counts: Counts = field(default_factory=dict)
    place_counts: Counts = field(default_factory=dict)
    language_counts: Counts = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    applied: tuple[str, ...] = ()
    recent_changes: tuple[dict[str, Any], ...] = ()
    # Created but not yet checked against concurrent creations: nobody joins, merges or updates it (creations.py).
    provisional: bool = False
    # Derived from term_profile once per state (scoring compares every candidate's profile with an article).
    profile_norm: float = field(default=0.0, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile_norm", math.sqrt(sum(w * w for w in self.term_profile.values())))

    # ---- derived views -------------------------------------------------------------------------------------

    @property
    def countries(self) -> list[str]:
        return ranked(self.country_counts)

    @property
    def keys(self) -> list[str]:
        """What candidate lookup matches on; mirrors :attr:`ArticleFeatures.keys`."""
        keys = [f"t:{t}" for t in key_terms(self.term_profile, KEY_TERMS)]
        keys += [f"e:{e}" for e in ranked(self.entity_counts)[:KEY_ENTITIES]]
        keys += [f"c:{c}" for c in self.countries]
        return list(dict.fromkeys(keys))

    def snapshot(self) -> EventSnapshot:
        countries = self.countries
        return EventSnapshot(
            event_id=self.event_id,
            version=self.version,
            title=self.title,
            category=self.category,
            event_type=EventType.model_validate(self.event_type) if self.event_type else None,
            countries=countries,
            primary_country=countries[0] if countries else None,
            places=[Place.model_validate(self.places[k]) for k in ranked(self.place_counts)[:SNAPSHOT_PLACES]],
            actors=ranked(self.actor_counts)[:SNAPSHOT_ACTORS],
            entities=ranked(self.entity_counts)[:SNAPSHOT_ENTITIES],
            keywords=ranked(self.keyword_counts)[:SNAPSHOT_KEYWORDS],
            languages=ranked(self.language_counts),
            first_seen=self.first_seen,
            last_seen=self.last_seen,
            article_count=self.article_count,
            source_count=len(self.sources),
            duplicate_count=self.duplicate_count,
            article_ids=list(self.article_ids),
            status=self.status,  # type: ignore[arg-type]  # only ever one of the snapshot's literals
            merged_into=self.merged_into,
            merged_from=list(self.merged_from),
        )

    def revision_of(self, article_id: str) -> int:
        """The newest revision of ``article_id`` applied to this event (0 when none)."""
        prefix = f"{article_id}:"
        return max((int(key[len(prefix) :]) for key in self.applied if key.startswith(prefix)), default=0)

    def change_for(self, key: str) -> dict[str, Any] | None:
        """The recorded change (EventChanged as JSON plus the decision) an article revision caused."""
        return next((c for c in self.recent_changes if c["key"] == key), None)

    # ---- transitions ---------------------------------------------------------------------------------------

    @classmethod
    def found(cls, features: ArticleFeatures) -> EventState:
        """A new event whose first article is ``features``."""
        event = cls(
            event_id=event_id_for(features.article_id),
            version=0,
            title=features.title,
            category=features.category or UNKNOWN_CATEGORY,
            event_type=features.event_type_detail if features.category else None,
            first_seen=features.at,
            last_seen=features.at,
            founder=features.article_id,
        )
        return event.with_article(features)

    def with_article(self, features: ArticleFeatures) -> EventState:
        """The event after ``features`` joined it as a new article."""
        profile = dict(self.term_profile)
        for term, weight in features.terms.items():
            profile[term] = profile.get(term, 0.0) + weight
        if len(profile) > PROFILE_TERMS:
            profile = {t: profile[t] for t in top_terms(profile, PROFILE_TERMS)}
        return self._touched(
            features,
            article_count=self.article_count + 1,
            term_profile=profile,
            entity_counts=_add(self.entity_counts, features.entities),
            actor_counts=_add(self.actor_counts, features.actors),
            keyword_counts=_add(self.keyword_counts, features.keywords),
            country_counts=_add(self.country_counts, features.countries),
            place_counts=_add(self.place_counts, features.place_keys),
            language_counts=_add(self.language_counts, (features.lang,) if features.lang else ()),
            places={**{place_key(p): p.model_dump(mode="json") for p in features.places}, **self.places},
            sources=self.sources
            + ((features.source,) if features.source and features.source not in self.sources else ()),
            article_ids=(*[a for a in self.article_ids if a != features.article_id], features.article_id)[
                -RECENT_ARTICLES:
            ],
            members=self.members + ((features.article_id,) if features.article_id not in self.members else ()),
        )

    def with_revision(self, features: ArticleFeatures) -> EventState:
        """A new revision of a member: its words refresh the profile, it is not counted again."""
        profile = dict(self.term_profile)
        for term, weight in features.terms.items():
            profile[term] = profile.get(term, 0.0) + weight / 2  # half weight: the old revision is still in there
        if len(profile) > PROFILE_TERMS:
            profile = {t: profile[t] for t in top_terms(profile, PROFILE_TERMS)}
        new_places = [p for p in features.places if place_key(p) not in self.places]
        return self._touched(
            features,
            term_profile=profile,
            country_counts=_add(self.country_counts, [c for c in features.countries if c not in self.country_counts]),
            place_counts=_add(self.place_counts, [place_key(p) for p in new_places]),
            places={**{place_key(p): p.model_dump(mode="json") for p in new_places}, **self.places},
        )

    def with_duplicate(self, features: ArticleFeatures) -> EventState:
        """A copy of an article already in the event: counted as a duplicate and nothing else."""
        return replace(
            self,
            version=self.version + 1,
            duplicate_count=self.duplicate_count + 1,
            members=self.members + ((features.article_id,) if features.article_id not in self.members else ()),
            applied=(*self.applied, applied_key(features.article_id, features.revision)),
        )

    def with_change(self, key: str, record: dict[str, Any]) -> EventState:
        """Remember the change a revision caused, so a redelivery can re-publish it unchanged."""
        return replace(self, recent_changes=(*self.recent_changes, {"key": key, **record})[-RECENT_CHANGES:])

    def _touched(self, features: ArticleFeatures, **changes: Any) -> EventState:
        return replace(
            self,
            version=self.version + 1,
            first_seen=min(self.first_seen, features.at),
            last_seen=max(self.last_seen, features.at),
            applied=(*self.applied, applied_key(features.article_id, features.revision)),
            **changes,
        )

    # ---- storage shape -------------------------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        """The ``events`` document: snapshot fields (validating as EventSnapshot) plus internal fields."""
        doc = self.snapshot().model_dump(mode="python", exclude={"event_id"})
        # Keyword search in the api reads this multikey field (no text index exists on the embedded database).
        # It is rebuilt here because every change rewrites the whole document.
        doc["search_terms"] = search_terms(
            doc["title"], doc["keywords"], [*doc["entities"], *doc["actors"]], [p["name"] for p in doc["places"]]
        )
        doc.update(
            _id=self.event_id,
            founder=self.founder,
            keys=self.keys,
            term_profile=_pairs(self.term_profile),
            entity_counts=_pairs(self.entity_counts),
            actor_counts=_pairs(self.actor_counts),
            keyword_counts=_pairs(self.keyword_counts),
            country_counts=_pairs(self.country_counts),
            place_counts=_pairs(self.place_counts),
            language_counts=_pairs(self.language_counts),
            place_records=_pairs(self.places),
            sources=list(self.sources),
            members=list(self.members),
            applied=list(self.applied),
            recent_changes=list(self.recent_changes),
        )
        return doc

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> EventState:
        def pairs(name: str) -> dict[str, Any]:
            return dict(doc.get(name) or [])

        return cls(
            event_id=doc["_id"],
            version=doc["version"],
            title=doc["title"],
            category=doc["category"],
            event_type=doc.get("event_type"),
            first_seen=doc["first_seen"],
            last_seen=doc["last_seen"],
            founder=doc.get("founder", ""),
            article_count=doc.get("article_count", 0),
            duplicate_count=doc.get("duplicate_count", 0),
            status=doc.get("status", "active"),
            merged_into=doc.get("merged_into"),
            merged_from=tuple(doc.get("merged_from") or ()),
            term_profile=pairs("term_profile"),
            entity_counts=pairs("entity_counts"),
            actor_counts=pairs("actor_counts"),
            keyword_counts=pairs("keyword_counts"),
            country_counts=pairs("country_counts"),
            place_counts=pairs("place_counts"),
            language_counts=pairs("language_counts"),
            places=pairs("place_records"),
            sources=tuple(doc.get("sources") or ()),
            article_ids=tuple(doc.get("article_ids") or ()),
            members=tuple(doc.get("members") or ()),
            applied=tuple(doc.get("applied") or ()),
            recent_changes=tuple(doc.get("recent_changes") or ()),
            provisional=bool(doc.get("pending")),
        )


def new_keys(before: EventState | None, after: EventState) -> list[str]:
    """Lookup keys ``after`` has and ``before`` had not: the postings to add the event to."""
    old = set(before.keys) if before is not None else set()
    return [k for k in after.keys if k not in old]


def in_window(event: EventState, at: datetime, window: timedelta) -> bool:
    """Active and close enough in time to ``at`` to be a candidate."""
    return event.status == "active" and event.last_seen >= at - window and event.first_seen <= at + window


def changed_fields(before: EventSnapshot | None, after: EventSnapshot) -> list[str]:
    """Snapshot fields whose value differs (every field for a new event), in the snapshot's field order."""
    if before is None:
        return [name for name in EventSnapshot.model_fields if name not in {"event_id", "version"}]
    old, new = before.model_dump(), after.model_dump()
    return [name for name in EventSnapshot.model_fields if name != "version" and old[name] != new[name]]

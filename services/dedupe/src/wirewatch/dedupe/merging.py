"""Two events found to be one: which survives, what it absorbs, and the redirect left behind. Pure.

Trigger (see :func:`merge_pair`): an article scores at least ``merge_threshold`` against two events, i.e. it fits
both as well as a clear member would. The event with more articles survives (ties: the older, then the smaller
id); the other keeps its id as a redirect (``status="merged"``, ``merged_into``), so links to it still resolve.
"""

from __future__ import annotations

from dataclasses import replace

from .events import PROFILE_TERMS, RECENT_ARTICLES, EventState
from .scoring import ClusteringPolicy, Decision
from .terms import top_terms


def merge_key(absorbed_id: str) -> str:
    """Recorded in the survivor's ``applied``: the absorption happened, never do it twice."""
    return f"merge:{absorbed_id}"


def merge_pair(decision: Decision, policy: ClusteringPolicy) -> tuple[str, str] | None:
    """(joined event, runner-up event) when the decision shows they are one story, else None."""
    if decision.kind != "join" or decision.event_id is None or decision.runner_up_id is None:
        return None
    if decision.runner_up is None or decision.runner_up < policy.merge_threshold:
        return None
    return decision.event_id, decision.runner_up_id


def survivor_first(a: EventState, b: EventState) -> tuple[EventState, EventState]:
    """(survivor, absorbed): more articles wins, then the older, then the smaller id."""
    ranked = sorted((a, b), key=lambda e: (-e.article_count, e.first_seen, e.event_id))
    return ranked[0], ranked[1]


def _summed(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def absorb(survivor: EventState, absorbed: EventState) -> EventState:
    """The survivor after taking in every article, count and word of ``absorbed``."""
    profile = dict(survivor.term_profile)
    for term, weight in absorbed.term_profile.items():
        profile[term] = profile.get(term, 0.0) + weight
    if len(profile) > PROFILE_TERMS:
        profile = {t: profile[t] for t in top_terms(profile, PROFILE_TERMS)}
    return replace(
        survivor,
        version=survivor.version + 1,
        article_count=survivor.article_count + absorbed.article_count,
        duplicate_count=survivor.duplicate_count + absorbed.duplicate_count,
        first_seen=min(survivor.first_seen, absorbed.first_seen),
        last_seen=max(survivor.last_seen, absorbed.last_seen),
        term_profile=profile,
        entity_counts=_summed(survivor.entity_counts, absorbed.entity_counts),
        actor_counts=_summed(survivor.actor_counts, absorbed.actor_counts),
        keyword_counts=_summed(survivor.keyword_counts, absorbed.keyword_counts),
        country_counts=_summed(survivor.country_counts, absorbed.country_counts),
        place_counts=_summed(survivor.place_counts, absorbed.place_counts),
        language_counts=_summed(survivor.language_counts, absorbed.language_counts),
        places={**absorbed.places, **survivor.places},
        sources=survivor.sources + tuple(s for s in absorbed.sources if s not in survivor.sources),
        article_ids=(*survivor.article_ids, *[a for a in absorbed.article_ids if a not in survivor.article_ids])[
            -RECENT_ARTICLES:
        ],
        members=survivor.members + tuple(m for m in absorbed.members if m not in survivor.members),
        applied=(*survivor.applied, *absorbed.applied, merge_key(absorbed.event_id)),
        merged_from=(*survivor.merged_from, absorbed.event_id, *absorbed.merged_from),
    )


def redirected(absorbed: EventState, survivor_id: str) -> EventState:
    """What stays of the absorbed event: a redirect to the survivor, no longer a candidate."""
    return replace(absorbed, version=absorbed.version + 1, status="merged", merged_into=survivor_id)

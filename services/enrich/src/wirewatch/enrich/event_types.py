"""Event type classifier: ACLED event types for conflict and unrest, IPTC media topics for everything else.

A weighted lexicon: each cue is a phrase pattern with a weight; a headline match counts ``TITLE_WEIGHT`` times.
Conflict and unrest are scored per ACLED event type (the sub-event type is the best-scoring sub-type of the
winner), other news per IPTC top-level topic. Transparent and fast, and good enough to route events; a learned
model can replace it behind the same function once labelled data exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wirewatch.contracts import EventType

from .event_lexicon import CONFLICT_TOPIC, FAMILIES, Cue, WordStarts, word_starts

__all__ = ["CONFLICT_TOPIC", "Classification", "classify_event", "score_families"]

TITLE_WEIGHT = 2.0
# Evidence (weighted cue hits) at which a clear winner reaches about two thirds of full confidence.
_EVIDENCE_SCALE = 4.0


@dataclass(frozen=True, slots=True)
class Classification:
    event_type: EventType
    topics: list[str]
    # Confidence of every family with evidence, keyed "category/type" (the winner's is ``event_type.confidence``).
    confidences: dict[str, float]


@dataclass(frozen=True, slots=True)
class _Text:
    """A lower-cased text and its word starts, which let cues absent from it skip their scan."""

    text: str
    starts: WordStarts

    @classmethod
    def of(cls, text: str) -> _Text:
        lowered = text.lower()  # the cues are lower-case patterns
        return cls(lowered, word_starts(lowered))


def _hits(cues: tuple[Cue, ...], title: _Text, body: _Text) -> float:
    return sum(
        cue.weight * (TITLE_WEIGHT * cue.count(title.text, title.starts) + cue.count(body.text, body.starts))
        for cue in cues
    )


def _confidence(score: float, total: float) -> float:
    # Share of the evidence times how much evidence there is: one stray cue word is never a confident call.
    return round(min(1.0, (score / total) * (1 - math.exp(-score / _EVIDENCE_SCALE))), 3) if total else 0.0


def classify_event(title: str, body: str) -> Classification:
    """The event type of an article, its ranked IPTC-style topics and each family's confidence."""
    title_text, body_text = _Text.of(title), _Text.of(body)
    scores = [(family, _hits(family.cues, title_text, body_text)) for family in FAMILIES]
    total = sum(score for _, score in scores)
    family, best = max(scores, key=lambda fs: fs[1])
    topic_scores: dict[str, float] = {}
    for fam, score in scores:
        if score > 0:
            topic_scores[fam.topic] = topic_scores.get(fam.topic, 0.0) + score
    topics = sorted(topic_scores, key=lambda t: -topic_scores[t])
    confidences = {f"{fam.category}/{fam.type}": _confidence(score, total) for fam, score in scores if score > 0}
    if best <= 0:
        return Classification(EventType(category="other", type="other", confidence=0.0), topics, confidences)
    subtype = family.default_subtype
    if family.subtypes:
        sub_scores = [(name, _hits(cues, title_text, body_text)) for name, cues in family.subtypes]
        name, sub_best = max(sub_scores, key=lambda ns: ns[1])
        if sub_best > 0:
            subtype = name
    event_type = EventType(
        category=family.category, type=family.type, subtype=subtype, confidence=_confidence(best, total)
    )
    return Classification(event_type, topics, confidences)


def score_families(title: str, body: str) -> dict[str, float]:
    """Every family's raw score, keyed ``category/type`` (for tests and offline tuning)."""
    title_text, body_text = _Text.of(title), _Text.of(body)
    return {f"{family.category}/{family.type}": _hits(family.cues, title_text, body_text) for family in FAMILIES}

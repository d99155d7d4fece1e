"""Which event an article is about: score each candidate event, then decide. Pure and deterministic."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from .events import KEY_ENTITIES, EventState, ranked
from .features import ArticleFeatures
from .terms import cosine, name_words, normalise

DecisionKind = Literal["create", "join", "duplicate", "revision"]

# Events scored per article at most: retrieval ranks by shared keys, so the right event is among the first few.
MAX_CANDIDATES = 24
PROMINENT_NAMES = 3


@dataclass(frozen=True, slots=True)
class ClusteringPolicy:
    """Weights and thresholds of the decision. Tuned on ECB+ train (see ``evaluate``)."""

    # Tuned on ECB+ train with the Enricher's output (the service's input): the two incidents of a topic share
    # place and event type, so agreement there says little; words and names decide. Category is kept as a
    # reported score but weighs nothing; a different country still halves the score (foreign_place_factor).
    text_weight: float = 0.85
    entity_weight: float = 0.10
    place_weight: float = 0.05
    category_weight: float = 0.0
    join_threshold: float = 0.30
    # Below this text similarity an article never joins: sharing a country and a category is not a story.
    min_text: float = 0.15
    # Hours for the time factor to halve: a story runs for days, the same kind of incident recurs.
    half_life_hours: float = 36.0
    # Both sides name countries and none is shared: most likely the same kind of thing somewhere else.
    foreign_place_factor: float = 0.5
    # The article is about someone the event never names, and the event's main name is absent from the article:
    # most likely the same kind of story about someone else (another player arrested, another coach fired).
    protagonist_factor: float = 0.5
    # An article that fits two events this well shows they are one story: the smaller is merged into the larger.
    merge_threshold: float = 0.6


@dataclass(frozen=True, slots=True)
class Scores:
    """Why an article does or does not belong to an event; None means "nothing to compare"."""

    text: float
    entities: float | None
    places: float | None
    category: float | None
    time: float
    combined: float
    final: float
    # protagonist_factor when the article is about someone the event is not (protagonist_conflict), else 1.
    protagonist: float = 1.0

    def as_dict(self) -> dict[str, float | None]:
        return {k: (round(v, 4) if v is not None else None) for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one article: join ``event_id``, or create it; with the scores that led there."""

    kind: DecisionKind
    event_id: str | None
    scores: Scores | None = None
    candidates: int = 0
    runner_up: float | None = None
    runner_up_id: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None  # estimated Jaccard with the original, for duplicates

    def scores_dict(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.scores.as_dict()) if self.scores else {}
        out["candidates"] = self.candidates
        if self.runner_up is not None:
            out["runner_up"] = round(self.runner_up, 4)
        if self.similarity is not None:
            out["copy_similarity"] = round(self.similarity, 4)
        return out


def _entity_score(features: ArticleFeatures, event: EventState, names: list[str]) -> float | None:
    mine = set(features.entities[: KEY_ENTITIES * 2]) | set(features.actors)
    theirs = set(names) | set(event.actor_counts)
    if not mine or not theirs:
        return None
    # Overlap coefficient: a short article naming two of the event's actors agrees fully.
    return len(mine & theirs) / min(len(mine), len(theirs), KEY_ENTITIES)


def _place_score(features: ArticleFeatures, event: EventState) -> float | None:
    if not features.countries or not event.country_counts:
        return None
    countries = len(set(features.countries) & set(event.country_counts)) / len(features.countries)
    if not features.places or not event.place_counts:
        return countries
    shared = set(features.place_keys) & set(event.place_counts)
    return 0.5 * countries + 0.5 * (1.0 if shared else 0.0)


def _names_word(names: Sequence[str], word: str) -> bool:
    """Whether ``word`` (normalised) is a word of one of ``names``. Normalising every word of every candidate's
    names dominated scoring, so a substring test picks the few names worth normalising (normalise only strips
    endings, keeping the first letters, except for dotted acronyms)."""
    stem = word[:4]
    return any(word in name_words((name,)) for name in names if stem in name or "." in name)


def protagonist_conflict(features: ArticleFeatures, event: EventState, names: list[str] | None = None) -> bool:
    """The article's protagonist is not among the event's names and the event's first name not among the article's.

    ``names``: the event's first names (``ranked(entity_counts)``), when the caller has them already.
    """
    if features.protagonist is None or not event.entity_counts:
        return False
    # Any of the event's main names will do here (an event about Williams that mentions Jackson in passing has
    # met Jackson); the event's first name must be prominent in the article to count as met.
    names = names if names is not None else ranked(event.entity_counts)[: KEY_ENTITIES * 3]
    if _names_word(names, features.protagonist):
        return False
    theirs = normalise(names[0].split()[-1])
    return not _names_word(features.entities[:PROMINENT_NAMES], theirs) and not _names_word(features.actors, theirs)


def _category_score(features: ArticleFeatures, event: EventState) -> float | None:
    if features.category is None or event.event_type is None:
        return None
    if features.category != event.category:
        return 0.0
    same_type = features.event_type == str(event.event_type.get("type", "")).strip().lower()
    return 1.0 if same_type else 0.7


def time_factor(hours: float, half_life_hours: float) -> float:
    return math.pow(0.5, abs(hours) / half_life_hours) if half_life_hours > 0 else 1.0


def score(features: ArticleFeatures, event: EventState, policy: ClusteringPolicy) -> Scores:
    """How well ``features`` fits ``event``: weighted mean of what both sides know, times time decay."""
    # Article vectors are unit vectors (term_vector normalises them).
    text = cosine(features.terms, event.term_profile, event.profile_norm, 1.0)
    parts: list[tuple[float, float]] = [(text, policy.text_weight)]
    names = ranked(event.entity_counts)[: KEY_ENTITIES * 3]
    entities = _entity_score(features, event, names)
    places = _place_score(features, event)
    category = _category_score(features, event)
    for value, weight in ((entities, policy.entity_weight), (places, policy.place_weight)):
        if value is not None:
            parts.append((value, weight))
    if category is not None:
        parts.append((category, policy.category_weight))
    combined = sum(v * w for v, w in parts) / sum(w for _, w in parts)
    # Distance to the nearest edge of the event's time span: an article inside the span has no decay.
    if features.at < event.first_seen:
        hours = (event.first_seen - features.at).total_seconds() / 3600
    elif features.at > event.last_seen:
        hours = (features.at - event.last_seen).total_seconds() / 3600
    else:
        hours = 0.0
    decay = time_factor(hours, policy.half_life_hours)
    final = combined * decay
    if places == 0.0:
        final *= policy.foreign_place_factor
    # Checked only where it can matter: below min_text the score is zero whatever the names say.
    conflict = text >= policy.min_text and protagonist_conflict(features, event, names)
    if conflict:
        final *= policy.protagonist_factor
    if text < policy.min_text:
        final = 0.0
    protagonist = policy.protagonist_factor if conflict else 1.0
    return Scores(text, entities, places, category, decay, combined, final, protagonist)


def choose_event(
    features: ArticleFeatures, candidates: Sequence[EventState], policy: ClusteringPolicy | None = None
) -> Decision:
    """Join the best-scoring candidate above the threshold, else create a new event.

    Deterministic: ties go to the event seen most recently, then to the smaller event id, so every replica and
    the batch command decide alike for the same inputs.
    """
    policy = policy or ClusteringPolicy()
    scored = sorted(
        ((score(features, event, policy), event) for event in candidates if event.status == "active"),
        key=lambda pair: (-pair[0].final, -pair[1].last_seen.timestamp(), pair[1].event_id),
    )
    runner_up = scored[1][0].final if len(scored) > 1 else None
    runner_up_id = scored[1][1].event_id if len(scored) > 1 else None
    if scored and scored[0][0].final >= policy.join_threshold:
        best, event = scored[0]
        return Decision("join", event.event_id, best, len(scored), runner_up, runner_up_id=runner_up_id)
    best_scores = scored[0][0] if scored else None
    return Decision("create", None, best_scores, len(scored), runner_up)

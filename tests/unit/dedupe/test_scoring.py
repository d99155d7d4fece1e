from datetime import timedelta

from wirewatch.dedupe.events import EventState
from wirewatch.dedupe.features import features_from_enriched
from wirewatch.dedupe.scoring import ClusteringPolicy, choose_event, score

from .stories import REUTERS_TITLE, T0, TASNIM_TITLE, enriched, kharkiv, reuters, tasnim


def _event(message) -> EventState:
    return EventState.found(features_from_enriched(message))


def test_two_outlets_write_ups_of_one_story_join_one_event():
    event = _event(tasnim())
    decision = choose_event(features_from_enriched(reuters()), [event])
    assert decision.kind == "join"
    assert decision.event_id == event.event_id
    assert decision.scores is not None
    assert decision.scores.entities == 1.0
    assert decision.scores.places == 1.0


def test_same_kind_of_story_in_another_country_starts_its_own_event():
    decision = choose_event(features_from_enriched(kharkiv()), [_event(tasnim())])
    assert decision.kind == "create"
    assert decision.event_id is None
    assert decision.scores is not None
    assert decision.scores.places == 0.0


def test_same_story_days_later_is_another_event():
    later = features_from_enriched(reuters(at=T0 + timedelta(days=4)))
    decision = choose_event(later, [_event(tasnim())])
    assert decision.kind == "create"
    assert decision.scores is not None
    assert decision.scores.time < 0.2


def test_headlines_alone_without_enrichment_still_cluster():
    event = _event(enriched("t", TASNIM_TITLE))
    same = choose_event(features_from_enriched(enriched("r", REUTERS_TITLE, at=T0 + timedelta(hours=1))), [event])
    other = choose_event(
        features_from_enriched(enriched("o", "Central bank raises interest rates to fight inflation")), [event]
    )
    assert (same.kind, other.kind) == ("join", "create")


def test_missing_enrichment_parts_are_left_out_not_counted_as_disagreement():
    event = _event(tasnim())
    bare = features_from_enriched(enriched("b", REUTERS_TITLE, at=T0))
    scores = score(bare, event, ClusteringPolicy())
    assert scores.places is None
    assert scores.category is None
    assert scores.combined > scores.text * 0.55  # the known parts are re-weighted, not zeroed


def test_best_candidate_wins_and_ties_are_deterministic():
    karabakh, ukraine = _event(tasnim()), _event(kharkiv())
    features = features_from_enriched(reuters())
    first = choose_event(features, [ukraine, karabakh])
    second = choose_event(features, [karabakh, ukraine])
    assert first == second
    assert first.event_id == karabakh.event_id
    assert first.candidates == 2

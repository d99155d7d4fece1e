from datetime import timedelta

import pytest

from wirewatch.contracts import content_hash
from wirewatch.dedupe.features import features_from_enriched
from wirewatch.dedupe.offline import OfflineClusterer, bcubed

from .stories import REUTERS_TITLE, T0, TASNIM_TEXT, enriched, kharkiv, reuters, tasnim


def test_bcubed_scores():
    assert bcubed({"a": "1", "b": "1"}, {"a": "x", "b": "x"}) == (1.0, 1.0, 1.0)
    precision, recall, f1 = bcubed({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"})
    assert precision == pytest.approx(5 / 9)
    assert recall == 1.0
    assert f1 == pytest.approx(2 * (5 / 9) / (1 + 5 / 9))


def test_batch_clustering_joins_one_story_and_separates_others():
    clusterer = OfflineClusterer()
    messages = [tasnim(), kharkiv(), reuters(), enriched("late", REUTERS_TITLE, at=T0 + timedelta(days=5))]
    for message in messages:
        a = message.article
        clusterer.add(features_from_enriched(message), a.content_hash, a.text)
    events = clusterer.assignments()
    assert events["tasnim-1"] == events["reuters-1"]
    assert len({events["tasnim-1"], events["kharkiv-1"], events["late"]}) == 3


def test_batch_wire_copy_becomes_a_duplicate_of_its_original():
    clusterer = OfflineClusterer()
    original = tasnim()
    clusterer.add(features_from_enriched(original), original.article.content_hash, TASNIM_TEXT)
    copy = tasnim("paper-9", source="Daily Paper")
    title = "Azerbaijan begins 'anti-terrorist' campaign in breakaway region"
    features = features_from_enriched(copy)
    decision = clusterer.add(features, content_hash(title, TASNIM_TEXT), TASNIM_TEXT)
    assert decision.kind == "duplicate"
    assert decision.duplicate_of == "tasnim-1"
    event = clusterer.events[decision.event_id or ""]
    assert (event.article_count, event.duplicate_count) == (1, 1)

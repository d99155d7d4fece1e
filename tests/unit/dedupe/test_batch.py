"""The offline commands' pieces: input lines, time order, agreement measures, bounded postings, merges."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from wirewatch.dedupe.batch import cluster_batch, in_time_order, read_articles
from wirewatch.dedupe.events import EventState
from wirewatch.dedupe.features import features_from_enriched
from wirewatch.dedupe.merging import absorb, redirected, survivor_first
from wirewatch.dedupe.quality import adjusted_rand_index, bcubed, mixed_clusters
from wirewatch.dedupe.retrieval import POSTINGS_PER_KEY, add_posting, rank_candidates

from .stories import REUTERS_TEXT, REUTERS_TITLE, T0, TASNIM_TEXT, TASNIM_TITLE, kharkiv, reuters, tasnim


def _line(**fields: object) -> str:
    return json.dumps(fields)


def test_bad_lines_are_reported_and_the_rest_is_read():
    errors: list[str] = []
    articles = read_articles(
        [
            _line(id="a", title="One", published_at="2023-09-19T10:00:00Z"),
            "not json",
            _line(title="no id"),
            _line(id="b", title="", text=""),
            _line(id="c", title=5),
            _line(id="d", title="x", published_at="yesterday"),
            _line(id="a", title="again"),
            "",
            _line(doc_id="e", first_sentence="ECB+ style", text="ECB+ style\nbody"),
        ],
        errors,
    )
    assert [a.id for a in articles] == ["a", "e"]
    assert articles[1].text == "body"  # the repeated first sentence is not body text
    assert [e.split(":")[0] for e in errors] == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 7"]


def test_articles_are_clustered_in_time_order_with_the_services_decisions():
    lines = [
        _line(id="late", title=REUTERS_TITLE, text=REUTERS_TEXT, published_at="2023-09-19T12:00:00+00:00"),
        _line(id="early", title=TASNIM_TITLE, text=TASNIM_TEXT, published_at="2023-09-19T10:00:00+00:00"),
        _line(id="copy", title="Another headline", text=TASNIM_TEXT, published_at="2023-09-19T11:00:00+00:00"),
        _line(id="other", title="Central bank raises interest rates to fight inflation", published_at="2023-09-19"),
    ]
    articles = in_time_order(read_articles(lines, []))
    assert [a.id for a in articles] == ["other", "early", "copy", "late"]
    out = {a.id: a for a in cluster_batch(articles)}
    assert out["late"].event_id == out["early"].event_id == out["copy"].event_id != out["other"].event_id
    assert out["copy"].as_json() == {"id": "copy", "event_id": out["early"].event_id, "duplicate_of": "early"}
    assert "duplicate_of" not in out["late"].as_json()


def test_agreement_measures():
    gold = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    assert adjusted_rand_index(gold, gold) == 1.0
    lumped = dict.fromkeys(gold, "1")
    assert adjusted_rand_index(lumped, gold) == 0.0
    assert mixed_clusters(lumped, gold) == 1
    assert adjusted_rand_index({"a": "1", "b": "1", "c": "1", "d": "2"}, gold) == pytest.approx(0.0)


def test_postings_stay_bounded_and_rank_by_shared_keys_then_recency():
    events: list[str] = []
    for n in range(POSTINGS_PER_KEY + 10):
        events = add_posting(events, f"e{n}")
    assert len(events) == POSTINGS_PER_KEY
    assert events[-1] == f"e{POSTINGS_PER_KEY + 9}"
    assert "e0" not in events
    ranked = rank_candidates([["old", "both", "new"], ["both"], ["new", "old"]], exclude="new", limit=2)
    assert ranked == ["both", "old"]


def test_a_merge_keeps_every_article_and_leaves_a_redirect():
    big = EventState.found(features_from_enriched(tasnim())).with_article(features_from_enriched(reuters()))
    small = EventState.found(features_from_enriched(kharkiv(at=T0 + timedelta(hours=3))))
    survivor, absorbed = survivor_first(small, big)
    assert survivor is big
    merged = absorb(survivor, absorbed)
    assert merged.article_count == 3
    assert set(merged.members) == {"tasnim-1", "reuters-1", "kharkiv-1"}
    assert merged.version == big.version + 1
    gone = redirected(absorbed, survivor.event_id)
    assert (gone.status, gone.merged_into, gone.snapshot().merged_into) == ("merged", big.event_id, big.event_id)

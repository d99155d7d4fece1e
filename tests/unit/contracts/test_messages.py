from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from wirewatch.contracts import (
    ALL_STREAMS,
    ArticleSubmitted,
    EventChanged,
    EventSnapshot,
    SubscriptionFilter,
    dead_letter_subject,
    event_subject,
)


def test_event_subject_sanitises_tokens_so_they_cannot_add_levels_or_wildcards():
    assert event_subject("created", "conflict", "az") == "events.created.conflict.AZ"
    assert event_subject("updated", "Civil unrest.>", None) == "events.updated.civil_unrest.XX"
    assert event_subject("merged", "", "Azerbaijan") == "events.merged.other.XX"
    assert dead_letter_subject("enrich") == "dlq.enrich"


def test_every_published_subject_is_covered_by_exactly_one_stream():
    subjects = [
        "articles.submit",
        "articles.ingested",
        "articles.enriched",
        "events.created.conflict.AZ",
        "notify.deliveries",
        "dlq.enrich",
    ]
    for subject in subjects:
        owners = [s.name for s in ALL_STREAMS if any(_covers(p, subject) for p in s.subjects)]
        assert len(owners) == 1, (subject, owners)


def _covers(pattern: str, subject: str) -> bool:
    p, s = pattern.split("."), subject.split(".")
    for i, token in enumerate(p):
        if token == ">":
            return len(s) > i
        if i >= len(s) or (token != "*" and token != s[i]):
            return False
    return len(p) == len(s)


def test_submission_requires_a_title_and_an_aware_date():
    now = datetime.now(UTC)
    with pytest.raises(ValidationError, match="title"):
        ArticleSubmitted.model_validate({"title": "", "submitted_at": now})
    with pytest.raises(ValidationError, match="published_at"):
        ArticleSubmitted.model_validate({"title": "x", "published_at": "2023-09-19T10:00:00", "submitted_at": now})


def test_unknown_schema_version_is_rejected_and_unknown_fields_are_ignored():
    now = datetime.now(UTC).isoformat()
    snapshot = {
        "event_id": "e",
        "version": 1,
        "title": "t",
        "category": "conflict",
        "first_seen": now,
        "last_seen": now,
        "article_count": 1,
        "source_count": 1,
    }
    ok = EventChanged.model_validate({"change": "created", "event": snapshot, "changed_at": now, "extra": 1})
    assert isinstance(ok.event, EventSnapshot)
    with pytest.raises(ValidationError, match="schema_version"):
        EventChanged.model_validate({"schema_version": 2, "change": "created", "event": snapshot, "changed_at": now})


def test_subscription_filter_normalises_and_rejects_bad_country_codes():
    f = SubscriptionFilter(countries=["az", " am "], categories=[" Conflict "])
    assert f.countries == ["AZ", "AM"]
    assert f.categories == ["conflict"]
    with pytest.raises(ValidationError, match="Azerbaijan"):
        SubscriptionFilter(countries=["Azerbaijan"])

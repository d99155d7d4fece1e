"""The meaning of a subscription filter (shared by notify and the api's /v1/stream)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from wirewatch.contracts import EventChanged, SubscriptionFilter, distance_km, matches

# Stepanakert / Khankendi, and Yerevan (about 196 km away) and Baku (about 272 km).
STEPANAKERT: dict[str, Any] = {"name": "Stepanakert", "lat": 39.8177, "lon": 46.7528, "country": "AZ"}
YEREVAN = (40.1792, 44.4991)
BAKU = (40.4093, 49.8671)


def make_event(**overrides: Any) -> EventChanged:
    """An EventChanged about the 2023 Karabakh offensive; ``overrides`` go to the snapshot, ``change`` to the top."""
    change = overrides.pop("change", "created")
    snapshot: dict[str, Any] = {
        "event_id": "evt_karabakh",
        "version": 1,
        "title": "Azerbaijan launches military operation in Nagorno-Karabakh",
        "category": "conflict",
        "event_type": {"category": "conflict", "type": "Battles", "subtype": "Armed clash", "confidence": 0.8},
        "countries": ["AZ", "AM"],
        "primary_country": "AZ",
        "places": [STEPANAKERT],
        "entities": ["Azerbaijan", "Armenia", "Russia", "UN"],
        "actors": ["Azerbaijan's armed forces"],
        "keywords": ["anti-terrorist measures", "peacekeepers"],
        "languages": ["en", "ru"],
        "first_seen": datetime(2023, 9, 19, 10, tzinfo=UTC),
        "last_seen": datetime(2023, 9, 19, 12, tzinfo=UTC),
        "article_count": 3,
        "source_count": 2,
        "article_ids": ["a1", "a2", "a3"],
    }
    snapshot.update(overrides)
    return EventChanged.model_validate(
        {"change": change, "event": snapshot, "changed_at": datetime(2023, 9, 19, 12, 5, tzinfo=UTC)}
    )


@pytest.fixture
def event() -> EventChanged:
    return make_event()


def test_empty_filter_matches_everything(event: EventChanged):
    assert matches(SubscriptionFilter(), event)
    assert matches(SubscriptionFilter(), make_event(places=[], languages=[], event_type=None, entities=[]))


@pytest.mark.parametrize(
    ("countries", "expected"),
    [(["AZ"], True), (["am"], True), (["FR", "AM"], True), (["FR"], False), (["RU", "FR"], False)],
)
def test_countries_match_any_of_the_events_countries(event: EventChanged, countries: list[str], expected: bool):
    assert matches(SubscriptionFilter(countries=countries), event) is expected


def test_primary_country_counts_even_when_not_listed():
    event = make_event(countries=[], primary_country="UA")
    assert matches(SubscriptionFilter(countries=["UA"]), event)
    assert not matches(SubscriptionFilter(countries=["RU"]), event)
    assert not matches(SubscriptionFilter(countries=["AZ"]), make_event(countries=[], primary_country=None))


def test_categories_compare_without_case_and_include_the_event_types_category(event: EventChanged):
    assert matches(SubscriptionFilter(categories=["Conflict", "politics"]), event)
    assert matches(SubscriptionFilter(categories=["politics"]), make_event(category="Politics", event_type=None))
    assert not matches(SubscriptionFilter(categories=["economy"]), event)
    unrest = make_event(category="other", event_type={"category": "unrest", "type": "Protests", "confidence": 0.5})
    assert matches(SubscriptionFilter(categories=["unrest"]), unrest)


def test_event_types_match_the_type_or_the_sub_event_type(event: EventChanged):
    assert matches(SubscriptionFilter(event_types=["battles"]), event)
    assert matches(SubscriptionFilter(event_types=["Armed clash"]), event)
    assert not matches(SubscriptionFilter(event_types=["protests"]), event)
    assert not matches(SubscriptionFilter(event_types=["battles"]), make_event(event_type=None))


def test_near_is_a_great_circle_radius_around_a_point(event: EventChanged):
    assert 190 < distance_km(STEPANAKERT["lat"], STEPANAKERT["lon"], *YEREVAN) < 200
    assert matches(
        SubscriptionFilter.model_validate({"near": {"lat": YEREVAN[0], "lon": YEREVAN[1], "radius_km": 300}}), event
    )
    assert not matches(
        SubscriptionFilter.model_validate({"near": {"lat": YEREVAN[0], "lon": YEREVAN[1], "radius_km": 150}}), event
    )
    assert matches(
        SubscriptionFilter.model_validate({"near": {"lat": BAKU[0], "lon": BAKU[1], "radius_km": 320}}), event
    )
    # An event without places has nothing near anything.
    near = SubscriptionFilter.model_validate({"near": {"lat": 39.8, "lon": 46.7, "radius_km": 50}})
    assert not matches(near, make_event(places=[]))


def test_entities_match_whole_words_of_entities_and_actors(event: EventChanged):
    assert matches(SubscriptionFilter(entities=["armenia"]), event)
    assert matches(SubscriptionFilter(entities=["armed forces"]), event)  # from an actor
    assert matches(SubscriptionFilter(entities=["UN"]), event)
    assert not matches(SubscriptionFilter(entities=["UN"]), make_event(entities=["Unrest monitors"]))
    assert not matches(SubscriptionFilter(entities=["NATO", "Turkey"]), event)


def test_keywords_match_the_title_or_keywords(event: EventChanged):
    assert matches(SubscriptionFilter(keywords=["military operation"]), event)
    assert matches(SubscriptionFilter(keywords=["PEACEKEEPERS"]), event)
    assert not matches(SubscriptionFilter(keywords=["operations"]), event)  # whole words only
    assert not matches(SubscriptionFilter(keywords=["earthquake", "flood"]), event)


def test_languages_need_the_event_to_know_its_languages(event: EventChanged):
    assert matches(SubscriptionFilter(languages=["RU"]), event)
    assert not matches(SubscriptionFilter(languages=["fr"]), event)
    assert not matches(SubscriptionFilter(languages=["en"]), make_event(languages=[]))


def test_change_kinds(event: EventChanged):
    assert matches(SubscriptionFilter(change_kinds=["created"]), event)
    assert not matches(SubscriptionFilter(change_kinds=["updated", "merged"]), event)
    assert matches(SubscriptionFilter(change_kinds=["updated"]), make_event(change="updated"))


def test_minimum_articles_and_sources_are_inclusive(event: EventChanged):
    assert matches(SubscriptionFilter(min_articles=3, min_sources=2), event)
    assert not matches(SubscriptionFilter(min_articles=4), event)
    assert not matches(SubscriptionFilter(min_sources=3), event)


def test_every_part_of_the_filter_must_pass(event: EventChanged):
    full = SubscriptionFilter.model_validate(
        {
            "countries": ["AZ"],
            "categories": ["conflict"],
            "event_types": ["battles"],
            "near": {"lat": 39.8, "lon": 46.7, "radius_km": 25},
            "entities": ["Russia"],
            "keywords": ["Karabakh"],
            "languages": ["en"],
            "change_kinds": ["created"],
            "min_articles": 2,
            "min_sources": 2,
        }
    )
    assert matches(full, event)
    for update in (
        {"categories": ["sport"]},
        {"min_articles": 10},
        {"keywords": ["Gaza"]},
        {"entities": ["Iran"]},
        {"languages": ["de"]},
    ):
        assert not matches(full.model_copy(update=update), event), update


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"countries": ["Azerbaijan"]}, "countries"),
        ({"languages": ["english"]}, "languages"),
        ({"keywords": ["  "]}, "keywords"),
        ({"entities": ["x" * 201]}, "entities"),
        ({"near": {"lat": 91, "lon": 0, "radius_km": 10}}, "near.lat"),
        ({"near": {"lat": 40, "lon": 46, "radius_km": 0}}, "near.radius_km"),
        ({"near": {"lat": 40, "lon": 46}}, "near.radius_km"),
        ({"min_sources": 0}, "min_sources"),
        ({"change_kinds": ["deleted"]}, "change_kinds.0"),
        ({"countries": ["AZ"] * 101}, "countries"),
    ],
)
def test_bad_filters_name_the_field(filters: dict[str, Any], field: str):
    with pytest.raises(ValidationError) as exc:
        SubscriptionFilter.model_validate(filters)
    assert {".".join(str(p) for p in e["loc"]) for e in exc.value.errors()} == {field}


def test_filters_are_normalised():
    f = SubscriptionFilter(
        countries=["az", " am ", "AZ"], languages=["EN"], keywords=[" cease  fire ", "Cease fire"], categories=[" X "]
    )
    assert f.countries == ["AZ", "AM"]
    assert f.languages == ["en"]
    assert f.keywords == ["cease fire"]
    assert f.categories == ["x"]

from __future__ import annotations

import pytest

from wirewatch.contracts import EventChanged, SubscriptionFilter
from wirewatch.notify.matching import matches, webhook_id

from .conftest import make_event


def test_empty_filter_matches_everything(event: EventChanged):
    assert matches(SubscriptionFilter(), event)


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


def test_an_event_without_countries_fails_a_country_filter():
    assert not matches(SubscriptionFilter(countries=["AZ"]), make_event(countries=[], primary_country=None))


def test_categories_compare_without_case(event: EventChanged):
    assert matches(SubscriptionFilter(categories=["Conflict", "politics"]), event)
    assert matches(SubscriptionFilter(categories=["politics"]), make_event(category="Politics"))
    assert not matches(SubscriptionFilter(categories=["economy"]), event)


def test_change_kinds(event: EventChanged):
    assert matches(SubscriptionFilter(change_kinds=["created"]), event)
    assert not matches(SubscriptionFilter(change_kinds=["updated", "merged"]), event)
    assert matches(SubscriptionFilter(change_kinds=["updated"]), make_event(change="updated"))


def test_min_articles_is_inclusive(event: EventChanged):
    assert matches(SubscriptionFilter(min_articles=3), event)
    assert not matches(SubscriptionFilter(min_articles=4), event)


def test_every_part_of_the_filter_must_pass(event: EventChanged):
    full = SubscriptionFilter(countries=["AZ"], categories=["conflict"], change_kinds=["created"], min_articles=2)
    assert matches(full, event)
    assert not matches(full.model_copy(update={"categories": ["sport"]}), event)
    assert not matches(full.model_copy(update={"min_articles": 10}), event)


def test_webhook_id_is_stable_per_subscription_event_and_version():
    first = webhook_id("sub_1", "evt_1", 1)
    assert first == webhook_id("sub_1", "evt_1", 1)
    assert first.startswith("msg_")
    others = {webhook_id("sub_2", "evt_1", 1), webhook_id("sub_1", "evt_2", 1), webhook_id("sub_1", "evt_1", 2)}
    assert first not in others
    assert len(others) == 3

"""The Enricher on the seed article (Tasnim, 2023-09-19): the example the whole pipeline is judged by."""

from __future__ import annotations

import pytest

from wirewatch.contracts import Enrichment, Place
from wirewatch.enrich.enricher import Enricher

from .conftest import km_between


@pytest.fixture(scope="module")
def seed(enricher: Enricher, seed_article: tuple[str, str]) -> Enrichment:
    return enricher.enrich(*seed_article)


def _place(enrichment: Enrichment, name: str) -> Place:
    return next(p for p in enrichment.places if p.name == name)


def test_language_is_english_without_warnings(seed: Enrichment) -> None:
    assert seed.lang == "en"
    assert seed.warnings == []


def test_entity_offsets_point_into_title_and_text(seed: Enrichment, seed_article: tuple[str, str]) -> None:
    basis = f"{seed_article[0]}\n\n{seed_article[1]}"
    assert seed.entities
    for entity in seed.entities:
        assert basis[entity.start : entity.end] == entity.text


def test_people_and_organisations(seed: Enrichment) -> None:
    people = {e.text for e in seed.entities if e.label == "PERSON"}
    orgs = {e.text.removeprefix("The ") for e in seed.entities if e.label == "ORG"}
    assert {"Maria Zakharova", "Stephane Dujarric"} <= people
    assert "United Nations" in orgs


def test_gazetteer_corrects_spacys_labels_for_places(seed: Enrichment) -> None:
    labels = {(e.text, e.label) for e in seed.entities}
    # spaCy alone says ORG and PERSON here.
    assert ("Nagorno-Karabakh", "LOC") in labels
    assert ("Stepanakert", "GPE") in labels
    assert ("Khankendi", "GPE") in labels
    assert not any(
        e.label in {"PERSON", "ORG"} and e.text in {"Armenia", "Azerbaijan", "Stepanakert"} for e in seed.entities
    )
    # The headline is not one organisation called "Azerbaijan Launches New Military Operation".
    assert ("Azerbaijan", "GPE") in labels
    assert all("Launches" not in e.text for e in seed.entities)


def test_places_nagorno_karabakh_and_stepanakert_in_azerbaijan(seed: Enrichment) -> None:
    karabakh = _place(seed, "Nagorno-Karabakh")
    assert karabakh.country == "AZ"
    assert km_between(karabakh.lat, karabakh.lon, 39.8, 46.75) < 50
    stepanakert = _place(seed, "Stepanakert")  # also named Khankendi in the text: one place, not two
    assert stepanakert.country == "AZ"
    assert km_between(stepanakert.lat, stepanakert.lon, 39.8153, 46.7519) < 50
    assert [p.name for p in seed.places].count("Stepanakert") == 1
    assert not any(p.name == "Khankendi" for p in seed.places)


def test_countries_most_salient_first(seed: Enrichment) -> None:
    assert seed.countries[0] == "AZ"
    assert {"AZ", "AM", "RU"} <= set(seed.countries)
    assert "IR" not in seed.countries  # the "TEHRAN (Tasnim)" dateline is the outlet's, not the story's


def test_primary_place_is_nagorno_karabakh(seed: Enrichment) -> None:
    assert seed.primary_place is not None
    assert seed.primary_place.name == "Nagorno-Karabakh"


def test_event_type_is_conflict(seed: Enrichment) -> None:
    assert seed.event_type is not None
    assert seed.event_type.category == "conflict"
    assert seed.event_type.type in {"Battles", "Explosions/Remote violence"}
    assert seed.event_type.confidence > 0.3


def test_actors(seed: Enrichment) -> None:
    actors = {a.lower() for a in seed.actors}
    assert "united nations" in actors
    assert {"azerbaijan", "armenia", "russia"} <= actors
    assert any("russian peacekeep" in a for a in actors)
    assert any(a.startswith("azerbaijan's ministry of defense") or "armed forces of azerbaijan" in a for a in actors)
    assert not actors & {"afp", "tass"}  # news agencies are sources, not actors


def test_keywords_tone_summary(seed: Enrichment) -> None:
    assert "azerbaijan" in seed.keywords
    assert not set(seed.keywords) & {"the", "said", "and", "of"}
    assert -1 <= seed.tone < 0  # an offensive, explosions and casualties
    assert seed.summary.startswith("The Republic of Azerbaijan's ministry of defense announced")
    assert len(seed.summary) <= 300


def test_enrich_many_equals_enrich(enricher: Enricher, seed_article: tuple[str, str], seed: Enrichment) -> None:
    title, text = seed_article
    batch = enricher.enrich_many([(title, text), ("Protest in Berlin", "Thousands marched in Berlin.", "en")])
    assert batch[0] == seed
    assert batch[1].countries == ["DE"]


def test_declared_language_is_used(enricher: Enricher, seed_article: tuple[str, str]) -> None:
    assert enricher.enrich(*seed_article, lang="en-GB").lang == "en"

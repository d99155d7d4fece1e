"""Bad input never crashes the Enricher; it produces what it can and says what it could not."""

from __future__ import annotations

import os
import time

from wirewatch.contracts import Enrichment
from wirewatch.enrich.enricher import DEFAULT_MAX_CHARS, Enricher


def _valid(enrichment: Enrichment) -> Enrichment:
    # Round-trips through JSON as it will on the bus.
    return Enrichment.model_validate_json(enrichment.model_dump_json())


def test_title_only(enricher: Enricher) -> None:
    result = _valid(enricher.enrich("Azerbaijan launches offensive in Nagorno-Karabakh", ""))
    assert result.lang == "en"
    assert result.countries == ["AZ"]
    assert result.primary_place is not None
    assert result.primary_place.name == "Nagorno-Karabakh"
    assert result.summary == "Azerbaijan launches offensive in Nagorno-Karabakh"
    assert any("title only" in w for w in result.warnings)


def test_five_megabytes_are_capped_and_fast(enricher: Enricher) -> None:
    text = "Russian troops shelled Kharkiv on Monday, officials in Ukraine said. " * 75_000  # ~5 MB
    started = time.perf_counter()
    result = _valid(enricher.enrich("Shelling in Kharkiv", text))
    assert time.perf_counter() - started < 8
    assert any(f"first {DEFAULT_MAX_CHARS}" in w or "only the first" in w for w in result.warnings)
    assert "UA" in result.countries
    basis_cap = DEFAULT_MAX_CHARS
    assert all(e.end <= basis_cap for e in result.entities)


def test_binary_garbage(enricher: Enricher) -> None:
    garbage = os.urandom(20_000).decode("latin-1")
    result = _valid(enricher.enrich("Protest in Kyiv", garbage))
    assert any("binary" in w for w in result.warnings)
    assert result.entities == [] or all(e.end <= len("Protest in Kyiv") for e in result.entities)


def test_control_characters_and_lone_surrogates(enricher: Enricher) -> None:
    result = _valid(enricher.enrich("Clashes\x00 in Donbas", "Fighting\ud800 continued in Donbas.\x07"))
    assert "UA" in result.countries
    assert any("control characters" in w for w in result.warnings)


def test_empty_everything(enricher: Enricher) -> None:
    result = _valid(enricher.enrich("", ""))
    assert result.entities == []
    assert result.places == []
    assert result.countries == []
    assert result.event_type is not None
    assert result.event_type.category == "other"
    assert result.warnings


def test_non_english_uses_the_multilingual_gazetteer(enricher: Enricher) -> None:
    result = _valid(
        enricher.enrich(
            "Aserbaidschan startet Militäroperation in Bergkarabach",
            "Explosionen wurden aus Xankəndi gemeldet. Russland und Armenien äußerten sich besorgt über die Lage.",
        )
    )
    assert result.lang == "de"
    assert any("not supported" in w for w in result.warnings)
    names = {p.name for p in result.places}
    assert {"Nagorno-Karabakh", "Stepanakert"} <= names
    assert result.countries[0] == "AZ"
    assert {"AM", "RU"} <= set(result.countries)
    assert not any(e.label in {"PERSON", "ORG"} for e in result.entities)  # no NER without the model


def test_unidentifiable_language(enricher: Enricher) -> None:
    result = _valid(enricher.enrich("1234 5678", "0000 1111 2222"))
    assert result.lang is None
    assert result.entities == []


def test_unsupported_language_keeps_places_numbers_and_dates(enricher: Enricher) -> None:
    # Swahili: neither the entity model nor the month names know it; the gazetteer and digits still work.
    result = _valid(
        enricher.enrich(
            "Mafuriko yaua watu 120 nchini Kenya",
            "Watu 120 wamekufa baada ya mafuriko makubwa katika mji wa Mombasa, serikali ya Kenya imesema.",
        )
    )
    assert result.lang == "sw"
    assert any("'sw' is not supported" in w for w in result.warnings)
    assert {"Kenya", "Mombasa"} <= {p.name for p in result.places}
    assert result.countries[0] == "KE"
    assert 120.0 in {n.value for n in result.numbers}
    assert result.event_type is not None  # "other" with no English cue: said by a zero confidence, no crash


def test_five_megabytes_of_one_word_and_of_digits(enricher: Enricher) -> None:
    for text in ("a" * 5_000_000, "1234567890 " * 450_000):
        started = time.perf_counter()
        result = _valid(enricher.enrich("Huge", text))
        assert time.perf_counter() - started < 8
        assert result.warnings
        assert len(result.numbers) <= 50

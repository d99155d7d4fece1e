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

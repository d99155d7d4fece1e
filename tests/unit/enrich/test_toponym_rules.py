"""The general toponym rules behind the geoparsing gains, each on a sentence written for it."""

from __future__ import annotations

from wirewatch.enrich.document import prepare_document
from wirewatch.enrich.enricher import Analysis, Enricher
from wirewatch.enrich.gazetteer import Gazetteer
from wirewatch.enrich.mentions import find_mentions


def _analyse(enricher: Enricher, title: str, text: str) -> Analysis:
    return enricher.analyse_many([(title, text, "en")])[0]


def _toponyms(analysis: Analysis) -> dict[str, str | None]:
    return {t.text: (t.place.name if t.place else None) for t in analysis.toponyms}


def test_abbreviation_keeps_its_dot_and_the_article_is_dropped(enricher: Enricher) -> None:
    analysis = _analyse(enricher, "", "Officials in the United States said the U.S. would respond. Sanctions followed.")
    names = _toponyms(analysis)
    assert names.get("United States") == "United States"
    assert names.get("U.S.") == "United States"


def test_us_states_and_their_ap_abbreviations(enricher: Enricher) -> None:
    analysis = _analyse(enricher, "", "Flooding hit Louisville, Ky., and parts of Texas and California on Monday.")
    places = {p.name: p for p in analysis.enrichment.places}
    assert places["Kentucky"].admin1 == "KY"
    assert places["Texas"].country == "US"
    assert places["California"].admin1 == "CA"
    assert abs(places["California"].lat - 37.2) < 1.5  # near GeoNames' centre, not a Cuban town called Florida


def test_georgia_follows_the_article(enricher: Enricher) -> None:
    us = _analyse(enricher, "", "Storms swept Atlanta, Georgia, and Alabama; Florida braced for more.")
    caucasus = _analyse(enricher, "", "Protesters in Tbilisi, Georgia, marched against the law; Russia objected.")
    assert {p.name: p.country for p in us.enrichment.places}["Georgia"] == "US"
    assert {p.name: p.country for p in caucasus.enrichment.places}["Georgia"] == "GE"


def test_washington_is_the_capital_not_the_state(enricher: Enricher) -> None:
    places = {p.name: p for p in _analyse(enricher, "", "Talks in Washington ended without a deal.").enrichment.places}
    assert places["Washington"].admin1 == "DC"


def test_continents_are_toponyms_but_not_contract_places(enricher: Enricher) -> None:
    analysis = _analyse(enricher, "", "The virus spread from Africa to Europe and across the Atlantic.")
    names = _toponyms(analysis)
    assert names.get("Africa") == "Africa"
    assert names.get("Europe") == "Europe"
    assert names.get("Atlantic") == "Atlantic Ocean"
    assert analysis.enrichment.places == []


def test_a_town_spacy_calls_an_organisation_in_its_own_country(enricher: Enricher) -> None:
    analysis = _analyse(
        enricher, "Libya flood: political division hampers aid to Derna", "Aid agencies in Libya are slowed."
    )
    assert "Darnah" in {p.name for p in analysis.enrichment.places}


def test_diseases_named_after_places_are_not_places(enricher: Enricher) -> None:
    analysis = _analyse(enricher, "", "West Nile virus cases rose in Texas, and an Ebola outbreak was declared.")
    assert set(_toponyms(analysis)) == {"Texas"}


def test_a_city_spacy_misses_is_found_when_the_article_names_its_country(gazetteer: Gazetteer) -> None:
    def scanned(text: str) -> set[str]:  # the gazetteer scan alone, as when spaCy tags nothing
        doc = prepare_document("", text, max_chars=20_000)
        return {m.surface for m in find_mentions(doc, gazetteer, None, english=True).places}

    assert "Winnipeg" in scanned("Police in Canada said a man was arrested in Winnipeg after the raid.")
    assert "Winnipeg" not in scanned("Officials in Kenya said a man was arrested in Winnipeg after the raid.")
    assert "Winnipeg" not in scanned("Police in Canada said so. Winnipeg was calm.")  # sentence start: any word

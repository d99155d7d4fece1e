# ruff: noqa: RUF001 - Arabic-Indic digits are the point of the Arabic article
"""Articles in Spanish, French, German, Portuguese, Russian and Arabic: places from the multilingual gazetteer,
numbers read with each language's separators, dates with its month names. Short articles written for the test."""

from __future__ import annotations

import pytest

from wirewatch.contracts import Enrichment
from wirewatch.enrich.enricher import Enricher
from wirewatch.enrich.quantities import parse_number

ARTICLES = {
    "es": (
        "Terremoto en Marruecos: más de 2.000 muertos",
        (
            "El 8 de septiembre de 2023 un terremoto de magnitud 6,8 sacudió Marruecos. En Marrakech los equipos de "
            "rescate buscan supervivientes; España envió ayuda."
        ),
        {"Morocco", "Marrakesh", "Spain"},
    ),
    "fr": (
        "Séisme au Maroc : plus de 2 000 morts",
        (
            "Le 8 septembre 2023, un séisme de magnitude 6,8 a frappé le Maroc. À Marrakech, les secours cherchent des "
            "survivants ; la France et l'Espagne ont proposé leur aide."
        ),
        {"Morocco", "Marrakesh", "France", "Spain"},
    ),
    "de": (
        "Erdbeben in Marokko: mehr als 2.000 Tote",
        (
            "Am 8. September 2023 erschütterte ein Beben der Stärke 6,8 Marokko. In Marrakesch suchen Retter nach "
            "Überlebenden; Deutschland und Spanien boten Hilfe an."
        ),
        {"Morocco", "Marrakesh", "Germany", "Spain"},
    ),
    "pt": (
        "Terremoto no Marrocos deixa mais de 2.000 mortos",
        (
            "Em 8 de setembro de 2023, um terremoto de magnitude 6,8 atingiu o Marrocos. Em Marrakech, equipes de "
            "resgate procuram sobreviventes; Portugal e Espanha enviaram ajuda."
        ),
        {"Morocco", "Marrakesh", "Portugal", "Spain"},
    ),
    "ru": (
        "Землетрясение в Марокко: более 2 000 погибших",
        (
            "8 сентября 2023 года землетрясение магнитудой 6,8 произошло в Марокко. Спасатели ищут выживших; Россия и "
            "Франция предложили помощь."
        ),
        {"Morocco", "Russia", "France"},
    ),
    "ar": (
        "زلزال في المغرب يقتل أكثر من ٢٬٠٠٠ شخص",
        (
            "في ٨ سبتمبر ٢٠٢٣ ضرب زلزال بقوة 6.8 درجة المغرب. في مراكش يبحث رجال الإنقاذ عن ناجين، وأرسلت إسبانيا "
            "مساعدات."
        ),
        {"Morocco", "Marrakesh", "Spain"},
    ),
}


@pytest.fixture(scope="module")
def enriched(enricher: Enricher) -> dict[str, Enrichment]:
    langs = list(ARTICLES)
    results = enricher.enrich_many([(ARTICLES[lang][0], ARTICLES[lang][1], None) for lang in langs])
    return dict(zip(langs, results, strict=True))


@pytest.mark.parametrize("lang", list(ARTICLES))
def test_language_places_numbers_and_dates(lang: str, enriched: dict[str, Enrichment]) -> None:
    result = Enrichment.model_validate_json(enriched[lang].model_dump_json())
    title, text, places = ARTICLES[lang]
    assert result.lang == lang
    assert places <= {p.name for p in result.places}
    assert result.countries[0] == "MA"
    assert result.primary_place is not None
    assert result.primary_place.country == "MA"
    assert {n.value for n in result.numbers} >= {2000.0, 6.8}
    assert [d.date for d in result.dates] == ["2023-09-08"]
    basis = f"{title}\n\n{text}"
    spans = [(n.text, n.start, n.end) for n in result.numbers] + [(d.text, d.start, d.end) for d in result.dates]
    spans += [(e.text, e.start, e.end) for e in result.entities]
    for surface, start, end in spans:
        assert basis[start:end] == surface
    assert any(f"language {lang!r} is not supported by the entity model" in w for w in result.warnings)
    assert not any(e.label in {"PERSON", "ORG"} for e in result.entities)


@pytest.mark.parametrize(
    ("raw", "lang", "value"),
    [
        ("2,000", "en", 2000.0),
        ("2.000", "de", 2000.0),
        ("6,8", "es", 6.8),
        ("1.234,5", "pt", 1234.5),
        ("2\u202f000", "fr", 2000.0),
        ("6.8", "en", 6.8),
        ("1,5,0", "en", None),
    ],
)
def test_number_separators_follow_the_language(raw: str, lang: str, value: float | None) -> None:
    assert parse_number(raw, lang) == value


def test_english_numbers_and_dates_exclude_the_day_of_a_date(enricher: Enricher) -> None:
    result = enricher.enrich("Quake kills 2,000", "On 9 September 2023 a magnitude 6.8 quake killed 2,000 people.")
    assert [d.date for d in result.dates] == ["2023-09-09"]
    assert [n.value for n in result.numbers] == [2000.0, 6.8, 2000.0]
